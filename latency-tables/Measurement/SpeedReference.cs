namespace NasPrune.LatencyTables.Measurement;

/// <summary>
/// A fixed network timed between measured items, so that every item's timings are expressed at one
/// machine speed: each is multiplied by <see cref="UnitMs"/> / (the reference's latency around it).
/// Why: the 2-core EPYC VM runs at two speeds about 1.7x apart that switch within seconds to minutes
/// (no steal time shows); a table built in one speed and checked in the other was 17 % off (MAPE) and
/// up to 76 % on single networks, whole groups of 20 networks at once. A latency table fixes its unit
/// when it starts and stores it; its check and a search's verification time at that unit.
/// </summary>
public sealed class SpeedReference(IBench bench, double unitMs, string name, int probeRepeats = SpeedReference.DefaultProbeRepeats) : IDisposable
{
    public const int DefaultProbeRepeats = 5;

    /// <summary>Probes taken to fix a new table's unit (their median).</summary>
    public const int UnitProbes = 20;

    public string Name { get; } = name;

    /// <summary>Passes per probe (their median is the probe).</summary>
    public int ProbeRepeats { get; } = probeRepeats;

    /// <summary>The reference's latency that defines the unit: measurements are scaled to the speed at which it takes this long.</summary>
    public double UnitMs { get; } = unitMs;

    /// <summary>The reference's latency now: the median of a few passes, in milliseconds.</summary>
    public double ProbeMs(TimeProvider clock) => Probe(bench, ProbeRepeats, clock);

    private static double Probe(IBench bench, int repeats, TimeProvider clock)
    {
        var ms = new double[repeats];
        for (int i = 0; i < ms.Length; i++) ms[i] = LatencyMeter.TimeOnce(bench.Forward, clock) * 1e3;
        Array.Sort(ms);
        return ms[ms.Length / 2];
    }

    /// <summary>
    /// Warms the reference up and uses <paramref name="unitMs"/> (a table's stored unit), or, when it is null,
    /// fixes the unit now: the median of <see cref="UnitProbes"/> probes.
    /// </summary>
    public static SpeedReference Start(IBench bench, string name, int warmup, double? unitMs = null, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        for (int i = 0; i < warmup; i++) LatencyMeter.TimeOnce(bench.Forward, clock);
        if (unitMs is { } unit) return new SpeedReference(bench, unit, name);
        double[] probes = Enumerable.Range(0, UnitProbes).Select(_ => Probe(bench, DefaultProbeRepeats, clock)).Order().ToArray();
        return new SpeedReference(bench, probes[probes.Length / 2], name);
    }

    public void Dispose() => bench.Dispose();
}
