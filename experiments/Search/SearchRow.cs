using NasPrune.Search.Configuration;
using NasPrune.Search.Evolution;

namespace NasPrune.Experiments.Search;

/// <summary>One row of search.csv: the best sub-network a strategy found for a budget, predicted and (with --verify) measured.</summary>
public sealed record SearchRow
{
    public string Budget { get; init; } = "";
    public string Constraints { get; init; } = "";
    public string Strategy { get; init; } = "";
    /// <summary>Which search of the budget this is: above 1 after earlier picks measured over a latency budget (see MeasuredLatencyFit).</summary>
    public int Round { get; init; } = 1;
    public string Arch { get; init; } = "";
    public long Evaluations { get; init; }
    public double SearchSeconds { get; init; }
    public double PredictedTop1 { get; init; }
    public double PredictedLatencyMs { get; init; }
    /// <summary>The predicted-latency limit this search ran under: the budget's, or a lowered one in later rounds.</summary>
    public double? LatencyLimitMs { get; init; }
    public long Macs { get; init; }
    public long Params { get; init; }
    public string Exported { get; init; } = "";
    /// <summary>At the table's speed unit (see SpeedReference), comparable with the prediction; <see cref="MeasuredRawLatencyMs"/> is as timed.</summary>
    public double? MeasuredLatencyMs { get; init; }
    public double? MeasuredRawLatencyMs { get; init; }
    /// <summary>With --verify and a latency budget: whether the measured latency is within it.</summary>
    public bool? WithinBudget { get; init; }
    public double? MeasuredTestTop1 { get; init; }
    public double? MeasuredValidationTop1 { get; init; }

    /// <summary>The predicted figures of a strategy's best candidate for a budget.</summary>
    public static SearchRow Of(BudgetConfig budget, string strategy, SearchResult result, double seconds) => new()
    {
        Budget = budget.Name,
        Constraints = budget.Constraints.ToString(),
        Strategy = strategy,
        Arch = result.Best.Config.ToString(),
        Evaluations = result.Evaluations,
        SearchSeconds = Math.Round(seconds, 3),
        PredictedTop1 = Math.Round(result.Best.Objective, 4),
        PredictedLatencyMs = Math.Round(result.Best.Cost.LatencyMs, 4),
        LatencyLimitMs = budget.Constraints.MaxLatencyMs is double limit ? Math.Round(limit, 4) : null,
        Macs = result.Best.Cost.Macs,
        Params = result.Best.Cost.Params,
    };
}
