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
                CopyBlock(supernet.Block(s, b), net.Blocks[i++], config.Kernel(s, b));
        net.train(supernet.training);
        return net;
    }

    private static void CopyBlock(ElasticMbBlock source, MbConvBlock target, int kernel)
    {
        MbConvShape shape = target.Shape;
        int middle = shape.Middle;
        target.ExpandConv!.weight!.copy_(source.ExpandConv.ActiveWeight(middle, shape.In));
        CopyBn(source.ExpandBn.Bn, target.ExpandBn!, middle);
        target.DepthwiseConv.weight!.copy_(source.DepthwiseConv.ActiveWeight(middle, kernel));
        CopyBn(source.DepthwiseBn.Bn, target.DepthwiseBn, middle);
        if (source.Se is { } se && target.Se is { } targetSe)
        {
            int squeeze = shape.Squeeze!.Value;
            targetSe.Reduce.weight!.copy_(se.Reduce.weight!.slice(0, 0, squeeze, 1).slice(1, 0, middle, 1));
            targetSe.Reduce.bias!.copy_(se.Reduce.bias!.slice(0, 0, squeeze, 1));
            targetSe.Expand.weight!.copy_(se.Expand.weight!.slice(0, 0, middle, 1).slice(1, 0, squeeze, 1));
            targetSe.Expand.bias!.copy_(se.Expand.bias!.slice(0, 0, middle, 1));
        }
        target.ProjectConv.weight!.copy_(source.ProjectConv.ActiveWeight(shape.Out, middle));
        CopyBn(source.ProjectBn.Bn, target.ProjectBn, shape.Out);
    }

    private static void CopyBn(BatchNorm2d source, BatchNorm2d target, int channels)
    {
        target.weight!.copy_(source.weight!.slice(0, 0, channels, 1));
        target.bias!.copy_(source.bias!.slice(0, 0, channels, 1));
        target.running_mean!.copy_(source.running_mean!.slice(0, 0, channels, 1));
        target.running_var!.copy_(source.running_var!.slice(0, 0, channels, 1));
        target.num_batches_tracked!.copy_(source.num_batches_tracked!);
    }

    /// <summary>Copies a module whose state has the same names and shapes in both networks.</summary>
    private static void CopyModule(nn.Module source, nn.Module target)
    {
        var from = source.state_dict();
        foreach (var (name, tensor) in target.state_dict()) tensor.copy_(from[name]);
    }
}
