using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// The static network of a <see cref="TasArchitecture"/>: a CIFAR ResNet with the found widths and
/// depths (basic blocks with avg-pool + 1x1 conv shortcuts at stride 2, 1x1 conv + BN where a stride-1
/// block changes the width), freshly initialised (TAS inherits no weights). Its MACs equal <see cref="TasArchitecture.Macs"/>.
/// </summary>
public sealed class TasResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _stem;
    private readonly SafeBatchNorm2d _stemBn;
    private readonly Sequential _blocks;
    private readonly Linear _classifier;

    public TasResNet(TasArchitecture architecture, int inChannels, int classes) : base("tas_resnet")
    {
        Architecture = architecture;
        _stem = nn.Conv2d(inChannels, architecture.StemWidth, 3, stride: 1, padding: 1, bias: false);
        _stemBn = new SafeBatchNorm2d(architecture.StemWidth);
        var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
        int width = architecture.StemWidth;
        for (int s = 0; s < architecture.Stages.Count; s++)
            for (int b = 0; b < architecture.Stages[s].Count; b++)
            {
                var (a, bw) = architecture.Stages[s][b];
                blocks.Add(($"{s}_{b}", new Models.BasicBlock($"block{s}_{b}", width, bw, b == 0 && s > 0 ? 2 : 1, middleChannels: a, avgPoolDownsample: true)));
                width = bw;
            }
        _blocks = nn.Sequential(blocks);
        _classifier = nn.Linear(width, classes);
        register_module("stem", _stem);
        register_module("stem_bn", _stemBn);
        register_module("blocks", _blocks);
        register_module("classifier", _classifier);
        Models.ResNetInit.Apply(this); // as the base ResNet
    }

    public TasArchitecture Architecture { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor stem = _stem.call(x);
        Tensor y = F.relu(_stemBn.call(ChannelsLast.Apply(stem)), inplace: true); // channels-last from here on (see ChannelsLast)
        y = _blocks.call(y);
        return _classifier.call(F.adaptive_avg_pool2d(y, 1).flatten(1)).MoveToOuterDisposeScope();
    }
}
