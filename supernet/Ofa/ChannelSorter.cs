using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Ofa.Elastic;
using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// Reorders the middle channels of every elastic block so the most important come first (the OFA
/// reference's re_organize_middle_weights), leaving the network's function unchanged. Importance of
/// middle channel j is the L1 norm of the projection conv's input slice j. In expand phase s,
/// channels outside the width of the (s+1)-th largest expand ratio get graded large negative offsets,
/// so channels already trained inside a smaller width stay inside it. Then the SE squeeze channels are
/// sorted by the L1 norm of the SE expand conv's input slices.
/// </summary>
public static class ChannelSorter
{
    public static void Sort(OfaSupernet supernet, int expandStage)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (ElasticMbBlock block in supernet.Blocks) Sort(block, supernet.Space, expandStage);
        InferenceCaches.Clear(supernet);
    }

    private static void Sort(ElasticMbBlock block, OfaSearchSpace space, int expandStage)
    {
        Tensor importance = block.ProjectConv.Weight.abs().sum([0, 2, 3]);
        if (expandStage > 0)
        {
            int[] widths = space.ExpandRatios.OrderDescending().Select(e => Channels.MiddleWidth(block.In, e)).ToArray();
            int right = (int)importance.shape[0];
            double offset = -widths.Length * 1e5;
            for (int i = 0; i <= expandStage && i < widths.Length; i++)
            {
                int left = widths[i];
                if (left < right) importance.slice(0, left, right, 1).PlusInPlace(offset);
                offset += 1e5;
                right = left;
            }
        }
        Tensor order = importance.sort(0, descending: true, stable: true).Indices;

        Permute(block.ProjectConv.Weight, 1, order);
        PermuteBn(block.DepthwiseBn.Bn, order);
        Permute(block.DepthwiseConv.Weight, 0, order);
        if (block.Se is { } se)
        {
            Permute(se.Expand.weight!, 0, order);
            Permute(se.Expand.bias!, 0, order);
            Permute(se.Reduce.weight!, 1, order);
            Tensor squeezeOrder = se.Expand.weight!.abs().sum([0, 2, 3]).sort(0, descending: true, stable: true).Indices;
            Permute(se.Expand.weight!, 1, squeezeOrder);
            Permute(se.Reduce.weight!, 0, squeezeOrder);
            Permute(se.Reduce.bias!, 0, squeezeOrder);
        }
        PermuteBn(block.ExpandBn.Bn, order);
        Permute(block.ExpandConv.Weight, 0, order);
    }

    private static void PermuteBn(SafeBatchNorm2d bn, Tensor order)
    {
        Permute(bn.weight!, 0, order);
        Permute(bn.bias!, 0, order);
        Permute(bn.running_mean!, 0, order);
        Permute(bn.running_var!, 0, order);
    }

    private static void Permute(Tensor target, long dim, Tensor order) => target.copy_(target.index_select(dim, order));
}
