using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// A basic block of a pruned (TAS-derived) ResNet: 3x3 conv a (stride) + BN + ReLU, 3x3 conv b + BN,
/// plus the shortcut (avg-pool + 1x1 conv at stride 2; 1x1 conv + BN when a stride-1 block changes the
/// width; identity otherwise), then ReLU.
/// </summary>
public sealed class TasBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _convA;
    private readonly BatchNorm2d _bnA;
    private readonly Conv2d _convB;
    private readonly BatchNorm2d _bnB;
    private readonly nn.Module<Tensor, Tensor>? _shortcut;

    public TasBlock(int inChannels, int a, int b, int stride) : base("tas_block")
    {
        _convA = nn.Conv2d(inChannels, a, 3, stride: stride, padding: 1, bias: false);
        _bnA = nn.BatchNorm2d(a);
        _convB = nn.Conv2d(a, b, 3, stride: 1, padding: 1, bias: false);
        _bnB = nn.BatchNorm2d(b);
        if (stride == 2)
            _shortcut = nn.Sequential(("pool", nn.AvgPool2d(2, stride: 2, ceil_mode: true)), ("conv", nn.Conv2d(inChannels, b, 1, bias: false)));
        else if (inChannels != b)
            _shortcut = nn.Sequential(("conv", nn.Conv2d(inChannels, b, 1, bias: false)), ("bn", nn.BatchNorm2d(b)));
        register_module("conv_a", _convA);
        register_module("bn_a", _bnA);
        register_module("conv_b", _convB);
        register_module("bn_b", _bnB);
        if (_shortcut is not null) register_module("shortcut", _shortcut);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = F.relu(_bnA.call(_convA.call(x)), inplace: true);
        y = _bnB.call(_convB.call(y));
        Tensor identity = _shortcut is null ? x : _shortcut.call(x);
        return F.relu(y.add_(identity), inplace: true).MoveToOuterDisposeScope();
    }
}
