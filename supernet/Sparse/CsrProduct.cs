using System.Numerics;
using System.Runtime.CompilerServices;

namespace NasPrune.Supernet.Sparse;

/// <summary>How a dense operand of <see cref="CsrProduct"/> lies in memory.</summary>
public enum DenseLayout
{
    /// <summary>Entry (row i, column j) at i * m + j: an NCHW activation seen as [channels x pixels] (im2col's output too).</summary>
    RowMajor,

    /// <summary>Entry (row i, column j) at j * rows + i: a channels-last activation [pixels x channels], or a linear layer's [batch x features].</summary>
    ColumnMajor,
}

/// <summary>
/// Y = A X for a <see cref="CsrMatrix"/> A [rows x k] and a dense X [k x m], written to a dense Y [rows x m];
/// several such products (one per image of a batch) in one call. Why written here: TorchSharp 0.107 binds
/// only COO sparse tensors, and libtorch's COO x dense product on the CPU was slower than the dense
/// convolution it should replace. The work is cut into tiles of <see cref="TileWidth"/> columns: for one
/// tile and one row of A the partial sums stay in registers (4 SIMD vectors) while the row's non-zeros
/// stream by, each a broadcast and a fused multiply-add per vector; the tile's slice of X stays in cache
/// across all rows of A. The useful work is non-zeros x m multiply-adds, about (1 - sparsity) of the dense
/// product's. Column-major operands (channels-last activations, a linear layer's input) and a partial last
/// tile go through small per-thread buffers, transposed there, so that the inner loop is always the same.
/// The loops are compiled fully optimised from their first call (<see cref="MethodImplOptions.AggressiveOptimization"/>):
/// with tiered compilation they would first run as unoptimised tier-0 code, whose SIMD operations are calls,
/// and a benchmark's few dozen calls would time that.
/// </summary>
public static unsafe class CsrProduct
{
    private const int VectorsPerTile = 4;
    private static readonly int Lanes = Vector<float>.Count;
    private static readonly int TileWidth = Lanes * VectorsPerTile;

    // Below this many multiply-adds a product runs on the calling thread: handing out work costs more.
    private const long ParallelThreshold = 1 << 16;

    [ThreadStatic] private static float[]? _buffer;

    /// <param name="x">X of the first product; the next starts k * m floats further.</param>
    /// <param name="y">Y of the first product; the next starts rows * m floats further.</param>
    /// <param name="threads">At most this many threads share the tiles.</param>
    public static void Multiply(CsrMatrix a, float* x, DenseLayout xLayout, float* y, DenseLayout yLayout, long m, long products, int threads)
    {
        if (m <= 0 || products <= 0) return;
        long tilesPerProduct = (m + TileWidth - 1) / TileWidth;
        long tiles = products * tilesPerProduct;
        long work = (long)a.NonZeros * m * products;
        int parts = (int)Math.Min(Math.Max(threads, 1), tiles);
        var job = new Job(a, (nint)x, xLayout, (nint)y, yLayout, m, tilesPerProduct);
        if (parts == 1 || work < ParallelThreshold)
        {
            job.Run(0, tiles);
            return;
        }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part => job.Run(tiles * part / parts, tiles * (part + 1) / parts));
    }

    private readonly record struct Job(CsrMatrix A, nint X, DenseLayout XLayout, nint Y, DenseLayout YLayout, long M, long TilesPerProduct)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long from, long to)
        {
            long k = A.ColumnCount, rows = A.Rows, tw = TileWidth;
            // One buffer per thread: the tile's X [k x tile] and Y [rows x tile] when they cannot be used in place.
            long need = (k + rows) * tw;
            if (_buffer is null || _buffer.Length < need) _buffer = GC.AllocateUninitializedArray<float>((int)need, pinned: true);
            fixed (float* buffer = _buffer)
            fixed (int* columns = A.Columns)
            fixed (float* values = A.Values)
            {
                for (long t = from; t < to; t++)
                {
                    long product = t / TilesPerProduct;
                    long j0 = t % TilesPerProduct * tw;
                    Tile((float*)X + product * k * M, (float*)Y + product * rows * M, j0, Math.Min(tw, M - j0), buffer, buffer + k * tw, columns, values);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile(float* x, float* y, long j0, long width, float* xBuffer, float* yBuffer, int* columns, float* values)
        {
            long k = A.ColumnCount, rows = A.Rows, m = M, tw = TileWidth;
            float* xTile;
            long xStride;
            if (XLayout == DenseLayout.RowMajor && width == tw)
            {
                xTile = x + j0;
                xStride = m;
            }
            else
            {
                // Into the buffer as [k x tile], zero-padded; each loop reads its source in memory order.
                if (width < tw)
                    for (long c = 0; c < k; c++) new Span<float>(xBuffer + c * tw + width, (int)(tw - width)).Clear();
                if (XLayout == DenseLayout.RowMajor)
                    for (long c = 0; c < k; c++) new ReadOnlySpan<float>(x + c * m + j0, (int)width).CopyTo(new Span<float>(xBuffer + c * tw, (int)width));
                else
                    for (long j = 0; j < width; j++)
                    {
                        float* pixel = x + (j0 + j) * k;
                        for (long c = 0; c < k; c++) xBuffer[c * tw + j] = pixel[c];
                    }
                xTile = xBuffer;
                xStride = tw;
            }

            bool direct = YLayout == DenseLayout.RowMajor && width == tw;
            int[] rowStart = A.RowStart;
            for (int r = 0; r < rows; r++)
                FullTile(columns, values, rowStart[r], rowStart[r + 1], xTile, xStride, direct ? y + r * m + j0 : yBuffer + r * tw);
            if (direct) return;
            if (YLayout == DenseLayout.RowMajor)
                for (long r = 0; r < rows; r++) new ReadOnlySpan<float>(yBuffer + r * tw, (int)width).CopyTo(new Span<float>(y + r * m + j0, (int)width));
            else
                for (long j = 0; j < width; j++)
                {
                    float* pixel = y + (j0 + j) * rows;
                    for (long r = 0; r < rows; r++) pixel[r] = yBuffer[r * tw + j];
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FullTile(int* columns, float* values, int begin, int end, float* x, long stride, float* y)
    {
        Vector<float> s0 = Vector<float>.Zero, s1 = Vector<float>.Zero, s2 = Vector<float>.Zero, s3 = Vector<float>.Zero;
        int lanes = Lanes;
        for (int p = begin; p < end; p++)
        {
            var w = new Vector<float>(values[p]);
            float* xr = x + columns[p] * stride;
            s0 = Vector.FusedMultiplyAdd(Vector.Load(xr), w, s0);
            s1 = Vector.FusedMultiplyAdd(Vector.Load(xr + lanes), w, s1);
            s2 = Vector.FusedMultiplyAdd(Vector.Load(xr + 2 * lanes), w, s2);
            s3 = Vector.FusedMultiplyAdd(Vector.Load(xr + 3 * lanes), w, s3);
        }
        s0.Store(y);
        s1.Store(y + lanes);
        s2.Store(y + 2 * lanes);
        s3.Store(y + 3 * lanes);
    }
}
