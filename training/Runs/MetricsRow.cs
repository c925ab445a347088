namespace NasPrune.Training.Runs;

/// <summary>
/// One row of metrics.csv. Stage is the training phase (progressive-shrinking stage, or "train" for a
/// single-phase run); Phase is "train" (an average over the row's log interval), "val" or "test".
/// RssMb (resident memory) is filled on validation rows.
/// </summary>
public sealed record MetricsRow
{
    public int Epoch { get; init; }
    public long Step { get; init; }
    public string Stage { get; init; } = "";
    public string Phase { get; init; } = "";
    public double Lr { get; init; }
    public double Loss { get; init; }
    public double Top1 { get; init; }
    public double Top5 { get; init; }
    public double ImagesPerSecond { get; init; }
    public double ElapsedSeconds { get; init; }
    public double RssMb { get; init; }
}
