namespace NasPrune.LatencyTables.Tables;

/// <summary>One whole network measured for the calibration: its resolution, the sum of its operators' table medians, and its measured median.</summary>
public readonly record struct CalibrationPoint(int Resolution, double OperatorSumMs, double MeasuredMs);

/// <summary>
/// How a table turns an operator sum into a network's latency: <c>OperatorScale x sum + ConstantMs[resolution]</c>.
/// Operators timed alone run faster than inside a network (their weights and input stay in cache; a network
/// also pays for what joins its blocks): on the 2-core EPYC, with timings at one machine speed (see
/// <c>SpeedReference</c>), the fitted scale was 1.29-1.34. A constant alone leaves a size trend: refitted
/// leave-one-out on three checks of 100 networks each, a shared scale plus a constant per resolution gave
/// MAPE 2.14 / 2.60 / 3.93 %, a constant per resolution alone 3.12 / 2.87 / 4.72 %. The constant is per
/// resolution because the input resize runs only at resolutions other than the data's.
/// </summary>
public sealed record LutCalibration(double OperatorScale, IReadOnlyDictionary<int, double> ConstantsMs)
{
    /// <summary>The plain sum plus a constant: what tables of the first two formats predict.</summary>
    public static LutCalibration Unscaled(IReadOnlyDictionary<int, double> constantsMs) => new(1.0, constantsMs);

    /// <summary>
    /// Least squares of <c>measured = scale x sum + constant[resolution]</c> over the points: the scale is the
    /// within-resolution slope (sum over resolutions of the covariance / of the variance of the sums around their
    /// resolution's means), each constant its resolution's mean residual. When the sums hardly vary or the slope
    /// comes out non-positive (too few or too noisy networks), the scale stays 1 and the constants are plain mean residuals.
    /// </summary>
    public static LutCalibration Fit(IReadOnlyList<CalibrationPoint> points)
    {
        if (points.Count == 0) throw new ArgumentException("calibration: no measured networks");
        var groups = points.GroupBy(p => p.Resolution).ToList();
        double covariance = 0, variance = 0;
        foreach (var group in groups)
        {
            double meanSum = group.Average(p => p.OperatorSumMs), meanMeasured = group.Average(p => p.MeasuredMs);
            foreach (CalibrationPoint p in group)
            {
                covariance += (p.OperatorSumMs - meanSum) * (p.MeasuredMs - meanMeasured);
                variance += (p.OperatorSumMs - meanSum) * (p.OperatorSumMs - meanSum);
            }
        }
        double scale = variance > 1e-12 * points.Sum(p => p.OperatorSumMs * p.OperatorSumMs) && covariance > 0 ? covariance / variance : 1.0;
        var constants = groups.ToDictionary(g => g.Key, g => g.Average(p => p.MeasuredMs - scale * p.OperatorSumMs));
        return new LutCalibration(scale, constants);
    }

    public double PredictMs(double operatorSumMs, int resolution) =>
        OperatorScale * operatorSumMs + (ConstantsMs.TryGetValue(resolution, out double ms) ? ms
            : throw new KeyNotFoundException($"latency table has no constant for resolution {resolution} (built for another space?)"));
}
