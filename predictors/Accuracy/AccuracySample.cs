namespace NasPrune.Predictors.Accuracy;

/// <summary>One measured sub-network (a row of the predictor's data CSV): BN-recalibrated validation top-1 in percent.</summary>
public sealed record AccuracySample
{
    public string Arch { get; init; } = "";
    public double Top1 { get; init; }
    public long Macs { get; init; }
    public long Params { get; init; }
}
