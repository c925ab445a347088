using NasPrune.Search.Constraints;
using NasPrune.Search.Tuning;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Search.Evolution;

/// <summary>
/// Architecture search with the TPE sampler (the third strategy beside evolution and random): every
/// gene (resolution, each stage's depth, each block's kernel and expand ratio) is a categorical parameter
/// of a trial; a candidate that breaks a constraint is told a very bad value and does not count as an
/// evaluation, so all strategies score the same number of valid candidates.
/// </summary>
public static class TpeSearch
{
    private const double Infeasible = -1e9;

    public static SearchResult Search(OfaSearchSpace space, ICandidateScorer scorer, SearchConstraints constraints, long evaluations, ulong seed,
        int maxAttempts = 1_000_000)
    {
        var study = new Study(StudyDirection.Maximize, new TpeSampler(seed, startupTrials: 20), null, new InMemoryStorage());
        Candidate? best = null;
        var bestSoFar = new List<double>();
        long done = 0;
        for (int attempt = 0; done < evaluations; attempt++)
        {
            if (attempt >= maxAttempts) throw new ArgumentException($"budget {constraints}: TPE found no valid sub-network in {maxAttempts} attempts");
            Trial trial = study.Ask();
            SubnetConfig config = Decode(space, trial);
            CandidateCost cost = scorer.Cost(config);
            if (!constraints.Allows(cost))
            {
                study.Tell(trial, Infeasible);
                continue;
            }
            double value = scorer.Objective([config])[0];
            study.Tell(trial, value);
            if (best is null || value > best.Objective) best = new Candidate(config, value, cost);
            if (++done % 100 == 0 || done == evaluations) bestSoFar.Add(best.Objective);
        }
        return new SearchResult(best!, bestSoFar, evaluations);
    }

    private static SubnetConfig Decode(OfaSearchSpace space, Trial trial)
    {
        static string[] Texts<T>(IReadOnlyList<T> values) => values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!).ToArray();
        int Pick<T>(string name, IReadOnlyList<T> values) => Array.IndexOf(Texts(values), trial.SuggestCategorical(name, Texts(values)));
        int resolution = space.Resolutions[Pick("resolution", space.Resolutions)];
        int[] depths = Enumerable.Range(0, space.StageCount).Select(s => space.Depths[Pick($"depth{s}", space.Depths)]).ToArray();
        int[] kernels = Enumerable.Range(0, space.BlockSlots).Select(i => space.Kernels[Pick($"kernel{i}", space.Kernels)]).ToArray();
        double[] expands = Enumerable.Range(0, space.BlockSlots).Select(i => space.ExpandRatios[Pick($"expand{i}", space.ExpandRatios)]).ToArray();
        return new SubnetConfig(space, resolution, depths, kernels, expands);
    }
}
