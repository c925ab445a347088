using NasPrune.Supernet.Normalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>
/// BatchNorm over the first c channels of a max-width BN (OFA's DynamicBatchNorm2d): weight, bias and
/// running statistics are sliced; in training the running statistics of exactly those c entries are
/// updated in place. At full width it is the plain BN.
/// </summary>
public sealed class ElasticBatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly SafeBatchNorm2d _bn;
    private readonly double _momentum;
    private readonly double _eps;
    private readonly int _maxChannels;

    public ElasticBatchNorm(int maxChannels, double momentum, double eps) : base("bn")
    {
        _bn = new SafeBatchNorm2d(maxChannels, eps, momentum);
        _momentum = momentum;
        _eps = eps;
        _maxChannels = maxChannels;
        register_module("bn", _bn);
    }

    public SafeBatchNorm2d Bn => _bn;
    public int MaxChannels => _maxChannels;

    public override Tensor forward(Tensor x)
    {
        int c = (int)x.size(1);
        if (c == _maxChannels) return _bn.call(x);
        return F.batch_norm(x, _bn.running_mean!.slice(0, 0, c, 1), _bn.running_var!.slice(0, 0, c, 1),
            _bn.weight!.slice(0, 0, c, 1), _bn.bias!.slice(0, 0, c, 1), training, _momentum, _eps);
    }
}
