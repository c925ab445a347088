using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Normalization;

/// <summary>
/// Re-estimates BatchNorm running statistics of a (static) network on some images, as the OFA
/// reference's set_running_statistics: each BN normalises with its batch mean and biased batch
/// variance (what a BN does in training mode), and its running mean / variance become the
/// image-weighted averages of those batch statistics. Nothing else changes: the weights,
/// num_batches_tracked and the module's train/eval mode are left as they were.
/// </summary>
public static class BnRecalibration
{
    public static void Recalibrate(nn.Module<Tensor, Tensor> model, IEnumerable<Tensor> batches)
    {
        var norms = ModuleTree.All<SafeBatchNorm2d>(model);
        if (norms.Count == 0) return;
        var sums = norms.ToDictionary(bn => bn, _ => (Mean: (Tensor?)null, Var: (Tensor?)null));
        var trackedBefore = norms.ToDictionary(bn => bn, bn => bn.num_batches_tracked!.clone().DetachFromDisposeScope());
        long images = 0;
        var hooks = norms.Select(bn => bn.register_forward_pre_hook((_, x) =>
        {
            using var scope = NewDisposeScope();
            long n = x.shape[0];
            Tensor mean = x.mean([0, 2, 3]);
            Tensor variance = x.var([0, 2, 3], unbiased: false);
            var (sumMean, sumVar) = sums[bn];
            sums[bn] = (Accumulate(sumMean, mean, n), Accumulate(sumVar, variance, n));
            return x;
        })).ToList();

        bool wasTraining = model.training;
        try
        {
            model.train();
            using var noGrad = no_grad();
            // The scope opens before MoveNext, so a lazily created batch is disposed with its step.
            using IEnumerator<Tensor> batch = batches.GetEnumerator();
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!batch.MoveNext()) break;
                model.call(batch.Current);
                images += batch.Current.shape[0];
            }
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
            model.train(wasTraining);
        }
        if (images == 0) throw new ArgumentException("BN recalibration needs at least one image");

        using (no_grad())
        using (NewDisposeScope()) // the quotients below
        {
            foreach (SafeBatchNorm2d bn in norms)
            {
                var (sumMean, sumVar) = sums[bn];
                if (sumMean is null) continue; // a BN the forward did not reach
                bn.running_mean!.copy_(sumMean.DividedBy(images));
                bn.running_var!.copy_(sumVar!.DividedBy(images));
                bn.num_batches_tracked!.copy_(trackedBefore[bn]);
                sumMean.Dispose();
                sumVar!.Dispose();
            }
        }
        foreach (Tensor t in trackedBefore.Values) t.Dispose();
    }

    private static Tensor Accumulate(Tensor? sum, Tensor value, long weight)
    {
        Tensor weighted = value.Times(weight);
        if (sum is null) return weighted.DetachFromDisposeScope();
        sum.PlusInPlace(weighted);
        return sum;
    }
}
