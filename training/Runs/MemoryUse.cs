using System.Diagnostics;
using NasPrune.Supernet.Runtime;

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
    /// figure what the process really holds, and keeps a days-long run's footprint down. Garbage collections
    /// run first: one with finalizers, so tensors that only a finalizer would free are gone, then an aggressive
    /// compacting one, which closes the holes dead arrays leave between live ones (the large-object heap is
    /// not compacted otherwise) and decommits what it frees at once. In the quick config's first epoch the
    /// managed heap read 119 MB without it and 26 MB with it. Elsewhere than glibc it is the RSS after the
    /// collections.
    /// </summary>
    public static double TrimmedRssMb()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeAllocator.ReturnFreePages();
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

    private static double NativeInUseMb() =>
        NativeAllocator.InUse() is var (heap, mmapped) ? ToMb(heap + mmapped) : double.NaN;

    public static double PeakRssMb()
    {
        using var process = Process.GetCurrentProcess();
        return ToMb(process.PeakWorkingSet64);
    }
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
