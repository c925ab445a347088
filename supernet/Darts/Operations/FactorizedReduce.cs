using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts.Operations;

/// <summary>
/// Halves the resolution without losing every other pixel: two strided 1 x 1 convolutions, the second on
/// the input shifted by one pixel, concatenated (DARTS' skip connection with stride 2). Needs even sizes.
/// </summary>
public sealed class FactorizedReduce : nn.Module<Tensor, Tensor>
{
    private readonly SparseConv2d conv_1;
    private readonly SparseConv2d conv_2;
    private readonly SafeBatchNorm2d bn;

    public FactorizedReduce(int inChannels, int outChannels, bool affine) : base("factorized_reduce")
    {
        if (outChannels % 2 != 0) throw new ArgumentException($"FactorizedReduce needs an even output width, got {outChannels}");
        conv_1 = new SparseConv2d(inChannels, outChannels / 2, 1, stride: 2);
        conv_2 = new SparseConv2d(inChannels, outChannels / 2, 1, stride: 2);
        bn = new SafeBatchNorm2d(outChannels, affine: affine);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (x.size(2) % 2 != 0 || x.size(3) % 2 != 0)
            throw new ArgumentException($"FactorizedReduce needs even spatial sizes, got {x.size(2)}x{x.size(3)}");
        using var scope = NewDisposeScope();
        Tensor relu = nn.functional.relu(x);
        Tensor shifted = relu[.., .., 1.., 1..];
        return bn.call(cat([conv_1.call(relu), conv_2.call(shifted)], 1)).MoveToOuterDisposeScope();
    }
}
