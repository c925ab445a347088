using NasPrune.Supernet.Ofa.Elastic;
using NasPrune.Supernet.Ofa.Static;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// Builds the static twin of a sub-network with its active weights copied in: sliced channels,
/// transformed kernels, BN statistics of the active channels, only the kept blocks. In eval mode its
/// output equals the supernet's under the same config.
/// </summary>
public static class SubnetExtractor
{
    public static StaticOfaNet Extract(OfaSupernet supernet, SubnetConfig config)
    {
        var net = new StaticOfaNet(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        CopyModule(supernet.Stem, net.Stem);
        CopyModule(supernet.Head, net.Head);

        int i = 0;
        OfaSearchSpace space = supernet.Space;
        for (int s = 0; s < space.StageCount; s++)
            for (int b = 0; b < config.Depths[s]; b++)
            {
                using MbConvBlock twin = supernet.Block(s, b).ToStatic(config.Kernel(s, b), config.Expand(s, b));
                CopyModule(twin, net.Blocks[i++]);
            }
        net.train(supernet.training);
        return net;
    }

    /// <summary>
    /// The inverse of extracting the largest network: loads a static largest network's weights and BN
    /// statistics into the supernet's full-size tensors, so that a network trained alone can be the start
    /// of progressive shrinking. The kernel transforms keep their values (they only shape smaller kernels).
    /// </summary>
    public static void LoadLargest(OfaSupernet supernet, StaticOfaNet net)
    {
        SubnetConfig largest = SubnetConfig.Largest(supernet.Space);
        if (!net.Config.Space.Equals(supernet.Space) || net.Config != largest)
            throw new ArgumentException($"the static network '{net.Config}' is not the largest network '{largest}' of the supernet's search space");
        using var noGrad = no_grad();
        CopyModule(net.Stem, supernet.Stem);
        CopyModule(net.Head, supernet.Head);
        int i = 0;
        for (int s = 0; s < supernet.Space.StageCount; s++)
            for (int b = 0; b < largest.Depths[s]; b++)
                supernet.Block(s, b).LoadLargest(net.Blocks[i++]);
    }

    /// <summary>Copies every state entry of <paramref name="source"/> into the entry of the same name of <paramref name="target"/>.</summary>
    private static void CopyModule(nn.Module source, nn.Module target)
    {
        var to = target.state_dict();
        foreach (var (name, tensor) in source.state_dict()) to[name].copy_(tensor);
    }
}
