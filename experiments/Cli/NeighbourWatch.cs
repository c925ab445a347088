using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Runtime;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// Around a timing command (latency tables, checks, benchmarks, verified search): warns at the start when other
/// processes already take CPUs the measurement needs, and at the end says how busy they kept the machine on
/// average over the whole span (a warning when they crowded it). Timings taken beside a training are off by
/// much more than a table's error, and nothing in the timings says so; this line does. Silent where the kernel's
/// counters cannot be read (not Linux).
/// </summary>
public sealed class NeighbourWatch : IDisposable
{
    /// <summary>The first look: long enough for a few hundred kernel ticks on two CPUs, short beside any measurement.</summary>
    public static readonly TimeSpan FirstLook = TimeSpan.FromSeconds(0.5);

    private readonly ILogger _logger;
    private readonly int _threads;
    private readonly string _what;
    private readonly CpuSnapshot? _start = CpuNeighbours.Take();
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    public NeighbourWatch(ILogger logger, int threads, string what)
    {
        (_logger, _threads, _what) = (logger, threads, what);
        if (_start is null) return;
        Thread.Sleep(FirstLook);
        if (SinceStart() is { } load && CpuNeighbours.Crowds(load.BusyCpus, load.Cpus, threads))
            _logger.LogWarning("Other processes are keeping {Busy:F1} of {Cpus} CPUs busy as {What} starts with {Threads} thread(s): its timings will include their interference, not only this device's speed; stop them for timings to keep",
                load.BusyCpus, load.Cpus, what, threads);
    }

    /// <summary>CPUs other processes kept busy on average since the watch began, for a report to keep; null where unknown.</summary>
    public double? OthersBusyCpusSoFar() => SinceStart() is { } load ? Math.Round(load.BusyCpus, 2) : null;

    public void Dispose()
    {
        if (SinceStart() is not { } load) return;
        double minutes = Stopwatch.GetElapsedTime(_startedAt).TotalMinutes;
        if (CpuNeighbours.Crowds(load.BusyCpus, load.Cpus, _threads))
            _logger.LogWarning("Other processes kept {Busy:F1} of {Cpus} CPUs busy on average during {What} ({Minutes:F1} min, {Threads} thread(s) here): its timings include their interference",
                load.BusyCpus, load.Cpus, _what, minutes, _threads);
        else
            _logger.LogInformation("Other processes kept {Busy:F2} of {Cpus} CPUs busy on average during {What} ({Minutes:F1} min)", load.BusyCpus, load.Cpus, _what, minutes);
    }

    private (double BusyCpus, int Cpus)? SinceStart() => CpuNeighbours.Load(_start, CpuNeighbours.Take());
}
