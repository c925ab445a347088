using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// A pruned weight in compressed sparse row form, one row per output channel (the weight flattened to
/// [out, in * k * k]): for row r, the non-zeros are <see cref="Values"/>[<see cref="RowStart"/>[r] ..
/// <see cref="RowStart"/>[r + 1]) at columns <see cref="Columns"/>[...], in column order. Frozen when built:
/// the kernel reads it for inference only.
/// </summary>
public sealed class CsrMatrix
{
    private CsrMatrix(int rows, int columnCount, int[] rowStart, int[] columns, float[] values)
    {
        Rows = rows;
        ColumnCount = columnCount;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    public int Rows { get; }
    public int ColumnCount { get; }
    public int[] RowStart { get; }
    public int[] Columns { get; }
    public float[] Values { get; }

    public int NonZeros => Values.Length;

    /// <summary>The non-zeros of <paramref name="weight"/> ([out, ...], any device), exactly as stored.</summary>
    public static CsrMatrix FromWeight(Tensor weight)
    {
        if (weight.dim() < 2) throw new ArgumentException($"a weight has an output dimension and at least one input dimension, not shape [{string.Join(", ", weight.shape)}]");
        int rows = checked((int)weight.size(0));
        float[] dense;
        using (no_grad())
        using (Tensor flat = weight.detach().reshape(rows, -1).to(float32).cpu())
            dense = flat.data<float>().ToArray();
        int columnCount = dense.Length / Math.Max(rows, 1);

        var rowStart = new int[rows + 1];
        var columns = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columnCount; c++)
            {
                float v = dense[r * columnCount + c];
                if (v == 0) continue;
                columns.Add(c);
                values.Add(v);
            }
            rowStart[r + 1] = values.Count;
        }
        return new CsrMatrix(rows, columnCount, rowStart, columns.ToArray(), values.ToArray());
    }
}
