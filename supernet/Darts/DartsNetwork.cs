using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts;

/// <summary>
/// The network a genotype derives: the search network's macro structure with one fixed operation per
/// kept edge. Its convolutions and classifier are sparse operators (DASS trains it dense, then prunes
/// its scores, then fine-tunes under the fixed mask). No auxiliary head and no drop-path (DARTS'
/// CIFAR evaluation tricks; left out to keep the comparison to the baselines like for like).
/// </summary>
public sealed class DartsNetwork : nn.Module<Tensor, Tensor>
{
    private readonly SparseConv2d stem_conv;
    private readonly SafeBatchNorm2d stem_bn;
    private readonly ModuleList<DerivedCell> cells;
    private readonly SparseLinear classifier;

    public DartsNetwork(DartsNetworkSpec spec, DartsGenotype genotype) : base("darts_network")
    {
        (Spec, Genotype) = (spec, genotype);
        _channelsLast = spec.UsesChannelsLast;
        stem_conv = new SparseConv2d(spec.InChannels, spec.StemChannels, 3, padding: 1);
        stem_bn = new SafeBatchNorm2d(spec.StemChannels);
        cells = nn.ModuleList(spec.CellShapes().Select(s => new DerivedCell(s.Reduction ? genotype.Reduce : genotype.Normal, s)).ToArray());
        classifier = new SparseLinear(spec.OutputChannels, spec.Classes);
        RegisterComponents();
    }

    public DartsNetworkSpec Spec { get; }
    private readonly bool _channelsLast;
    public DartsGenotype Genotype { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor stem = stem_conv.call(x);
        Tensor s0 = stem_bn.call(_channelsLast ? ChannelsLast.Apply(stem) : stem); // see DartsNetworkSpec.UsesChannelsLast
        Tensor s1 = s0;
        foreach (DerivedCell cell in cells)
            (s0, s1) = (s1, cell.call(s0, s1));
        Tensor pooled = nn.functional.adaptive_avg_pool2d(s1, [1, 1]).flatten(1);
        return classifier.call(pooled).MoveToOuterDisposeScope();
    }
}
