using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NasPrune.Training.Runs;

/// <summary>Resident memory of this process (native libtorch allocations included), for the flat-memory checks of long runs.</summary>
public static class MemoryUse
{
    public static double RssMb() => ToMb(Environment.WorkingSet);

    private static double ToMb(double bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>
    /// Hands the heap pages that are free back to the OS, then reads the resident size. libtorch frees CPU
    /// tensors straight to malloc, and glibc keeps freed pages in its per-thread arenas; with tensors whose
    /// sizes change from step to step (elastic resolution, sampled sub-networks) the RSS then swings by a
    /// quarter between epochs with no growth underneath. Trimming once per epoch (milliseconds) makes the
    /// figure what the process really holds, and keeps a days-long run's footprint down. A full blocking
    /// garbage collection with finalizers runs first, so managed garbage and tensors that only a finalizer
    /// would free do not count either. Elsewhere than glibc it is the RSS after the collection.
    /// </summary>
    public static double TrimmedRssMb()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ReleaseFreedMemory();
        return RssMb();
    }

    /// <summary>
    /// The trimmed resident size and what it is made of, for telling a leak from memory an allocator holds:
    /// anonymous (heap, stacks) against file-backed (mapped libraries: libtorch alone is hundreds of MB of
    /// code) resident pages, from /proc/self/status; the managed heap and what the GC keeps committed; and
    /// glibc's count of native bytes in use (mallinfo2: in its arenas and in mmapped blocks). Anonymous
    /// memory that neither the GC nor live native allocations account for is what allocators keep after
    /// the trim. Figures a platform cannot give are NaN.
    /// </summary>
    public static MemoryBreakdown TrimmedBreakdown()
    {
        double resident = TrimmedRssMb();
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        var (anonymous, fileBacked) = ResidentKinds();
        return new MemoryBreakdown(resident, anonymous, fileBacked, ToMb(gc.HeapSizeBytes),
            ToMb(gc.TotalCommittedBytes), NativeInUseMb());
    }

    private static (double Anonymous, double FileBacked) ResidentKinds()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return (double.NaN, double.NaN);
        double anonymous = double.NaN, fileBacked = double.NaN;
        foreach (string line in File.ReadLines(status))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anonymous = KilobytesToMb(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) fileBacked = KilobytesToMb(line);
        }
        return (anonymous, fileBacked);
    }

    // "RssAnon:\t  1097504 kB"
    private static double KilobytesToMb(string line) =>
        long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;

    private static double NativeInUseMb()
    {
        if (_mallinfoUnavailable || !OperatingSystem.IsLinux()) return double.NaN;
        try
        {
            MallInfo2 info = MallInfo2Native();
            return ToMb(info.uordblks + info.hblkhd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _mallinfoUnavailable = true; // glibc before 2.33, or not glibc
            return double.NaN;
        }
    }

    public static double PeakRssMb()
    {
        using var process = Process.GetCurrentProcess();
        return ToMb(process.PeakWorkingSet64);
    }

    private static bool _trimUnavailable;

    public static void ReleaseFreedMemory()
    {
        if (_trimUnavailable || !OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _trimUnavailable = true; // not glibc (e.g. musl): nothing to trim this way
        }
    }

    private static bool _mallinfoUnavailable;

    /// <summary>glibc's struct mallinfo2 (all size_t), summed over every arena.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo2Native();

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}

/// <summary>Resident memory and its parts, in MB (see <see cref="MemoryUse.TrimmedBreakdown"/>).</summary>
public sealed record MemoryBreakdown(double ResidentMb, double AnonymousMb, double FileBackedMb, double ManagedHeapMb,
    double ManagedCommittedMb, double NativeInUseMb)
{
    /// <summary>
    /// Anonymous resident memory that neither the GC's committed heap nor live native allocations explain. An
    /// estimate: committed managed pages need not all be resident, so it can dip a few MB below zero.
    /// </summary>
    public double HeldByAllocatorsMb => AnonymousMb - ManagedCommittedMb - NativeInUseMb;
}
