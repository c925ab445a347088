using NasPrune.Supernet.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// Inference that touches only the stored non-zeros: a weight is kept as a COO sparse matrix [out, in * k * k]
/// and multiplied with the im2col (unfold) of the input (libtorch's sparse x dense matmul; TorchSharp 0.107
/// exposes COO only). Grouped (depthwise) convolutions have no such kernel and stay dense. Whether this is
/// faster than the dense (masked) convolution depends on the sparsity and the shapes; `nasprune bench sparse`
/// measures both.
/// </summary>
public static class SparseKernel
{
    /// <summary>The weight as a COO matrix with one row per output channel (for groups = 1 convolutions and linear layers).</summary>
    public static Tensor Matrix(Tensor weight)
    {
        using var noGrad = no_grad();
        using Tensor flat = weight.detach().reshape(weight.size(0), -1);
        return flat.to_sparse(); // built from a dense tensor, so already coalesced
    }

    public static Tensor Conv2d(Tensor x, Tensor matrix, long kernel, long stride, long padding, long dilation)
    {
        using var scope = NewDisposeScope();
        long n = x.size(0);
        long outH = (x.size(2) + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        long outW = (x.size(3) + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        Tensor columns = kernel == 1 && stride == 1 && padding == 0
            ? x.flatten(2)                                                           // [N, C, H * W]
            : F.unfold(x, kernel, dilation, padding, stride);                        // [N, C * k * k, L]
        Tensor dense = columns.permute(1, 0, 2).reshape(columns.size(1), -1);        // [C * k * k, N * L]
        Tensor y = mm(matrix, dense);                                                // [out, N * L]
        return y.reshape(matrix.size(0), n, outH, outW).permute(1, 0, 2, 3).contiguous().MoveToOuterDisposeScope();
    }

    public static Tensor Linear(Tensor x, Tensor matrix, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        Tensor y = mm(matrix, x.t()).t();
        return (bias is null ? y : y.Plus(bias)).MoveToOuterDisposeScope();
    }
}
