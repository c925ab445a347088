namespace NasPrune.Training.Shrinking;

/// <summary>
/// One row of subnets.csv: a panel sub-network's recalibrated accuracy after a phase (Split "validation"),
/// or at the end of the run (Stage "final", Split "test").
/// </summary>
public sealed record SubnetRow
{
    public string Stage { get; init; } = "";
    public long Step { get; init; }
    public string Name { get; init; } = "";
    public string Arch { get; init; } = "";
    public int Resolution { get; init; }
    public long Macs { get; init; }
    public long Params { get; init; }
    public string Split { get; init; } = "";
    public double Top1 { get; init; }
    public double Top5 { get; init; }
    public double Loss { get; init; }
}
