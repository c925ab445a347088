using System.Globalization;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;
using NasPrune.Training.Configuration;

namespace NasPrune.Training.Shrinking;

/// <summary>
/// The fixed sub-networks measured after every phase, so their accuracies can be followed across
/// phases: the largest, the smallest, the middle one (middle choice of every dimension), optionally
/// every combination of the min and max kernel, depth and expand ratio at the min and max resolution
/// (the reference's validation grid), and a few random ones drawn once from the run's seed.
/// </summary>
public static class SubnetPanel
{
    public static IReadOnlyList<(string Name, SubnetConfig Config)> For(OfaSearchSpace space, SubnetEvaluationConfig evaluation, long seed)
    {
        var panel = new List<(string, SubnetConfig)>
        {
            ("largest", SubnetConfig.Largest(space)),
            ("middle", SubnetConfig.Middle(space)),
            ("smallest", SubnetConfig.Smallest(space)),
        };
        if (evaluation.MinMaxGrid)
        {
            foreach (int r in MinMax(space.Resolutions))
                foreach (int k in MinMax(space.Kernels))
                    foreach (int d in MinMax(space.Depths))
                        foreach (double e in MinMax(space.ExpandRatios))
                            panel.Add(($"grid-r{r}-k{k}-d{d}-e{e.ToString(CultureInfo.InvariantCulture)}", SubnetConfig.Uniform(space, r, d, k, e)));
        }
        var random = new SplitMix64(SplitMix64.Mix((ulong)seed, 0x9A4E1));
        for (int i = 1; i <= evaluation.RandomSubnets; i++) panel.Add(($"random-{i}", SubnetSampler.Sample(space, random)));
        // The grid's corners are the largest and smallest networks: keep the first name of each network.
        return panel.DistinctBy(p => p.Item2).ToList();
    }

    private static IEnumerable<T> MinMax<T>(IReadOnlyList<T> values) => new[] { values.Min()!, values.Max()! }.Distinct();
}
