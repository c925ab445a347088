namespace NasPrune.LatencyTables.Checks;

/// <summary>One checked sub-network: predicted (table) and measured (end to end) latency.</summary>
public sealed record LatencyCheckRow
{
    public string Arch { get; init; } = "";
    public long Macs { get; init; }
    public double PredictedMs { get; init; }
    /// <summary>At the table's speed unit (see <c>SpeedReference</c>); <see cref="RawMs"/> is as timed.</summary>
    public double MeasuredMs { get; init; }
    public double RawMs { get; init; }
    public double ErrorPercent { get; init; }
}
