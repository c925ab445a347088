using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Static;

/// <summary>The fixed input part of every OFA network: 3x3 conv (stride 1), BN, h-swish, then the fixed first MBConv block.</summary>
public sealed class OfaStem : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly SafeBatchNorm2d _bn;
    private readonly MbConvBlock _firstBlock;

    public OfaStem(OfaSearchSpace space) : base("stem")
    {
        _conv = nn.Conv2d(space.InputChannels, space.StemWidth, 3, stride: 1, padding: 1, bias: false);
        _bn = new SafeBatchNorm2d(space.StemWidth, space.BnEps, space.BnMomentum);
        _firstBlock = new MbConvBlock(FirstBlockShape(space), space.BnMomentum, space.BnEps);
        register_module("conv", _conv);
        register_module("bn", _bn);
        register_module("first_block", _firstBlock);
    }

    /// <summary>The fixed first block: expand ratio 1 (no expansion conv), k3, stride 1, ReLU, no SE, identity shortcut.</summary>
    public static MbConvShape FirstBlockShape(OfaSearchSpace space) =>
        new(space.StemWidth, space.StemWidth, space.FirstBlockWidth, 3, 1, Activation.Relu, null,
            Residual: space.StemWidth == space.FirstBlockWidth, HasExpansion: false);

    public MbConvBlock FirstBlock => _firstBlock;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _firstBlock.call(StemConv(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The stem before the first block: conv, BN, h-swish (latency tables time it on its own).</summary>
    public Tensor StemConv(Tensor x)
    {
        Tensor y = ChannelsLast.Apply(_conv.call(x)); // everything after the stem runs in the faster layout
        return F.hardswish(_bn.call(y));
    }
}
