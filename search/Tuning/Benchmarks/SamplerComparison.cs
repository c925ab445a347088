namespace NasPrune.Search.Tuning.Benchmarks;

/// <summary>
/// Compares samplers on a test function the way Optuna's benchmarks do: for each seed, one study of
/// <c>trials</c> trials; per trial count n, the best value after n trials, summarised over seeds by the
/// median and the quartiles.
/// </summary>
public static class SamplerComparison
{
    public sealed record Row(string Function, string Sampler, int Trials, double Median, double Q25, double Q75, double KnownMinimum);

    public static IReadOnlyList<Row> Run(TestFunction function, IReadOnlyDictionary<string, Func<ulong, ISampler>> samplers, int trials, int seeds)
    {
        if (trials < 1 || seeds < 1) throw new ArgumentException($"trials and seeds: must be at least 1, got {trials} and {seeds}");
        var rows = new List<Row>();
        foreach (var (name, create) in samplers)
        {
            // bestSoFar[seed][n - 1]: best value among the first n trials of that seed's study.
            double[][] bestSoFar = Enumerable.Range(0, seeds).Select(seed => BestSoFar(function, create((ulong)seed), trials)).ToArray();
            for (int n = 1; n <= trials; n++)
            {
                double[] values = bestSoFar.Select(b => b[n - 1]).Order().ToArray();
                rows.Add(new Row(function.Name, name, n, Quantile(values, 0.5), Quantile(values, 0.25), Quantile(values, 0.75), function.KnownMinimum));
            }
        }
        return rows;
    }

    private static double[] BestSoFar(TestFunction function, ISampler sampler, int trials)
    {
        var study = new Study(StudyDirection.Minimize, sampler, null, new InMemoryStorage());
        study.Optimize(function.Objective, trials);
        double best = double.PositiveInfinity;
        return study.Storage.Trials().OrderBy(t => t.Number).Select(t => best = Math.Min(best, t.Value!.Value)).ToArray();
    }

    /// <summary>Linear-interpolation quantile of sorted values (numpy's default).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }
}
