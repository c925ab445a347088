using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Pruning;

/// <summary>
/// Global magnitude pruning: one |w| threshold over all layers, so that exactly round(p * N) of the N
/// weights are pruned in all, except that every layer keeps at least <c>minKeep</c> of its weights
/// (its largest); those layers leave the pool and the threshold is recomputed over the rest.
/// </summary>
public static class GlobalMagnitudePruning
{
    /// <returns>One 0/1 mask per weight, in order.</returns>
    public static IReadOnlyList<Tensor> Masks(IReadOnlyList<Tensor> weights, double sparsity, double minKeep)
    {
        if (sparsity is < 0 or > 1) throw new ArgumentException($"sparsity must be in [0, 1], got {sparsity}");
        using var noGrad = no_grad();
        long total = weights.Sum(w => w.numel());
        long budget = total - (long)Math.Round(sparsity * total);
        var keep = new long[weights.Count];
        var forced = new bool[weights.Count];
        while (true)
        {
            // Allocate the remaining budget over the free layers by one threshold.
            long free = budget - Enumerable.Range(0, weights.Count).Where(i => forced[i]).Sum(i => keep[i]);
            var pool = Enumerable.Range(0, weights.Count).Where(i => !forced[i]).ToList();
            if (pool.Count == 0) break;
            using var scope = NewDisposeScope();
            Tensor all = cat(pool.Select(i => weights[i].abs().flatten()).ToArray());
            Tensor layer = cat(pool.Select(i => ScalarMath.Full(weights[i].numel(), i, int64)).ToArray());
            long take = Math.Clamp(free, 0, all.numel());
            var counts = new long[weights.Count];
            if (take > 0)
            {
                Tensor chosen = layer.index_select(0, all.topk((int)take).Item2);
                foreach (long i in chosen.data<long>()) counts[i]++;
            }
            bool changed = false;
            foreach (int i in pool)
            {
                long minimum = (long)Math.Ceiling(minKeep * weights[i].numel());
                if (counts[i] < minimum)
                {
                    (keep[i], forced[i], changed) = (minimum, true, true);
                }
                else keep[i] = counts[i];
            }
            if (!changed) break;
        }
        return weights.Select((w, i) => Sparse.TopKMask.Compute(w, 1 - (double)keep[i] / w.numel())).ToList();
    }
}
