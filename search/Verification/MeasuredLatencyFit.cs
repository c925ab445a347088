using NasPrune.Search.Evolution;

namespace NasPrune.Search.Verification;

/// <summary>One search under a predicted-latency limit (its wall time: <paramref name="SearchSeconds"/>), and what its pick measured on the device.</summary>
public sealed record FitRound(int Round, double LimitMs, SearchResult Result, double MeasuredMs, double SearchSeconds);

/// <summary>The rounds of a <see cref="MeasuredLatencyFit"/>; the last one's pick is the one to export.</summary>
public sealed record MeasuredFit(double BudgetMs, IReadOnlyList<FitRound> Rounds)
{
    public FitRound Final => Rounds[^1];

    public bool WithinBudget => Final.MeasuredMs <= BudgetMs;
}

/// <summary>
/// Makes a latency budget hold on the device, not only in the table. A search keeps the networks the
/// table predicts fastest for their accuracy, so its pick tends to be one the table under-predicts
/// (the quickstart's picks measured about 10 % over their predictions, with a table whose random-network
/// error is under 5 %). So: search under the budget, measure the pick; while it measures over the budget,
/// search again under a lower predicted limit, budget x predicted / measured of the last pick (the limit
/// at which that pick's error ratio would land on the budget), up to a number of rounds. It also stops
/// when a lowered limit is below every network the search can draw; the last pick then is over budget,
/// which <see cref="MeasuredFit.WithinBudget"/> says.
/// </summary>
public static class MeasuredLatencyFit
{
    /// <param name="budgetMs">The latency budget, on the scale the measurements use.</param>
    /// <param name="maxRounds">Searches at most (1: measure the first pick only).</param>
    /// <param name="search">A search under a predicted-latency limit (ms).</param>
    /// <param name="measure">The device latency (ms) of a candidate.</param>
    public static MeasuredFit Run(double budgetMs, int maxRounds, Func<double, SearchResult> search, Func<Candidate, double> measure,
        Action<FitRound>? measured = null)
    {
        if (!(budgetMs > 0)) throw new ArgumentOutOfRangeException(nameof(budgetMs), budgetMs, "the latency budget must be above 0 ms");
        if (maxRounds < 1) throw new ArgumentOutOfRangeException(nameof(maxRounds), maxRounds, "at least one round");
        var rounds = new List<FitRound>();
        double limit = budgetMs;
        while (true)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            SearchResult result;
            try { result = search(limit); }
            catch (UnreachableBudgetException) when (rounds.Count > 0) { return new MeasuredFit(budgetMs, rounds); }
            double searchSeconds = clock.Elapsed.TotalSeconds;
            double latency = measure(result.Best);
            var round = new FitRound(rounds.Count + 1, limit, result, latency, searchSeconds);
            rounds.Add(round);
            measured?.Invoke(round);
            if (latency <= budgetMs || rounds.Count == maxRounds) return new MeasuredFit(budgetMs, rounds);
            double predicted = result.Best.Cost.LatencyMs;
            if (!(predicted > 0)) throw new InvalidOperationException($"the search's pick has no predicted latency ({predicted}); a measured fit needs a latency table");
            // The pick met the limit (predicted <= limit <= budget < measured), so the next limit is strictly lower.
            limit = budgetMs * predicted / latency;
        }
    }
}
