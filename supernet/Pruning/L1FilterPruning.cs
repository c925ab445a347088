using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Pruning;

/// <summary>
/// L1-norm filter pruning of a CIFAR ResNet (Li et al., "Pruning Filters for Efficient ConvNets"): in
/// every block the first conv keeps the filters with the largest L1 norms (the same share in every
/// block; the second conv, whose outputs feed the residual sums, is kept whole, as Li et al. do for
/// ResNets). The pruned network inherits the kept weights and is then fine-tuned.
/// </summary>
public static class L1FilterPruning
{
    /// <summary>Widths of every block's first conv keeping <paramref name="keep"/> of its filters (at least one).</summary>
    public static ResNetSpec Spec(ResNetSpec spec, double keep) =>
        spec with
        {
            MiddleWidths = Enumerable.Range(0, 3 * spec.BlocksPerStage)
                .Select(i => Math.Max(1, (int)Math.Round(spec.Widths[i / spec.BlocksPerStage] * keep))).ToArray(),
        };

    /// <summary>The largest keep share whose pruned network costs at most <paramref name="targetMacs"/> (bisection on the share).</summary>
    public static double KeepFor(ResNetSpec spec, long targetMacs, int size)
    {
        if (Spec(spec, 0).Macs(size) > targetMacs)
            throw new ArgumentException($"pruning: even one filter per block costs {Spec(spec, 0).Macs(size)} MACs, above the target {targetMacs}");
        double low = 0, high = 1;
        for (int i = 0; i < 40; i++)
        {
            double mid = (low + high) / 2;
            if (Spec(spec, mid).Macs(size) <= targetMacs) low = mid; else high = mid;
        }
        return low;
    }

    /// <summary>A pruned copy of <paramref name="source"/>: the kept filters (and their BN entries, and the matching inputs of the second conv) copied in.</summary>
    public static CifarResNet Prune(CifarResNet source, double keep)
    {
        ResNetSpec spec = Spec(source.Spec, keep);
        var pruned = new CifarResNet(spec);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var from = source.state_dict();
        var to = pruned.state_dict();
        // Everything but the pruned convs copies over unchanged: stem, second convs, shortcuts, classifier.
        foreach (var (name, tensor) in to)
            if (from.TryGetValue(name, out Tensor? value) && value.shape.SequenceEqual(tensor.shape)) tensor.copy_(value);
        IReadOnlyList<BasicBlock> sourceBlocks = source.Blocks, prunedBlocks = pruned.Blocks;
        for (int i = 0; i < sourceBlocks.Count; i++)
        {
            BasicBlock a = sourceBlocks[i], b = prunedBlocks[i];
            long kept = b.Conv1.weight!.shape[0];
            Tensor order = a.Conv1.weight!.abs().sum([1, 2, 3]).argsort(descending: true).slice(0, 0, kept, 1).sort().Values;
            b.Conv1.weight!.copy_(a.Conv1.weight!.index_select(0, order));
            CopyBn(a.Bn1, b.Bn1, order);
            b.Conv2.weight!.copy_(a.Conv2.weight!.index_select(1, order));
        }
        return pruned;
    }

    private static void CopyBn(SafeBatchNorm2d source, SafeBatchNorm2d target, Tensor order)
    {
        target.weight!.copy_(source.weight!.index_select(0, order));
        target.bias!.copy_(source.bias!.index_select(0, order));
        target.running_mean!.copy_(source.running_mean!.index_select(0, order));
        target.running_var!.copy_(source.running_var!.index_select(0, order));
    }
}
