using NasPrune.Search.Constraints;
using NasPrune.Search.Evolution;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;

namespace NasPrune.Tests.Search;

public sealed class EvolutionFinderTests
{
    private static readonly OfaSearchSpace Space = OfaSearchSpace.Default(0.5);
    private static readonly EvolutionOptions Small = new() { Population = 40, Generations = 40 };

    /// <summary>Objective: closeness to a hidden target network (0 at the target); cost: MACs, params and a fake latency of 1 ms per M MACs.</summary>
    private sealed class TargetScorer(SubnetConfig target) : ICandidateScorer
    {
        public List<SubnetConfig> Scored { get; } = [];

        public double[] Objective(IReadOnlyList<SubnetConfig> candidates)
        {
            Scored.AddRange(candidates);
            return candidates.Select(c => -(double)Distance(c, target)).ToArray();
        }

        public CandidateCost Cost(SubnetConfig candidate)
        {
            var (macs, parameters) = SubnetCost.Of(candidate);
            return new CandidateCost(macs / 1e6, macs, parameters);
        }
    }

    private static int Distance(SubnetConfig a, SubnetConfig b) =>
        (a.Resolution == b.Resolution ? 0 : 1)
        + a.Depths.Zip(b.Depths).Count(p => p.First != p.Second)
        + a.Kernels.Zip(b.Kernels).Count(p => p.First != p.Second)
        + a.Expands.Zip(b.Expands).Count(p => p.First != p.Second);

    [Fact]
    public void EveryScoredCandidateRespectsEveryConstraint()
    {
        var constraints = new SearchConstraints(MaxLatencyMs: 6, MaxMacs: 5_500_000, MaxParams: 900_000);
        var scorer = new TargetScorer(SubnetConfig.Largest(Space));
        SearchResult result = EvolutionFinder.Search(Space, scorer, constraints, Small, seed: 1);
        Assert.Equal(Small.Evaluations, result.Evaluations);
        Assert.Equal(Small.Evaluations, scorer.Scored.Count);
        Assert.All(scorer.Scored, c => Assert.True(constraints.Allows(scorer.Cost(c)), c.ToString()));
        Assert.True(constraints.Allows(result.Best.Cost));
        // The budget binds: the best is as close to the (unaffordable) largest network as the budget lets it be.
        Assert.True(result.Best.Cost.Macs > 4_000_000, $"{result.Best.Cost.Macs}");
    }

    [Fact]
    public void TheSearchIsReproducibleFromItsSeed()
    {
        SubnetConfig target = SubnetSampler.Sample(Space, 77);
        SearchResult a = EvolutionFinder.Search(Space, new TargetScorer(target), new SearchConstraints(), Small, seed: 5);
        SearchResult b = EvolutionFinder.Search(Space, new TargetScorer(target), new SearchConstraints(), Small, seed: 5);
        SearchResult c = EvolutionFinder.Search(Space, new TargetScorer(target), new SearchConstraints(), Small, seed: 6);
        Assert.Equal(a.Best.Config, b.Best.Config);
        Assert.Equal(a.BestSoFar, b.BestSoFar);
        Assert.NotEqual(a.BestSoFar, c.BestSoFar);
    }

    [Fact]
    public void OnAKnownOptimumEvolutionBeatsRandomSearchWithTheSameEvaluations()
    {
        var options = new EvolutionOptions { Population = 50, Generations = 60 };
        int evolutionWins = 0;
        for (ulong seed = 0; seed < 5; seed++)
        {
            SubnetConfig target = SubnetSampler.Sample(Space, 1000 + seed);
            SearchResult evolution = EvolutionFinder.Search(Space, new TargetScorer(target), new SearchConstraints(), options, seed);
            SearchResult random = RandomSearch.Search(Space, new TargetScorer(target), new SearchConstraints(), options, evolution.Evaluations, seed);
            Assert.Equal(evolution.Evaluations, random.Evaluations);
            if (evolution.Best.Objective > random.Best.Objective) evolutionWins++;
            Assert.True(evolution.Best.Objective >= -6, $"evolution ended {-evolution.Best.Objective} genes from the optimum");
        }
        Assert.Equal(5, evolutionWins);
    }

