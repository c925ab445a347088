using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Static;

/// <summary>
/// A standalone static sub-network of an OFA space: plain Conv2d / BatchNorm2d / Linear modules, only
/// the kept blocks, each at its chosen kernel and width. Built from (space, config) alone, so an
/// exported directory loads without the supernet. Its input must be at the config's resolution.
/// </summary>
public sealed class StaticOfaNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _stemConv;
    private readonly BatchNorm2d _stemBn;
    private readonly MbConvBlock _firstBlock;
    private readonly MbConvBlock[] _blocks;
    private readonly Conv2d _finalExpandConv;
    private readonly BatchNorm2d _finalExpandBn;
    private readonly Conv2d _featureMixConv;
    private readonly Linear _classifier;
    private readonly double _dropout;

    public StaticOfaNet(SubnetConfig config) : base("ofa_subnet")
    {
        OfaSearchSpace space = config.Space;
        Config = config;
        _dropout = space.Dropout;
        _stemConv = nn.Conv2d(space.InputChannels, space.StemWidth, 3, stride: 1, padding: 1, bias: false);
        _stemBn = nn.BatchNorm2d(space.StemWidth, space.BnEps, space.BnMomentum);
        _firstBlock = new MbConvBlock(OfaSupernet.FirstBlockShape(space), space.BnMomentum, space.BnEps);
        _blocks = BlockShapes(config).Select(shape => new MbConvBlock(shape, space.BnMomentum, space.BnEps)).ToArray();
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
    }

    public SubnetConfig Config { get; }
    public IReadOnlyList<MbConvBlock> Blocks => _blocks;
    internal Conv2d StemConv => _stemConv;
    internal BatchNorm2d StemBn => _stemBn;
    internal MbConvBlock FirstBlock => _firstBlock;
    internal Conv2d FinalExpandConv => _finalExpandConv;
    internal BatchNorm2d FinalExpandBn => _finalExpandBn;
    internal Conv2d FeatureMixConv => _featureMixConv;
    internal Linear Classifier => _classifier;

    /// <summary>The shapes of the kept elastic blocks, stage by stage.</summary>
    public static IEnumerable<MbConvShape> BlockShapes(SubnetConfig config)
    {
        OfaSearchSpace space = config.Space;
        for (int s = 0; s < space.StageCount; s++)
            for (int b = 0; b < config.Depths[s]; b++)
                yield return space.BlockShape(s, b, config.Kernel(s, b), config.Expand(s, b));
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = F.hardswish(_stemBn.call(_stemConv.call(x)));
        y = _firstBlock.call(y);
        foreach (MbConvBlock block in _blocks) y = block.call(y);
        y = F.hardswish(_finalExpandBn.call(_finalExpandConv.call(y)));
        y = y.mean([2, 3], keepdim: true);
        y = F.hardswish(_featureMixConv.call(y)).flatten(1);
        y = F.dropout(y, _dropout, training);
        return _classifier.call(y).MoveToOuterDisposeScope();
    }
}
