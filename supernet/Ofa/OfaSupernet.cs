using NasPrune.Supernet.Ofa.Elastic;
using NasPrune.Supernet.Ofa.Static;
using TorchSharp;
using static TorchSharp.torch;

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
    private readonly OfaStem _stem;
    private readonly ElasticMbBlock[] _blocks;
    private readonly OfaHead _head;

    public OfaSupernet(OfaSearchSpace space) : base("ofa_supernet")
    {
        string? error = space.Validate();
        if (error is not null) throw new ArgumentException($"search space: {error}");
        Space = space;
        _stem = new OfaStem(space);
        _blocks = Enumerable.Range(0, space.StageCount)
            .SelectMany(s => Enumerable.Range(0, space.BlocksPerStage).Select(b => new ElasticMbBlock(space, s, b)))
            .ToArray();
        _head = new OfaHead(space);
        register_module("stem", _stem);
        register_module("blocks", nn.ModuleList(_blocks));
        register_module("head", _head);
        OfaInit.Apply(this);
        ActiveConfig = SubnetConfig.Largest(space);
    }

    public OfaSearchSpace Space { get; }

    /// <summary>The sub-network <see cref="forward"/> runs. Set it explicitly; nothing else changes it.</summary>
    public SubnetConfig ActiveConfig { get; set; }

    public IReadOnlyList<ElasticMbBlock> Blocks => _blocks;
    public ElasticMbBlock Block(int stage, int index) => _blocks[stage * Space.BlocksPerStage + index];
    internal OfaStem Stem => _stem;
    internal OfaHead Head => _head;

    public override Tensor forward(Tensor x) => Forward(x, ActiveConfig);

    public Tensor Forward(Tensor x, SubnetConfig config)
    {
        if (!ReferenceEquals(config.Space, Space) && !config.Space.Equals(Space))
            throw new ArgumentException("sub-network config belongs to another search space");
        using var scope = NewDisposeScope();
        Tensor y = _stem.call(x);
        for (int s = 0; s < Space.StageCount; s++)
            for (int b = 0; b < config.Depths[s]; b++)
                y = Block(s, b).Forward(y, config.Kernel(s, b), config.Expand(s, b));
        return _head.call(y).MoveToOuterDisposeScope();
    }
}
