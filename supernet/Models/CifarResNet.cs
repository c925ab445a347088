using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Models;

/// <summary>
/// CIFAR-style ResNet-(6n+2) (He et al. 2016): 3x3 stem of 16 channels, three stages of n basic blocks
/// with 16/32/64 channels and strides 1/2/2, global average pool, linear. Downsampling blocks use a
/// 1x1 conv + BN projection shortcut. Used by the foundation trainer and as TAS's base network.
/// </summary>
public sealed class CifarResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly SafeBatchNorm2d stemBn;
    private readonly Sequential stages;
    private readonly Linear classifier;
    private readonly PlainLayerKernels _kernels = new();

    public ResNetSpec Spec { get; }

    /// <summary>The basic blocks in order (stage by stage).</summary>
    public IReadOnlyList<BasicBlock> Blocks => stages.children().Cast<BasicBlock>().ToList();

    public CifarResNet(ResNetSpec spec) : base($"resnet{spec.Depth}")
    {
        Spec = spec;
        stem = nn.Conv2d(spec.InChannels, spec.Widths[0], 3, stride: 1, padding: 1, bias: false);
        stemBn = new SafeBatchNorm2d(spec.Widths[0]);
        var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
        int inWidth = spec.Widths[0];
        for (int s = 0; s < 3; s++)
        {
            for (int b = 0; b < spec.BlocksPerStage; b++)
            {
                int stride = b == 0 && s > 0 ? 2 : 1;
                blocks.Add(($"{s}_{b}", new BasicBlock($"block{s}_{b}", inWidth, spec.Widths[s], stride, spec.MiddleWidth(s, b), kernels: _kernels)));
                inWidth = spec.Widths[s];
            }
        }
        stages = nn.Sequential(blocks);
        classifier = nn.Linear(inWidth, spec.Classes);
        RegisterComponents();
        ResNetInit.Apply(this);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = _kernels.Conv(stem, x);
        y = F.relu(stemBn.call(ChannelsLast.Apply(y)), inplace: true); // channels-last from here on: safe and fast (see ChannelsLast)
        y = stages.call(y);
        y = F.adaptive_avg_pool2d(y, 1).flatten(1);
        return _kernels.Linear(classifier, y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs inference through the sparse kernel (every conv and the classifier as a COO matrix of the current
    /// weights, see <see cref="PlainLayerKernels"/>), for a magnitude-pruned network; false goes back to the
    /// dense layers. Weights changed afterwards are not seen until it is switched on again.
    /// </summary>
    public void UseSparseKernels(bool on) => _kernels.Use(on, modules());

    /// <summary>The layers running through the sparse kernel now, by module path (for <see cref="SparseKernelTuner"/>).</summary>
    public IReadOnlyList<(string Name, ISparseKernelSwitch Switch)> SparseKernelSwitches()
    {
        var names = named_modules().ToDictionary(m => (object)m.module, m => m.name, ReferenceEqualityComparer.Instance);
        return _kernels.Switches().Select(s => (names[s.Layer], s)).ToList();
    }
}
