using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NasPrune.Training.Runs;

/// <summary>Resident memory of this process (native libtorch allocations included), for the flat-memory checks of long runs.</summary>
public static class MemoryUse
{
    public static double RssMb() => Environment.WorkingSet / (1024.0 * 1024.0);

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
    /// the managed heap (and what the GC keeps committed) and glibc's view of native memory (bytes in use,
    /// in its arenas and in mmapped blocks, and free bytes it still holds after the trim). Native figures are
    /// NaN where glibc's mallinfo2 is missing.
    /// </summary>
    public static MemoryBreakdown TrimmedBreakdown()
    {
        double resident = TrimmedRssMb();
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        double nativeInUse = double.NaN, nativeFreeHeld = double.NaN;
        if (!_mallinfoUnavailable && OperatingSystem.IsLinux())
        {
            try
            {
                MallInfo2 info = MallInfo2Native();
                nativeInUse = (info.uordblks + info.hblkhd) / (1024.0 * 1024.0);
                nativeFreeHeld = info.fordblks / (1024.0 * 1024.0);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _mallinfoUnavailable = true; // glibc before 2.33, or not glibc
            }
        }
        return new MemoryBreakdown(resident, gc.HeapSizeBytes / (1024.0 * 1024.0), gc.TotalCommittedBytes / (1024.0 * 1024.0),
            nativeInUse, nativeFreeHeld);
    }

    public static double PeakRssMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
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
public sealed record MemoryBreakdown(double ResidentMb, double ManagedHeapMb, double ManagedCommittedMb, double NativeInUseMb, double NativeFreeHeldMb);
