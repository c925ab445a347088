using NasPrune.Supernet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Static;

/// <summary>SE: global average pool, 1x1 conv (bias) to the squeeze width, ReLU, 1x1 conv (bias) back, h-sigmoid, multiply.</summary>
public sealed class SqueezeExcite : nn.Module<Tensor, Tensor>
{
    private readonly PointwiseConv2d _reduce;
    private readonly PointwiseConv2d _expand;

    public SqueezeExcite(int channels, int squeeze) : base("se")
    {
        _reduce = new PointwiseConv2d(channels, squeeze, withBias: true);
        _expand = new PointwiseConv2d(squeeze, channels, withBias: true);
        register_module("reduce", _reduce);
        register_module("expand", _expand);
    }

    public PointwiseConv2d Reduce => _reduce;
    public PointwiseConv2d Expand => _expand;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = x.mean([2, 3], keepdim: true);
        y = F.hardsigmoid(_expand.call(F.relu(_reduce.call(y))));
        return x.mul(y).MoveToOuterDisposeScope();
    }
}
