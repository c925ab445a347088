using System.Diagnostics;
using NasPrune.LatencyTables.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.LatencyTables.Measurement;

/// <summary>
/// Times forward passes the way a device profile says: eval mode, no gradients, untimed warm-up runs,
/// then timed ones, each in its own dispose scope and synchronised (the result is read back, so
/// asynchronous devices are timed to completion). The profile's repeats are spread over
/// <c>rounds</c> passes through a group of items, so slow drifts of the machine's speed (frequency,
/// neighbours on a shared host) touch every item alike instead of biasing whichever ran at a bad moment.
/// </summary>
public sealed class LatencyMeter(DeviceProfile profile)
{
    public DeviceProfile Profile { get; } = profile;

    public LatencySample Measure(Func<Tensor> forward) => LatencySample.FromSeconds(Time(forward, Profile.Warmup, Profile.Repeats));

    /// <summary>Measures every item, interleaved: in each round, each item is built, warmed up and timed for its share of the repeats.</summary>
    public IReadOnlyList<LatencySample> MeasureInterleaved<T>(IReadOnlyList<T> items, Func<T, IBench> build)
    {
        int rounds = Math.Min(Profile.Rounds, Profile.Repeats);
        var seconds = items.Select(_ => new List<double>(Profile.Repeats)).ToList();
        for (int round = 0; round < rounds; round++)
        {
            int repeats = Profile.Repeats / rounds + (round < Profile.Repeats % rounds ? 1 : 0);
            int warmup = (Profile.Warmup + rounds - 1) / rounds;
            for (int i = 0; i < items.Count; i++)
            {
                using IBench bench = build(items[i]);
                seconds[i].AddRange(Time(bench.Forward, warmup, repeats));
            }
        }
        return seconds.Select(LatencySample.FromSeconds).ToList();
    }

    private static double[] Time(Func<Tensor> forward, int warmup, int repeats)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < warmup; i++) Run(forward);
        var seconds = new double[repeats];
        for (int i = 0; i < seconds.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Run(forward);
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return seconds;
    }

    private static void Run(Func<Tensor> forward)
    {
        using var scope = NewDisposeScope();
        Tensor y = forward();
        y.flatten()[0].item<float>(); // wait for the device
    }
}
