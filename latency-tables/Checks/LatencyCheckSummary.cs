using NasPrune.LatencyTables.Statistics;

namespace NasPrune.LatencyTables.Checks;

/// <summary>How well a latency table predicts measured networks (design note latency.md).</summary>
public sealed record LatencyCheckSummary(int Networks, double MapePercent, double ShareWithin10Percent, double WorstErrorPercent,
    double Spearman, double KendallTau)
{
    public const string RandomWeights = "random";

    /// <summary>Where the measured networks' weights came from: <see cref="RandomWeights"/> or the supernet file they were extracted from.</summary>
    public string Weights { get; init; } = RandomWeights;

    /// <summary>The MAPE against the networks as timed, before scaling to the table's speed unit: what the machine's speed drift adds.</summary>
    public double RawMapePercent { get; init; }

    /// <summary>CPUs other processes kept busy on average while the networks were timed (null where not known): a check beside a training measures that training too.</summary>
    public double? OthersBusyCpus { get; init; }

    public static LatencyCheckSummary Of(IReadOnlyList<LatencyCheckRow> rows)
    {
        double[] predicted = rows.Select(r => r.PredictedMs).ToArray();
        double[] measured = rows.Select(r => r.MeasuredMs).ToArray();
        double[] errors = rows.Select(r => Math.Abs(r.ErrorPercent)).ToArray();
        return new LatencyCheckSummary(rows.Count, errors.Average(), errors.Count(e => e <= 10) / (double)rows.Count,
            rows.MaxBy(r => Math.Abs(r.ErrorPercent))!.ErrorPercent,
            RankCorrelation.Spearman(predicted, measured), RankCorrelation.KendallTauB(predicted, measured))
        {
            RawMapePercent = rows.Average(r => 100 * Math.Abs(r.PredictedMs - r.RawMs) / r.RawMs),
        };
    }
}
