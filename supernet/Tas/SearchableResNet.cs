using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// The TAS search network of a CIFAR ResNet (design note tas.md): a width-logit vector per conv layer
/// and a depth-logit vector per stage (init N(0, 0.01)). Each forward samples two widths per layer and
/// weights every depth by Gumbel-softmax at temperature <see cref="Temperature"/>; every block of a stage
/// runs and the stage output is the weighted sum of the channel-wise-interpolated outputs after each
/// candidate depth. <see cref="Argmax"/> is the architecture to derive.
/// </summary>
public sealed class SearchableResNet : nn.Module<Tensor, Tensor>
{
    private readonly string[] _widthLogitNames;
    private readonly string[] _depthLogitNames;
    private readonly TasSearchConv _stem;
    private readonly TasSearchBlock[] _blocks;
    private readonly Linear _classifier;

    public SearchableResNet(TasSearchSpace space) : base("tas_search_resnet")
    {
        Space = space;
        _stem = new TasSearchConv(space.InChannels, space.StageWidths[0], 3, 1, space.WidthChoices[0], relu: true);
        var blocks = new List<TasSearchBlock>();
        int inPlanes = space.StageWidths[0];
        for (int s = 0; s < space.StageWidths.Count; s++)
            for (int b = 0; b < space.BlocksPerStage; b++)
            {
                int layer = TasSearchSpace.ConvA(s, b, space.BlocksPerStage);
                blocks.Add(new TasSearchBlock(inPlanes, space.StageWidths[s], b == 0 && s > 0 ? 2 : 1, space.WidthChoices[layer], space.WidthChoices[layer + 1]));
                inPlanes = space.StageWidths[s];
            }
        _blocks = blocks.ToArray();
        _classifier = nn.Linear(space.StageWidths[^1], space.Classes);
        Parameter[] widthLogits = space.WidthChoices.Select(c => new Parameter(randn(c.Count).TimesInPlace(0.01))).ToArray();
        Parameter[] depthLogits = space.DepthChoices.Select(c => new Parameter(randn(c.Count).TimesInPlace(0.01))).ToArray();
        _widthLogitNames = widthLogits.Select((_, i) => $"width_logits_{i}").ToArray();
        _depthLogitNames = depthLogits.Select((_, i) => $"depth_logits_{i}").ToArray();
        register_module("stem", _stem);
        register_module("blocks", nn.ModuleList<nn.Module>(_blocks));
        register_module("classifier", _classifier);
        for (int i = 0; i < widthLogits.Length; i++) register_parameter(_widthLogitNames[i], widthLogits[i]);
        for (int i = 0; i < depthLogits.Length; i++) register_parameter(_depthLogitNames[i], depthLogits[i]);
    }

    public TasSearchSpace Space { get; }

    /// <summary>False: every layer runs at full width (TAS depth only).</summary>
    public bool SearchWidths { get; init; } = true;

    /// <summary>False: every stage runs all its blocks (TAS width only).</summary>
    public bool SearchDepths { get; init; } = true;

    /// <summary>Gumbel-softmax temperature of the next forward passes (the search schedules it).</summary>
    public double Temperature { get; set; } = 10;

    // Read through the registry, which Module.to() (device or dtype) updates.
    public IReadOnlyList<Parameter> WidthLogits => Array.ConvertAll(_widthLogitNames, name => get_parameter(name)!);
    public IReadOnlyList<Parameter> DepthLogits => Array.ConvertAll(_depthLogitNames, name => get_parameter(name)!);

    /// <summary>The architecture logits (optimised by Adam on the other half of the data).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> ArchitectureParameters() =>
        named_parameters().Where(p => IsArchitecture(p.name));

    /// <summary>Whether a parameter name is an architecture logit's.</summary>
    public static bool IsArchitecture(string parameterName) => parameterName.Contains("_logits_", StringComparison.Ordinal);

    /// <summary>Everything else: conv weights, BN, classifier (optimised by SGD).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> WeightParameters() =>
        named_parameters().Where(p => !IsArchitecture(p.name));

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        double tau = Temperature;
        IReadOnlyList<Parameter> depthLogits = DepthLogits;
        var selections = WidthLogits.Select(l => SearchWidths ? GumbelSelection.SelectTwo(l, tau) : ([l.size(0) - 1], ones(1, device: l.device))).ToArray();
        Tensor y = ChannelsLast.Apply(_stem.Forward(x, selections[0].Indices, selections[0].Weights));
        int n = Space.BlocksPerStage;
        for (int s = 0; s < Space.StageWidths.Count; s++)
        {
            var outputs = new Tensor[n];
            for (int b = 0; b < n; b++)
            {
                int layer = TasSearchSpace.ConvA(s, b, n);
                y = outputs[b] = _blocks[s * n + b].Forward(y, selections[layer], selections[layer + 1]);
            }
            Tensor depthWeights = SearchDepths ? GumbelSelection.Soft(depthLogits[s], tau) : OneHotLast(depthLogits[s]);
            IReadOnlyList<int> depths = Space.DepthChoices[s];
            Tensor? stage = null;
            for (int j = 0; j < depths.Count; j++)
            {
                Tensor term = ChannelWiseInterpolation.Apply(outputs[depths[j] - 1], Space.StageWidths[s]).mul(depthWeights[j]);
                stage = stage is null ? term : stage.Plus(term);
            }
            y = stage!;
        }
        return _classifier.call(F.adaptive_avg_pool2d(y, 1).flatten(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Softmax of the width logits (one-hot on the full width when widths are not searched).</summary>
    public IReadOnlyList<Tensor> WidthProbabilities() => WidthLogits.Select(l => SearchWidths ? F.softmax(l, 0) : OneHotLast(l)).ToList();

    /// <summary>Softmax of the depth logits (one-hot on the full depth when depths are not searched).</summary>
    public IReadOnlyList<Tensor> DepthProbabilities() => DepthLogits.Select(l => SearchDepths ? F.softmax(l, 0) : OneHotLast(l)).ToList();

    private static Tensor OneHotLast(Tensor logits) => F.one_hot(tensor(logits.size(0) - 1, device: logits.device), logits.size(0)).to(logits.dtype);

    /// <summary>The most likely width of every layer and depth of every stage.</summary>
    public TasArchitecture Argmax()
    {
        int[] widths = WidthLogits.Select(l => SearchWidths ? (int)l.argmax().item<long>() : (int)l.size(0) - 1).ToArray();
        int[] depths = DepthLogits.Select(l => SearchDepths ? (int)l.argmax().item<long>() : (int)l.size(0) - 1).ToArray();
        return Space.Architecture(widths, depths);
    }
}
