namespace NasPrune.LatencyTables.Measurement;

/// <summary>
/// Wall-clock latency of repeated runs in milliseconds: median and 10th / 90th percentiles, at the unit of
/// the meter's speed reference when it has one; <see cref="RawMedianMs"/> is the median as timed, unscaled.
/// </summary>
public sealed record LatencySample(double MedianMs, double P10Ms, double P90Ms, int Repeats)
{
    public double RawMedianMs { get; init; } = MedianMs;

    public static LatencySample FromSeconds(IReadOnlyList<double> seconds)
    {
        double[] ms = seconds.Select(s => s * 1e3).Order().ToArray();
        return new LatencySample(Percentile(ms, 0.5), Percentile(ms, 0.1), Percentile(ms, 0.9), ms.Length);
    }

    /// <summary>Linear interpolation between closest ranks of a sorted array.</summary>
    private static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
