using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Static;

/// <summary>SE: global average pool, 1x1 conv (bias) to the squeeze width, ReLU, 1x1 conv (bias) back, h-sigmoid, multiply.</summary>
public sealed class SqueezeExcite : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _reduce;
    private readonly Conv2d _expand;

    public SqueezeExcite(int channels, int squeeze) : base("se")
    {
        _reduce = nn.Conv2d(channels, squeeze, 1, bias: true);
        _expand = nn.Conv2d(squeeze, channels, 1, bias: true);
        register_module("reduce", _reduce);
        register_module("expand", _expand);
    }

    public Conv2d Reduce => _reduce;
    public Conv2d Expand => _expand;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = x.mean([2, 3], keepdim: true);
        y = F.hardsigmoid(_expand.call(F.relu(_reduce.call(y))));
        return x.mul(y).MoveToOuterDisposeScope();
    }
}
