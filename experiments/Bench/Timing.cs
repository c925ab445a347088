using System.Diagnostics;

namespace NasPrune.Experiments.Bench;

/// <summary>Median wall time of repeated runs after warm-up (the same method as the peer benchmark).</summary>
public static class Timing
{
    public static double MedianSeconds(Action action, int warmup, int repeats)
    {
        for (int i = 0; i < warmup; i++) action();
        return Median(Samples(action, repeats));
    }

    /// <summary>
    /// Median wall times of several variants of one computation, timed in interleaved rounds (each round: set a
    /// variant up, warm it up, time a share of the repeats, then the next variant). Timing one variant after the
    /// other let the first one absorb the machine's early state: a variant identical to the first measured up to
    /// 1.2x faster when timed last. Interleaving spreads such drift over all of them.
    /// </summary>
    public static double[] InterleavedMedianSeconds(IReadOnlyList<(Action SetUp, Action Run)> variants, int warmup, int repeats, int rounds = 5)
    {
        var samples = variants.Select(_ => new List<double>()).ToArray();
        int perRound = Math.Max(1, (repeats + rounds - 1) / rounds);
        for (int round = 0; round < rounds; round++)
            for (int v = 0; v < variants.Count; v++)
            {
                variants[v].SetUp();
                for (int i = 0; i < warmup; i++) variants[v].Run();
                samples[v].AddRange(Samples(variants[v].Run, perRound));
            }
        return samples.Select(s => Median(s.ToArray())).ToArray();
    }

    private static double[] Samples(Action action, int repeats)
    {
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return times;
    }

    private static double Median(double[] times)
    {
        Array.Sort(times);
        int n = times.Length;
        return n % 2 == 1 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    }
}
