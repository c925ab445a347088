namespace NasPrune.Training.Runs;

/// <summary>One row of metrics.csv. Phase is "train" (an average over the rows' log interval), "val" or "test".</summary>
public sealed record MetricsRow
{
    public int Epoch { get; init; }
    public long Step { get; init; }
    public string Phase { get; init; } = "";
    public double Lr { get; init; }
    public double Loss { get; init; }
    public double Top1 { get; init; }
    public double Top5 { get; init; }
    public double ImagesPerSecond { get; init; }
    public double ElapsedSeconds { get; init; }
}
