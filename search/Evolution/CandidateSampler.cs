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

    /// <summary>
    /// Per stage with probability p a new depth; per block with probability p a new kernel and expand
    /// ratio together, the resolution with its own probability. A block that a deeper stage activates
    /// gets a fresh random kernel and expand ratio: configs normalise the genes of skipped blocks to the
    /// smallest choices, so copying them would bias every deepening towards the cheapest blocks (OFA's
    /// finder carries random genes in every slot, which is what this reproduces).
    /// </summary>
    public (SubnetConfig Config, CandidateCost Cost) Mutate(SubnetConfig parent) => Draw(() =>
    {
        int resolution = random.NextDouble() < options.ResolutionMutateProbability ? random.Choose(space.Resolutions) : parent.Resolution;
        int[] depths = parent.Depths.ToArray();
        for (int s = 0; s < depths.Length; s++)
            if (random.NextDouble() < options.MutateProbability) depths[s] = random.Choose(space.Depths);
        int[] kernels = parent.Kernels.ToArray();
        double[] expands = parent.Expands.ToArray();
        for (int s = 0; s < depths.Length; s++)
            for (int b = 0; b < space.BlocksPerStage; b++)
            {
                bool mutated = random.NextDouble() < options.MutateProbability;
                if (mutated || !parent.IsActive(s, b))
                    (kernels[s * space.BlocksPerStage + b], expands[s * space.BlocksPerStage + b]) = (random.Choose(space.Kernels), random.Choose(space.ExpandRatios));
            }
        return new SubnetConfig(space, resolution, depths, kernels, expands);
    });

    /// <summary>
    /// Every gene (resolution, each depth, each kernel, each expand ratio) from either parent with equal
    /// chance; a block's kernel and expand ratio come only from a parent in which the block is active
    /// (from neither: drawn at random), for the reason given at <see cref="Mutate"/>.
    /// </summary>
    public (SubnetConfig Config, CandidateCost Cost) Crossover(SubnetConfig a, SubnetConfig b) => Draw(() =>
    {
        T Pick<T>(T x, T y) => random.NextDouble() < 0.5 ? x : y;
        T Gene<T>(int stage, int block, T x, T y, IReadOnlyList<T> choices) =>
            (a.IsActive(stage, block), b.IsActive(stage, block)) switch
            {
                (true, true) => Pick(x, y),
                (true, false) => x,
                (false, true) => y,
                _ => random.Choose(choices),
            };

        int[] depths = a.Depths.Zip(b.Depths, Pick).ToArray();
        int[] kernels = new int[space.BlockSlots];
        double[] expands = new double[space.BlockSlots];
        for (int s = 0; s < space.StageCount; s++)
            for (int j = 0; j < space.BlocksPerStage; j++)
            {
                kernels[s * space.BlocksPerStage + j] = Gene(s, j, a.Kernel(s, j), b.Kernel(s, j), space.Kernels);
                expands[s * space.BlocksPerStage + j] = Gene(s, j, a.Expand(s, j), b.Expand(s, j), space.ExpandRatios);
            }
        return new SubnetConfig(space, Pick(a.Resolution, b.Resolution), depths, kernels, expands);
    });

    private (SubnetConfig, CandidateCost) Draw(Func<SubnetConfig> draw)
    {
        for (int attempt = 0; attempt < options.MaxDraws; attempt++)
        {
            SubnetConfig config = draw();
            CandidateCost cost = scorer.Cost(config);
            if (constraints.Allows(cost)) return (config, cost);
        }
        throw new UnreachableBudgetException(constraints, options.MaxDraws);
    }
}
