namespace NasPrune.LatencyTables.Tables;

/// <summary>One row of a latency table (CSV): the operator's key and shape, its measured latency, and the profile it was measured with.</summary>
public sealed record LutRow
{
    public string Key { get; init; } = "";
    public string Kind { get; init; } = "";
    public int Stage { get; init; }
    public bool StageFirst { get; init; }
    public int InputSize { get; init; }
    public int Kernel { get; init; }
    public double Expand { get; init; }
    public double MedianMs { get; init; }
    public double P10Ms { get; init; }
    public double P90Ms { get; init; }
    public int Repeats { get; init; }
    /// <summary>The speed reference's unit the timings were scaled to (the same on every row); empty in tables built before speed references.</summary>
    public double? ReferenceMs { get; init; }
    public string Profile { get; init; } = "";
    public string ProfileHash { get; init; } = "";
}
