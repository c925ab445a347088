using NasPrune.Supernet.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// Inference that touches only the stored non-zeros: a weight is kept as a <see cref="CsrMatrix"/> [out, in * k * k]
/// and multiplied with the im2col (unfold) of the input, one image at a time, by <see cref="CsrProduct"/> (a
/// C# kernel: TorchSharp 0.107 binds only COO, whose libtorch product was slower than dense). CPU and float32
/// only; elsewhere a layer runs dense (<see cref="Supports"/>). Grouped (depthwise) convolutions have no such
/// kernel and stay dense. Whether this is faster than the dense (masked) convolution depends on the sparsity,
/// the shapes and the CPU; `nasprune bench sparse` measures both, and the tuner keeps the faster per layer.
/// </summary>
public static class SparseKernel
{
    /// <summary>The weight's non-zeros, one row per output channel (for groups = 1 convolutions and linear layers).</summary>
    public static CsrMatrix Matrix(Tensor weight) => CsrMatrix.FromWeight(weight);

    /// <summary>Whether the kernel runs on inputs like <paramref name="x"/> (CPU, float32).</summary>
    public static bool Supports(Tensor x) => x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32;

    public static Tensor Conv2d(Tensor x, CsrMatrix matrix, long kernel, long stride, long padding, long dilation)
    {
        using var scope = NewDisposeScope();
        long n = x.size(0);
        long outH = (x.size(2) + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        long outW = (x.size(3) + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        // The output keeps a channels-last input's layout (a spatial view of one too, as Pointwise does), as libtorch's
        // convolution does: the layers after it (BN, pooling, depthwise convolutions, additions) are fast in it and
        // would otherwise convert back.
        bool channelsLast = ChannelsLast.HasChannelsInnermost(x);
        Tensor y = channelsLast ? empty([n, outH, outW, matrix.Rows], dtype: ScalarType.Float32) : empty([n, matrix.Rows, outH, outW], dtype: ScalarType.Float32);
        DenseLayout yLayout = channelsLast ? DenseLayout.ColumnMajor : DenseLayout.RowMajor;
        bool pointwise = kernel == 1 && stride == 1 && padding == 0;
        if (pointwise && channelsLast)
        {
            // The NHWC memory is [pixels x channels] for the whole batch: one product, no copy (a view is copied dense).
            CheckWidth(x.size(1), matrix);
            Multiply(matrix, x.permute(0, 2, 3, 1).contiguous(), DenseLayout.ColumnMajor, y, yLayout, n * outH * outW, 1);
        }
        else
        {
            Tensor columns = (pointwise ? x.flatten(2) : F.unfold(x, kernel, dilation, padding, stride)).contiguous(); // [N, C * k * k, L]
            CheckWidth(columns.size(1), matrix);
            Multiply(matrix, columns, DenseLayout.RowMajor, y, yLayout, outH * outW, n);
        }
        return (channelsLast ? y.permute(0, 3, 1, 2) : y).MoveToOuterDisposeScope();
    }

    public static Tensor Linear(Tensor x, CsrMatrix matrix, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        if (x.size(-1) != matrix.ColumnCount)
            throw new ArgumentException($"the input has {x.size(-1)} features; the weight takes {matrix.ColumnCount}");
        Tensor rows = x.reshape(-1, matrix.ColumnCount).contiguous();                   // [N, in]: X [in x N] column-major
        Tensor y = empty([rows.size(0), matrix.Rows], dtype: ScalarType.Float32);     // [N, out]: Y [out x N] column-major
        Multiply(matrix, rows, DenseLayout.ColumnMajor, y, DenseLayout.ColumnMajor, rows.size(0), 1);
        y = y.reshape([.. x.shape[..^1], matrix.Rows]);
        return (bias is null ? y : y.Plus(bias)).MoveToOuterDisposeScope();
    }

    private static void CheckWidth(long width, CsrMatrix matrix)
    {
        if (width != matrix.ColumnCount)
            throw new ArgumentException($"the input gives {width} values per output position; the weight takes {matrix.ColumnCount}");
    }

    private static unsafe void Multiply(CsrMatrix matrix, Tensor x, DenseLayout xLayout, Tensor y, DenseLayout yLayout, long m, long products) =>
        CsrProduct.Multiply(matrix, TensorMemory.Floats(x), xLayout, TensorMemory.Floats(y), yLayout, m, products, torch.get_num_threads());
}
