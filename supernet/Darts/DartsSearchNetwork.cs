using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Darts.Operations;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts;

/// <summary>
/// The DARTS search network: stem, search cells sharing two sets of architecture logits (normal and
/// reduction cells, [14, operations] each), global pooling and a classifier. Every convolution and the
/// classifier are sparse operators, so DASS can prune the whole network while searching. Parameters fall
/// into three groups that train in different phases: weights, importance scores and architecture logits.
/// </summary>
public sealed class DartsSearchNetwork : nn.Module<Tensor, Tensor>
{
    private readonly SparseConv2d stem_conv;
    private readonly SafeBatchNorm2d stem_bn;
    private readonly ModuleList<SearchCell> cells;
    private readonly SparseLinear classifier;
    private readonly Parameter alphas_normal;
    private readonly Parameter alphas_reduce;

    public DartsSearchNetwork(DartsNetworkSpec spec) : base("darts_search")
    {
        Spec = spec;
        _channelsLast = spec.UsesChannelsLast;
        stem_conv = new SparseConv2d(spec.InChannels, spec.StemChannels, 3, padding: 1);
        stem_bn = new SafeBatchNorm2d(spec.StemChannels);
        cells = nn.ModuleList(spec.CellShapes().Select(s => new SearchCell(s)).ToArray());
        classifier = new SparseLinear(spec.OutputChannels, spec.Classes);
        // DARTS: logits start near zero (1e-3 * N(0, 1)), so every operation starts with about the same weight.
        int operations = DartsOperations.All.Count;
        alphas_normal = new Parameter(randn(DartsNetworkSpec.Edges, operations).TimesInPlace(1e-3));
        alphas_reduce = new Parameter(randn(DartsNetworkSpec.Edges, operations).TimesInPlace(1e-3));
        RegisterComponents();
    }

    public DartsNetworkSpec Spec { get; }
    private readonly bool _channelsLast;

    public IReadOnlyList<Parameter> ArchitectureParameters() => [alphas_normal, alphas_reduce];

    public static bool IsArchitecture(string parameterName) => parameterName.StartsWith("alphas_", StringComparison.Ordinal);

    public static bool IsScore(string parameterName) => parameterName == "scores" || parameterName.EndsWith(".scores", StringComparison.Ordinal);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor normal = alphas_normal.softmax(-1);
        Tensor reduce = alphas_reduce.softmax(-1);
        Tensor stem = stem_conv.call(x);
        Tensor s0 = stem_bn.call(_channelsLast ? ChannelsLast.Apply(stem) : stem); // see DartsNetworkSpec.UsesChannelsLast
        Tensor s1 = s0;
        foreach (SearchCell cell in cells)
            (s0, s1) = (s1, cell.call(s0, s1, cell.Reduction ? reduce : normal));
        Tensor pooled = nn.functional.adaptive_avg_pool2d(s1, [1, 1]).flatten(1);
        return classifier.call(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>The discrete architecture the current logits stand for (<see cref="CellGenotype.Derive"/>).</summary>
    public DartsGenotype Genotype()
    {
        using var noGrad = no_grad();
        return new DartsGenotype(CellGenotype.Derive(ToArray(alphas_normal)), CellGenotype.Derive(ToArray(alphas_reduce)));
    }

    private static float[,] ToArray(Tensor logits)
    {
        float[] flat = logits.detach().cpu().data<float>().ToArray();
        var result = new float[logits.size(0), logits.size(1)];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }
}
