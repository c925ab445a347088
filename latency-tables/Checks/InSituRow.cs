namespace NasPrune.LatencyTables.Checks;

/// <summary>One part of a profiled network (a row of <c>lut profile</c>'s CSV): its cost alone, as the table has it, and inside the running network.</summary>
public sealed record InSituRow
{
    public string Arch { get; init; } = "";
    public int Index { get; init; }
    /// <summary>The table's operator key, or <see cref="InSituProfile.ResizeKey"/> for the input resize (which the table's per-resolution constant holds).</summary>
    public string Key { get; init; } = "";
    /// <summary>The operator's median in the table (timed alone), at the table's speed unit.</summary>
    public double? TableMs { get; init; }
    /// <summary><see cref="TableMs"/> times the table's operator scale: the part's share of the prediction.</summary>
    public double? TableScaledMs { get; init; }
    /// <summary>The part inside the network: its share of the network's per-part timings times the network's measured latency (table's speed unit).</summary>
    public double InSituMs { get; init; }
    /// <summary>Median of the part's own timings inside the network, as timed.</summary>
    public double InSituRawMs { get; init; }
    /// <summary><see cref="InSituMs"/> / <see cref="TableScaledMs"/>: above 1, the table under-predicts this part where it runs.</summary>
    public double? Ratio { get; init; }
}