    [Fact]
    public void TpeScoresTheBudgetOfValidCandidatesOnlyAndIsReproducible()
    {
        var constraints = new SearchConstraints(MaxMacs: 8_000_000);
        var scorer = new TargetScorer(SubnetSampler.Sample(Space, 2000));
        SearchResult tpe = TpeSearch.Search(Space, scorer, constraints, evaluations: 300, seed: 0);
        Assert.Equal(300, scorer.Scored.Count);
        Assert.All(scorer.Scored, c => Assert.True(constraints.Allows(scorer.Cost(c)), c.ToString()));
        Assert.Equal(scorer.Scored.Max(c => -(double)Distance(c, SubnetSampler.Sample(Space, 2000))), tpe.Best.Objective);
        SearchResult again = TpeSearch.Search(Space, new TargetScorer(SubnetSampler.Sample(Space, 2000)), constraints, evaluations: 300, seed: 0);
        Assert.Equal(tpe.Best.Config, again.Best.Config);
        Assert.Equal(tpe.BestSoFar, again.BestSoFar);
    }

    [Fact]
    public void AnUnreachableBudgetIsAClearError()
    {
        var options = Small with { MaxDraws = 200 };
        var e = Assert.Throws<UnreachableBudgetException>(() =>
            EvolutionFinder.Search(Space, new TargetScorer(SubnetConfig.Largest(Space)), new SearchConstraints(MaxMacs: 1000), options, seed: 1));
        Assert.Contains("MACs <= 0.001 M", e.Message);
    }

    [Fact]
    public void BlocksThatADeeperStageActivatesGetRandomGenesNotTheCheapest()
    {
        // The smallest network's skipped blocks hold kernel 3 / expand 3 (normalised); a mutation that
        // deepens a stage must not simply copy them into the new blocks.
        SubnetConfig parent = SubnetConfig.Smallest(Space);
        var sampler = new CandidateSampler(Space, new TargetScorer(parent), new SearchConstraints(), Small, new SplitMix64(3));
        int activated = 0, cheapest = 0;
        for (int n = 0; n < 400; n++)
        {
            SubnetConfig child = sampler.Mutate(parent).Config;
            for (int s = 0; s < Space.StageCount; s++)
                for (int b = parent.Depths[s]; b < child.Depths[s]; b++)
                {
                    activated++;
                    if (child.Kernel(s, b) == Space.Kernels.Min() && child.Expand(s, b) == Space.ExpandRatios.Min()) cheapest++;
                }
        }
        Assert.True(activated > 50, $"{activated}");
        // Uniform genes: 1/9 of the new blocks are the cheapest pair; copying the parent's gives nearly all.
        Assert.InRange((double)cheapest / activated, 0.03, 0.25);
    }

    [Fact]
    public void CrossoverTakesABlocksGenesFromAParentInWhichItIsActive()
    {
        // a is deep with kernel 7 everywhere, b shallow with kernel 5: every block active only in a must
        // carry a's kernel 7, never b's normalised skipped-block kernel 3.
        SubnetConfig a = SubnetConfig.Uniform(Space, 28, Space.Depths.Max(), 7, 6);
        SubnetConfig b = SubnetConfig.Uniform(Space, 28, Space.Depths.Min(), 5, 4);
        var sampler = new CandidateSampler(Space, new TargetScorer(a), new SearchConstraints(), Small, new SplitMix64(4));
        int onlyInA = 0;
        for (int n = 0; n < 200; n++)
        {
            SubnetConfig child = sampler.Crossover(a, b).Config;
            for (int s = 0; s < Space.StageCount; s++)
                for (int j = 0; j < child.Depths[s]; j++)
                {
                    if (b.IsActive(s, j)) Assert.Contains(child.Kernel(s, j), new[] { 5, 7 });
                    else { onlyInA++; Assert.Equal((7, 6.0), (child.Kernel(s, j), child.Expand(s, j))); }
                }
        }
        Assert.True(onlyInA > 100, $"{onlyInA}");
    }
}
