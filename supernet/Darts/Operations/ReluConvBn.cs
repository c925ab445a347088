using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts.Operations;

/// <summary>ReLU, convolution, BatchNorm: the DARTS cell's input pre-processing and the building block of the others.</summary>
public sealed class ReluConvBn : nn.Module<Tensor, Tensor>
{
    private readonly SparseConv2d conv;
    private readonly SafeBatchNorm2d bn;

    public ReluConvBn(int inChannels, int outChannels, int kernel, int stride, int padding, bool affine) : base("relu_conv_bn")
    {
        conv = new SparseConv2d(inChannels, outChannels, kernel, stride, padding);
        bn = new SafeBatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using Tensor activated = nn.functional.relu(x);
        using Tensor convolved = conv.call(activated);
        return bn.call(convolved);
    }
}
