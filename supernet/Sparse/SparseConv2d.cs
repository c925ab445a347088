using NasPrune.Supernet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// A convolution with a learned importance score per weight and a target sparsity p (DASS, as the
/// HYDRA-style code the authors use): the forward uses W * M, M keeping the top (1 - p) of |S| exactly;
/// gradients are straight-through (see <see cref="TopKMask.Apply"/>). At p = 0 it is a plain conv. Which
/// of W and S trains is the caller's choice (requires_grad), per phase.
/// </summary>
public sealed class SparseConv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    : SparseLayer("sparse_conv", InitialWeight(inChannels, outChannels, kernel, groups), (long)inChannels / groups * kernel * kernel)
{
    private static Tensor InitialWeight(int inChannels, int outChannels, int kernel, int groups)
    {
        Tensor weight = empty(outChannels, inChannels / groups, kernel, kernel);
        using (no_grad()) nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        return weight;
    }

    protected override bool HasSparseKernel => groups == 1;

    protected override Tensor DenseForward(Tensor x) =>
        groups == inChannels && groups > 1 && dilation > 1
            ? DilatedDepthwise.Conv2d(x, EffectiveWeight(), stride, padding, dilation, groups)
            : Pointwise.Conv2d(x, EffectiveWeight(), stride: stride, padding: padding, dilation: dilation, groups: groups);

    protected override Tensor SparseForward(Tensor x, CsrMatrix matrix) => SparseKernel.Conv2d(x, matrix, kernel, stride, padding, dilation);
}
