namespace NasPrune.Training.Shrinking;

/// <summary>One row of phases.csv: where a phase ended, training time so far, and the process's memory then.</summary>
public sealed record PhaseRow
{
    public string Stage { get; init; } = "";
    public long Step { get; init; }
    public int Epoch { get; init; }
    public double TrainedSeconds { get; init; }
    public double RssMb { get; init; }
    public double PeakRssMb { get; init; }
}
