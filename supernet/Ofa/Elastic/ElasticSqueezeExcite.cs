using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>SE whose middle width follows its input (OFA's DynamicSE); the squeeze width is make_divisible(mid // 4).</summary>
public sealed class ElasticSqueezeExcite : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _reduce;
    private readonly Conv2d _expand;

    public ElasticSqueezeExcite(int maxChannels) : base("se")
    {
        int maxSqueeze = Channels.SqueezeWidth(maxChannels);
        _reduce = nn.Conv2d(maxChannels, maxSqueeze, 1, bias: true);
        _expand = nn.Conv2d(maxSqueeze, maxChannels, 1, bias: true);
        register_module("reduce", _reduce);
        register_module("expand", _expand);
        foreach (Conv2d conv in new[] { _reduce, _expand })
        {
            Init.HeFanOut(conv.weight!);
            using var noGrad = no_grad();
            conv.bias!.zero_();
        }
    }

    public Conv2d Reduce => _reduce;
    public Conv2d Expand => _expand;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        int c = (int)x.shape[1];
        int sq = Channels.SqueezeWidth(c);
        Tensor y = x.mean([2, 3], keepdim: true);
        y = F.relu(F.conv2d(y, Slice(_reduce.weight!, sq, c), Slice(_reduce.bias!, sq)));
        y = F.hardsigmoid(F.conv2d(y, Slice(_expand.weight!, c, sq), Slice(_expand.bias!, c)));
        return x.mul(y).MoveToOuterDisposeScope();
    }

    private static Tensor Slice(Tensor t, int dim0, int? dim1 = null)
    {
        Tensor s = dim0 == t.shape[0] ? t : t.slice(0, 0, dim0, 1);
        return dim1 is int d && d != t.shape[1] ? s.slice(1, 0, d, 1) : s;
    }
}
