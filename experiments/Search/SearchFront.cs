using NasPrune.Experiments.Reports;

namespace NasPrune.Experiments.Search;

/// <summary>The points search-front.png shows for the rows of search.csv (over a background of random sub-networks).</summary>
public static class SearchFront
{
    /// <summary>
    /// Each strategy's picks at their predicted latency and accuracy; with --verify, the exported networks at
    /// their measured latency and test accuracy, and the picks a verified search replaced (measured over their
    /// budget, not exported, so without a test accuracy) at their measured latency and predicted accuracy.
    /// </summary>
    public static IReadOnlyList<ScatterSeries> PickSeries(IReadOnlyList<SearchRow> rows)
    {
        var series = rows.GroupBy(r => r.Strategy)
            .Select(s => new ScatterSeries($"{s.Key} (predicted)", s.Select(r => r.PredictedLatencyMs).ToList(), s.Select(r => r.PredictedTop1).ToList()))
            .ToList();
        var exported = rows.Where(r => r.MeasuredLatencyMs is not null && r.MeasuredTestTop1 is not null).ToList();
        if (exported.Count > 0)
            series.Add(new ScatterSeries("exported, measured (test top-1)",
                exported.Select(r => r.MeasuredLatencyMs!.Value).ToList(), exported.Select(r => r.MeasuredTestTop1!.Value).ToList()));
        var replaced = rows.Where(r => r.MeasuredLatencyMs is not null && r.MeasuredTestTop1 is null).ToList();
        if (replaced.Count > 0)
            series.Add(new ScatterSeries("replaced picks, measured over budget (predicted top-1)",
                replaced.Select(r => r.MeasuredLatencyMs!.Value).ToList(), replaced.Select(r => r.PredictedTop1).ToList()));
        return series;
    }
}
