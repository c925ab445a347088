using NasPrune.LatencyTables.Devices;
using static TorchSharp.torch;

namespace NasPrune.LatencyTables.Measurement;

/// <summary>
/// Times forward passes the way a device profile says: eval mode, no gradients, untimed warm-up runs,
/// then timed ones, each in its own dispose scope and synchronised (the result is read back, so
/// asynchronous devices are timed to completion). The profile's repeats are spread over
/// <c>rounds</c> passes through a group of items, so slow drifts of the machine's speed (frequency,
/// neighbours on a shared host) touch every item alike instead of biasing whichever ran at a bad moment.
/// With a <see cref="SpeedReference"/>, the reference is also timed every <see cref="ProbeInterval"/> (or
/// less often when a probe is slow, so that probes take at most about a tenth of the time) and the items
/// timed since the last probe are scaled to its unit by the mean of the two probes around them.
/// </summary>
public sealed class LatencyMeter(DeviceProfile profile, SpeedReference? reference = null, TimeProvider? clock = null)
{
    /// <summary>How often the speed reference is probed: short enough to follow the EPYC's speed switches, long enough to cost little.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(0.25);

    /// <summary>Time between probes per unit of a probe's own duration: probes take at most ~1/10 of the time.</summary>
    public const double ProbeSpacing = 10;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public DeviceProfile Profile { get; } = profile;
    public SpeedReference? Reference { get; } = reference;

    /// <summary>
    /// Times one item, its repeats spread over the profile's rounds, so that with a reference it is probed
    /// between rounds too (one pass of a few hundred repeats would be scaled by two probes seconds apart).
    /// </summary>
    public LatencySample Measure(IBench bench) => MeasureInterleaved([bench], b => new Borrowed(b))[0];

    /// <summary>Measures every item, interleaved: in each round, each item is built, warmed up and timed for its share of the repeats.</summary>
    public IReadOnlyList<LatencySample> MeasureInterleaved<T>(IReadOnlyList<T> items, Func<T, IBench> build)
    {
        int rounds = Math.Min(Profile.Rounds, Profile.Repeats);
        var scaled = items.Select(_ => new List<double>(Profile.Repeats)).ToList();
        var raw = items.Select(_ => new List<double>(Profile.Repeats)).ToList();
        for (int round = 0; round < rounds; round++)
        {
            int repeats = Profile.Repeats / rounds + (round < Profile.Repeats % rounds ? 1 : 0);
            int warmup = (Profile.Warmup + rounds - 1) / rounds;
            var sinceProbe = new List<(int Item, double[] Seconds)>();
            double lastProbe = Reference?.ProbeMs(_clock) ?? 1;
            long lastProbeAt = _clock.GetTimestamp();
            TimeSpan interval = Reference is null ? ProbeInterval : Max(ProbeInterval, TimeSpan.FromMilliseconds(ProbeSpacing * Reference.ProbeRepeats * lastProbe));
            for (int i = 0; i < items.Count; i++)
            {
                using (IBench bench = build(items[i]))
                    sinceProbe.Add((i, Time(bench.Forward, warmup, repeats)));
                if (i < items.Count - 1 && _clock.GetElapsedTime(lastProbeAt) < interval) continue;
                double probe = Reference?.ProbeMs(_clock) ?? 1;
                double factor = Reference is null ? 1 : Reference.UnitMs / ((lastProbe + probe) / 2);
                foreach (var (item, seconds) in sinceProbe)
                {
                    raw[item].AddRange(seconds);
                    scaled[item].AddRange(seconds.Select(s => s * factor));
                }
                sinceProbe.Clear();
                (lastProbe, lastProbeAt) = (probe, _clock.GetTimestamp());
            }
        }
        return scaled.Select((s, i) => LatencySample.FromSeconds(s) with { RawMedianMs = LatencySample.FromSeconds(raw[i]).MedianMs }).ToList();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private double[] Time(Func<Tensor> forward, int warmup, int repeats)
    {
        for (int i = 0; i < warmup; i++) TimeOnce(forward, _clock);
        return Enumerable.Range(0, repeats).Select(_ => TimeOnce(forward, _clock)).ToArray();
    }

    /// <summary>One synchronised forward pass in its own dispose scope, in seconds.</summary>
    internal static double TimeOnce(Func<Tensor> forward, TimeProvider clock)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long start = clock.GetTimestamp();
        Tensor y = forward();
        y.flatten()[0].item<float>(); // wait for the device
        return clock.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>An item the caller owns, timed without being disposed.</summary>
    private sealed class Borrowed(IBench bench) : IBench
    {
        public Tensor Forward() => bench.Forward();
        public void Dispose() { }
    }
}
