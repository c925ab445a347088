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

    /// <summary>Copies every state entry of <paramref name="source"/> into the entry of the same name of <paramref name="target"/>.</summary>
    private static void CopyModule(nn.Module source, nn.Module target)
    {
        var to = target.state_dict();
        foreach (var (name, tensor) in source.state_dict()) to[name].copy_(tensor);
    }
}
