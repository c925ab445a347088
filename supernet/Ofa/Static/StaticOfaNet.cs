using NasPrune.Supernet.Normalization;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa.Static;

/// <summary>
/// A standalone static sub-network of an OFA space: plain Conv2d / SafeBatchNorm2d / Linear modules, only
/// the kept blocks, each at its chosen kernel and width. Built from (space, config) alone, so an
/// exported directory loads without the supernet. Its input must be at the config's resolution.
/// </summary>
public sealed class StaticOfaNet : nn.Module<Tensor, Tensor>
{
    private readonly OfaStem _stem;
    private readonly MbConvBlock[] _blocks;
    private readonly OfaHead _head;

    public StaticOfaNet(SubnetConfig config) : base("ofa_subnet")
    {
        OfaSearchSpace space = config.Space;
        Config = config;
        _stem = new OfaStem(space);
        _blocks = BlockShapes(config).Select(shape => new MbConvBlock(shape, space.BnMomentum, space.BnEps)).ToArray();
        _head = new OfaHead(space);
        register_module("stem", _stem);
        register_module("blocks", nn.ModuleList(_blocks));
        register_module("head", _head);
    }

    public SubnetConfig Config { get; }
    public IReadOnlyList<MbConvBlock> Blocks => _blocks;
    internal OfaStem Stem => _stem;
    internal OfaHead Head => _head;

    /// <summary>The shapes of the kept elastic blocks, stage by stage.</summary>
    public static IEnumerable<MbConvShape> BlockShapes(SubnetConfig config)
    {
        OfaSearchSpace space = config.Space;
        for (int s = 0; s < space.StageCount; s++)
            for (int b = 0; b < config.Depths[s]; b++)
                yield return space.BlockShape(s, b, config.Kernel(s, b), config.Expand(s, b));
    }

    /// <summary>
    /// The forward pass as its parts, in order: the stem conv, the fixed first block, each kept elastic block,
    /// the head. Latency tables key the same parts (so a per-part profile lines up with a table's operators).
    /// </summary>
    public IReadOnlyList<Func<Tensor, Tensor>> Parts() =>
        [_stem.StemConv, _stem.FirstBlock.call, .. _blocks.Select(b => (Func<Tensor, Tensor>)b.call), _head.call];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = _stem.call(x);
        foreach (MbConvBlock block in _blocks) y = block.call(y);
        return _head.call(y).MoveToOuterDisposeScope();
    }
}
