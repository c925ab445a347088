using NasPrune.Search.Constraints;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;

namespace NasPrune.Search.Evolution;

/// <summary>
/// Draws candidates that respect the constraints: uniformly at random, by mutation of a parent, or by
/// crossover of two parents (the OFA evolution finder's operators). A draw that breaks a constraint
/// is redrawn; after <see cref="EvolutionOptions.MaxDraws"/> failures the budget is declared unreachable.
/// </summary>
public sealed class CandidateSampler(OfaSearchSpace space, ICandidateScorer scorer, SearchConstraints constraints, EvolutionOptions options, SplitMix64 random)
{
    public (SubnetConfig Config, CandidateCost Cost) Random() => Draw(() => SubnetSampler.Sample(space, random));

    /// <summary>Per block with probability p a new kernel and expand ratio together, per stage with probability p a new depth, the resolution with its own probability.</summary>
    public (SubnetConfig Config, CandidateCost Cost) Mutate(SubnetConfig parent) => Draw(() =>
    {
        int resolution = random.NextDouble() < options.ResolutionMutateProbability ? random.Choose(space.Resolutions) : parent.Resolution;
        int[] kernels = parent.Kernels.ToArray();
        double[] expands = parent.Expands.ToArray();
        for (int i = 0; i < kernels.Length; i++)
            if (random.NextDouble() < options.MutateProbability)
                (kernels[i], expands[i]) = (random.Choose(space.Kernels), random.Choose(space.ExpandRatios));
        int[] depths = parent.Depths.ToArray();
        for (int s = 0; s < depths.Length; s++)
            if (random.NextDouble() < options.MutateProbability) depths[s] = random.Choose(space.Depths);
        return new SubnetConfig(space, resolution, depths, kernels, expands);
    });

    /// <summary>Every gene (resolution, each depth, each kernel, each expand ratio) from either parent with equal chance.</summary>
    public (SubnetConfig Config, CandidateCost Cost) Crossover(SubnetConfig a, SubnetConfig b) => Draw(() =>
    {
        T Pick<T>(T x, T y) => random.NextDouble() < 0.5 ? x : y;
        return new SubnetConfig(space, Pick(a.Resolution, b.Resolution),
            a.Depths.Zip(b.Depths, Pick).ToArray(), a.Kernels.Zip(b.Kernels, Pick).ToArray(), a.Expands.Zip(b.Expands, Pick).ToArray());
    });

    private (SubnetConfig, CandidateCost) Draw(Func<SubnetConfig> draw)
    {
        for (int attempt = 0; attempt < options.MaxDraws; attempt++)
        {
            SubnetConfig config = draw();
            CandidateCost cost = scorer.Cost(config);
            if (constraints.Allows(cost)) return (config, cost);
        }
        throw new ArgumentException($"budget {constraints}: no sub-network found within it after {options.MaxDraws} draws (is it below the smallest network's cost?)");
    }
}
