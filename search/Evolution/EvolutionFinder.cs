using NasPrune.Search.Constraints;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;

namespace NasPrune.Search.Evolution;

/// <summary>
/// The OFA evolution finder (design note search.md): a random valid population; then each generation
/// keeps the best parentRatio x population as parents and adds mutationRatio x population mutated
/// children of random parents and the rest as crossovers of two random parents; the objective of a
/// generation is predicted in one batched call. Reproducible from its seed.
/// </summary>
public static class EvolutionFinder
{
    public static SearchResult Search(OfaSearchSpace space, ICandidateScorer scorer, SearchConstraints constraints, EvolutionOptions options, ulong seed,
        IProgress<(int Generation, double Best)>? progress = null, CancellationToken cancellation = default)
    {
        var random = new SplitMix64(seed);
        var sampler = new CandidateSampler(space, scorer, constraints, options, random);
        List<Candidate> population = Score(scorer, Enumerable.Range(0, options.Population).Select(_ => sampler.Random()).ToList());
        long evaluations = population.Count;
        var bestSoFar = new List<double>();
        Candidate best = population.MaxBy(c => c.Objective)!;
        for (int generation = 0; generation < options.Generations && !cancellation.IsCancellationRequested; generation++)
        {
            List<Candidate> parents = population.OrderByDescending(c => c.Objective).Take(options.ParentCount).ToList();
            if (parents[0].Objective > best.Objective) best = parents[0];
            bestSoFar.Add(best.Objective);
            var children = new List<(SubnetConfig, CandidateCost)>(options.Population);
            for (int i = 0; i < options.MutationCount; i++)
                children.Add(sampler.Mutate(random.Choose(parents).Config));
            while (children.Count < options.Population)
                children.Add(sampler.Crossover(random.Choose(parents).Config, random.Choose(parents).Config));
            population = [.. parents, .. Score(scorer, children)];
            evaluations += children.Count;
            progress?.Report((generation + 1, best.Objective));
        }
        Candidate last = population.MaxBy(c => c.Objective)!;
        if (last.Objective > best.Objective) best = last;
        return new SearchResult(best, bestSoFar, evaluations);
    }

    internal static List<Candidate> Score(ICandidateScorer scorer, IReadOnlyList<(SubnetConfig Config, CandidateCost Cost)> drawn)
    {
        double[] objective = scorer.Objective(drawn.Select(d => d.Config).ToList());
        return drawn.Select((d, i) => new Candidate(d.Config, objective[i], d.Cost)).ToList();
    }
}
