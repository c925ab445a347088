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

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
