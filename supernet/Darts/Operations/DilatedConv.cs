using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts.Operations;

/// <summary>ReLU, depthwise (optionally dilated) k x k convolution, pointwise 1 x 1 convolution, BatchNorm (DARTS' DilConv).</summary>
public sealed class DilatedConv : nn.Module<Tensor, Tensor>
{
    private readonly SparseConv2d depthwise;
    private readonly SparseConv2d pointwise;
    private readonly SafeBatchNorm2d bn;

    public DilatedConv(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, bool affine) : base("dil_conv")
    {
        depthwise = new SparseConv2d(inChannels, inChannels, kernel, stride, padding, dilation, groups: inChannels);
        pointwise = new SparseConv2d(inChannels, outChannels, 1);
        bn = new SafeBatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return bn.call(pointwise.call(depthwise.call(nn.functional.relu(x)))).MoveToOuterDisposeScope();
    }
}
