using System.Globalization;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// The machine's CPU time and this process's, read at one moment from <c>/proc/stat</c> (the first line's
/// busy and total ticks) and <c>/proc/self/stat</c> (utime + stime), all in the kernel's clock ticks.
/// </summary>
public readonly record struct CpuSnapshot(int Cpus, long BusyTicks, long TotalTicks, long OwnTicks);

/// <summary>
/// How much CPU other processes take while this one measures. On the 2-core EPYC a 2-thread training beside
/// two 1-thread ones ran at 12 images/s instead of 155 (the README's quickstart, 2026-12-02), and latency
/// tables timed beside a training are off by far more than their MAPE; nothing in the timings themselves
/// says why. Reading the kernel's counters before and after a measurement does: the busy CPUs outside this
/// process over the span. Linux only; elsewhere <see cref="Take"/> gives null and nothing is reported.
/// </summary>
public static class CpuNeighbours
{
    /// <summary>The counters now, or null where <c>/proc</c> is not there or not readable as expected.</summary>
    public static CpuSnapshot? Take()
    {
        try
        {
            if (!File.Exists("/proc/stat") || !File.Exists("/proc/self/stat")) return null;
            return Parse(File.ReadAllText("/proc/stat"), File.ReadAllText("/proc/self/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses the two files' text. Busy = user + nice + system + irq + softirq + steal (guest time is already in
    /// user); total adds idle and iowait. The process line's name may hold spaces and parentheses, so its fields
    /// are counted after the last ')': utime and stime are the 14th and 15th fields of the line.
    /// </summary>
    public static CpuSnapshot Parse(string procStat, string selfStat)
    {
        string[] lines = procStat.Split('\n');
        string first = lines.FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal))
            ?? throw new FormatException("/proc/stat has no 'cpu' line");
        long[] t = first[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(8).Select(Tick).ToArray();
        if (t.Length < 8) throw new FormatException("/proc/stat's 'cpu' line has fewer than 8 counters");
        long busy = t[0] + t[1] + t[2] + t[5] + t[6] + t[7];
        long total = busy + t[3] + t[4];
        int cpus = lines.Count(l => l.Length > 3 && l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]));

        int close = selfStat.LastIndexOf(')');
        if (close < 0) throw new FormatException("/proc/self/stat has no ')' after the process name");
        string[] fields = selfStat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is the 3rd field (state), so utime (14th) is fields[11] and stime (15th) fields[12].
        if (fields.Length < 13) throw new FormatException("/proc/self/stat has fewer than 15 fields");
        return new CpuSnapshot(Math.Max(1, cpus), busy, total, Tick(fields[11]) + Tick(fields[12]));
    }

    /// <summary>
    /// CPUs kept busy by everything but this process between two snapshots, on average (0 to the CPU count).
    /// Wall time is the machine's total ticks over its CPU count, so no clock-tick rate is needed. Null when no
    /// tick passed (snapshots too close together to say anything).
    /// </summary>
    public static double? OthersBusyCpus(CpuSnapshot before, CpuSnapshot after)
    {
        long total = after.TotalTicks - before.TotalTicks;
        if (total <= 0) return null;
        long others = (after.BusyTicks - before.BusyTicks) - (after.OwnTicks - before.OwnTicks);
        double wallTicks = (double)total / after.Cpus;
        return Math.Clamp(others / wallTicks, 0, after.Cpus);
    }

    /// <summary>
    /// <see cref="OthersBusyCpus(CpuSnapshot, CpuSnapshot)"/> with the machine's CPU count, for callers that hold
    /// snapshots <see cref="Take"/> may not have given (null: nothing to say).
    /// </summary>
    public static (double BusyCpus, int Cpus)? Load(CpuSnapshot? start, CpuSnapshot? end) =>
        start is { } s && end is { } e && OthersBusyCpus(s, e) is { } busy ? (busy, e.Cpus) : null;

    /// <summary>
    /// Whether neighbours that busy leave fewer CPUs than a measurement with <paramref name="threads"/> threads
    /// needs: more than half a CPU of the ones it would use is taken. Noise (a shell, the logger) stays below that.
    /// </summary>
    public static bool Crowds(double othersBusyCpus, int cpus, int threads) =>
        othersBusyCpus > Math.Max(0, cpus - Math.Min(threads, cpus)) + 0.5;

    private static long Tick(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
}
