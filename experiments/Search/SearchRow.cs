namespace NasPrune.Experiments.Search;

/// <summary>One row of search.csv: the best sub-network a strategy found for a budget, predicted and (with --verify) measured.</summary>
public sealed record SearchRow
{
    public string Budget { get; init; } = "";
    public string Constraints { get; init; } = "";
    public string Strategy { get; init; } = "";
    public string Arch { get; init; } = "";
    public long Evaluations { get; init; }
    public double SearchSeconds { get; init; }
    public double PredictedTop1 { get; init; }
    public double PredictedLatencyMs { get; init; }
    public long Macs { get; init; }
    public long Params { get; init; }
    public string Exported { get; init; } = "";
    /// <summary>At the table's speed unit (see SpeedReference), comparable with the prediction; <see cref="MeasuredRawLatencyMs"/> is as timed.</summary>
    public double? MeasuredLatencyMs { get; init; }
    public double? MeasuredRawLatencyMs { get; init; }
    public double? MeasuredTestTop1 { get; init; }
    public double? MeasuredValidationTop1 { get; init; }
}
