namespace NasPrune.Experiments.Reports;

/// <summary>
/// One trained network of a comparison. Top1Change (points) and FewerMacs (share of the baseline's non-zero
/// MACs saved) are set only when a baseline is named. TrainingHours is the whole run's, so a TAS run's
/// unpruned row leaves it empty.
/// </summary>
public sealed record ComparisonRow(
    string Network,
    string Architecture,
    double TestTop1,
    double? ValidationTop1,
    long Macs,
    long NonZeroMacs,
    long Parameters,
    long NonZeroParameters,
    double? TrainingHours)
{
    public double? Top1Change { get; init; }
    public double? FewerMacs { get; init; }
}
