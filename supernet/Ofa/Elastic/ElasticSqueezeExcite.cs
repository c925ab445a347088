using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>SE whose middle width follows its input (OFA's DynamicSE); the squeeze width is make_divisible(mid // 4).</summary>
public sealed class ElasticSqueezeExcite : nn.Module<Tensor, Tensor>
{
    private readonly PointwiseConv2d _reduce;
    private readonly PointwiseConv2d _expand;
    private readonly int _maxChannels;

    public ElasticSqueezeExcite(int maxChannels) : base("se")
    {
        int maxSqueeze = Channels.SqueezeWidth(maxChannels);
        _maxChannels = maxChannels;
        _reduce = new PointwiseConv2d(maxChannels, maxSqueeze, withBias: true);
        _expand = new PointwiseConv2d(maxSqueeze, maxChannels, withBias: true);
        register_module("reduce", _reduce);
        register_module("expand", _expand);
        foreach (PointwiseConv2d conv in new[] { _reduce, _expand })
        {
            Init.HeFanOut(conv.weight!);
            using var noGrad = no_grad();
            conv.bias!.zero_();
        }
    }

    public PointwiseConv2d Reduce => _reduce;
    public PointwiseConv2d Expand => _expand;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        int c = (int)x.size(1);
        int sq = Channels.SqueezeWidth(c);
        bool full = c == _maxChannels;  // the squeeze width follows, so it is full too
        Tensor reduceWeight = full ? _reduce.weight! : _reduce.weight!.slice(0, 0, sq, 1).slice(1, 0, c, 1);
        Tensor reduceBias = full ? _reduce.bias! : _reduce.bias!.slice(0, 0, sq, 1);
        Tensor expandWeight = full ? _expand.weight! : _expand.weight!.slice(0, 0, c, 1).slice(1, 0, sq, 1);
        Tensor expandBias = full ? _expand.bias! : _expand.bias!.slice(0, 0, c, 1);
        Tensor y = x.mean([2, 3], keepdim: true);
        y = F.relu(Pointwise.Conv(y, reduceWeight, reduceBias));
        y = F.hardsigmoid(Pointwise.Conv(y, expandWeight, expandBias));
        return x.mul(y).MoveToOuterDisposeScope();
    }
}
