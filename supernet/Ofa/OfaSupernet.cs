using NasPrune.Supernet.Ofa.Elastic;
using NasPrune.Supernet.Ofa.Static;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// The once-for-all supernet of an <see cref="OfaSearchSpace"/>: a static stem and first block, elastic
/// MBConv stages, a static head. <see cref="Forward"/> runs any sub-network, given explicitly;
/// <see cref="forward"/> runs <see cref="ActiveConfig"/> (largest by default). The input must already
/// be at the config's resolution (<see cref="OfaInput.Resize"/>): the network is fully convolutional
/// up to the pool. <see cref="SubnetExtractor"/> builds standalone static twins.
/// </summary>
public sealed class OfaSupernet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _stemConv;
    private readonly BatchNorm2d _stemBn;
    private readonly MbConvBlock _firstBlock;
    private readonly ElasticMbBlock[] _blocks;
    private readonly Conv2d _finalExpandConv;
    private readonly BatchNorm2d _finalExpandBn;
    private readonly Conv2d _featureMixConv;
    private readonly Linear _classifier;

    public OfaSupernet(OfaSearchSpace space) : base("ofa_supernet")
    {
        string? error = space.Validate();
        if (error is not null) throw new ArgumentException($"search space: {error}");
        Space = space;
        _stemConv = nn.Conv2d(space.InputChannels, space.StemWidth, 3, stride: 1, padding: 1, bias: false);
        _stemBn = nn.BatchNorm2d(space.StemWidth, space.BnEps, space.BnMomentum);
        _firstBlock = new MbConvBlock(FirstBlockShape(space), space.BnMomentum, space.BnEps);
        _blocks = Enumerable.Range(0, space.StageCount)
            .SelectMany(s => Enumerable.Range(0, space.BlocksPerStage).Select(b => new ElasticMbBlock(space, s, b)))
            .ToArray();
        int last = space.StageWidth(space.StageCount - 1);
        _finalExpandConv = nn.Conv2d(last, space.FinalExpandWidth, 1, bias: false);
        _finalExpandBn = nn.BatchNorm2d(space.FinalExpandWidth, space.BnEps, space.BnMomentum);
        _featureMixConv = nn.Conv2d(space.FinalExpandWidth, space.FeatureWidth, 1, bias: false);
        _classifier = nn.Linear(space.FeatureWidth, space.Classes);

        register_module("stem_conv", _stemConv);
        register_module("stem_bn", _stemBn);
        register_module("first_block", _firstBlock);
        register_module("blocks", nn.ModuleList(_blocks));
        register_module("final_expand_conv", _finalExpandConv);
        register_module("final_expand_bn", _finalExpandBn);
        register_module("feature_mix_conv", _featureMixConv);
        register_module("classifier", _classifier);
        OfaInit.Apply(this);
        ActiveConfig = SubnetConfig.Largest(space);
    }

    public OfaSearchSpace Space { get; }

    /// <summary>The sub-network <see cref="forward"/> runs. Set it explicitly; nothing else changes it.</summary>
    public SubnetConfig ActiveConfig { get; set; }

    public IReadOnlyList<ElasticMbBlock> Blocks => _blocks;
    public ElasticMbBlock Block(int stage, int index) => _blocks[stage * Space.BlocksPerStage + index];

    internal Conv2d StemConv => _stemConv;
    internal BatchNorm2d StemBn => _stemBn;
    internal MbConvBlock FirstBlock => _firstBlock;
    internal Conv2d FinalExpandConv => _finalExpandConv;
    internal BatchNorm2d FinalExpandBn => _finalExpandBn;
    internal Conv2d FeatureMixConv => _featureMixConv;
    internal Linear Classifier => _classifier;

    public override Tensor forward(Tensor x) => Forward(x, ActiveConfig);

    public Tensor Forward(Tensor x, SubnetConfig config)
    {
        if (!ReferenceEquals(config.Space, Space) && !config.Space.Equals(Space))
            throw new ArgumentException("sub-network config belongs to another search space");
        using var scope = NewDisposeScope();
        Tensor y = F.hardswish(_stemBn.call(_stemConv.call(x)));
        y = _firstBlock.call(y);
        for (int s = 0; s < Space.StageCount; s++)
            for (int b = 0; b < config.Depths[s]; b++)
                y = Block(s, b).Forward(y, config.Kernel(s, b), config.Expand(s, b));
        y = F.hardswish(_finalExpandBn.call(_finalExpandConv.call(y)));
        y = y.mean([2, 3], keepdim: true);
        y = F.hardswish(_featureMixConv.call(y)).flatten(1);
        y = F.dropout(y, Space.Dropout, training);
        return _classifier.call(y).MoveToOuterDisposeScope();
    }

    /// <summary>The fixed first block: expand ratio 1 (no expansion conv), k3, stride 1, ReLU, no SE, identity shortcut.</summary>
    internal static MbConvShape FirstBlockShape(OfaSearchSpace space) =>
        new(space.StemWidth, space.StemWidth, space.FirstBlockWidth, 3, 1, Activation.Relu, null,
            Residual: space.StemWidth == space.FirstBlockWidth, HasExpansion: false);
}
