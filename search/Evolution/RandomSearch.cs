using NasPrune.Search.Constraints;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;

namespace NasPrune.Search.Evolution;

/// <summary>The baseline evolution must beat: as many valid random candidates as it scores, the best one kept.</summary>
public static class RandomSearch
{
    public static SearchResult Search(OfaSearchSpace space, ICandidateScorer scorer, SearchConstraints constraints, EvolutionOptions options, long evaluations,
        ulong seed, int batch = 100)
    {
        var sampler = new CandidateSampler(space, scorer, constraints, options, new SplitMix64(seed));
        Candidate? best = null;
        var bestSoFar = new List<double>();
        for (long done = 0; done < evaluations; done += batch)
        {
            int size = (int)Math.Min(batch, evaluations - done);
            foreach (Candidate c in EvolutionFinder.Score(scorer, Enumerable.Range(0, size).Select(_ => sampler.Random()).ToList()))
                if (best is null || c.Objective > best.Objective) best = c;
            bestSoFar.Add(best!.Objective);
        }
        return new SearchResult(best ?? throw new ArgumentException("random search needs at least one evaluation"), bestSoFar, evaluations);
    }
}
