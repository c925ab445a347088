using System.Runtime.InteropServices;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// How glibc's malloc, which libtorch's CPU tensors come from, is told to keep freed memory for reuse.
/// By default glibc serves blocks above a threshold (128 KB at first, raised as big blocks are freed) with
/// their own mmap, and gives the top of a heap back to the OS whenever more than twice that threshold is
/// free. With the tensor sizes of sampled sub-networks and elastic resolutions changing from one pass to the
/// next, activations then keep landing on fresh pages, each one zeroed by a page fault. On the 2-core EPYC,
/// timed inside a running network at batch 32, parts of a network took 2-4x their time alone, and whole
/// networks up to 1.7x their table price; with the settings below, 1.0-1.25x. Fixed here: blocks up to 32 MB
/// (glibc's maximum for this setting) come from the heaps, and the heaps are not trimmed between passes.
/// A thread's own arena needs one more setting: it grows by 64 MB heaps of its own, and glibc deletes a heap
/// the moment it is wholly free whatever the trim threshold (only the top pad keeps it). A training runs on
/// a thread of its own, so a step whose activations needed a new heap handed it back when they were freed
/// and faulted it in again at the next step: the largest OFA network in <c>nasprune train</c> took up to 19,000
/// page faults a second, and the runs where this happened took 12-25 % longer alone, up to 38 % beside another
/// training (experiments/results/malloc-top-pad.md; <see cref="TopPadBytes"/>).
/// What a long run holds is still given back once per epoch (<c>MemoryUse.TrimmedRssMb</c> calls
/// <see cref="ReturnFreePages"/>), so resident memory stays at the run's working set. Only on glibc; the environment variable
/// <c>NASPRUNE_MALLOC=default</c> leaves malloc as it is.
/// </summary>
public static class NativeAllocator
{
    /// <summary>glibc's largest allowed fixed mmap threshold on 64-bit (HEAP_MAX_SIZE / 2).</summary>
    public const int MmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>Free memory a heap keeps at its top before glibc trims it by itself: in practice never within a run.</summary>
    public const int TrimThresholdBytes = int.MaxValue;

    /// <summary>
    /// Free memory kept at a heap's top when glibc considers giving it back: at least a whole thread heap (64 MB on
    /// 64-bit), so a thread arena's free heaps are kept. Memory is only reserved by it, not touched.
    /// </summary>
    public const int TopPadBytes = 64 * 1024 * 1024;

    private const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;

    private static int _configured;

    /// <summary>True when the settings were applied (glibc on Linux, not opted out).</summary>
    public static bool KeepsFreedMemory { get; private set; }

    /// <summary>The environment variable that can leave malloc as it is.</summary>
    public const string SettingVariable = "NASPRUNE_MALLOC";

    /// <summary>Whether the settings apply for a value of <see cref="SettingVariable"/>: unset or empty yes, "default" no.</summary>
    public static bool Applies(string? setting) => setting switch
    {
        null or "" => true,
        "default" => false,
        _ => throw new ArgumentException($"{SettingVariable}: '{setting}' is not a setting; allowed: default (glibc's own behaviour), or unset (keep freed memory)"),
    };

    /// <summary>Applies the settings once per process; later calls do nothing.</summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        if (!Applies(Environment.GetEnvironmentVariable(SettingVariable))) return;
        // mallopt returns 1 on success; setting either value also switches off glibc's dynamic threshold.
        KeepsFreedMemory = Glibc(() => MallOpt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1 && MallOpt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1
            && MallOpt(M_TOP_PAD, TopPadBytes) == 1, ref _malloptMissing) == true;
    }

    /// <summary>
    /// Gives free memory back to the OS: the free top of the calling thread's heap (<see cref="TrimOwnHeapTop"/>),
    /// then the free pages of every heap (malloc_trim), whatever the trim threshold.
    /// </summary>
    public static void ReturnFreePages()
    {
        TrimOwnHeapTop();
        Glibc(() => MallocTrim(0), ref _trimMissing);
    }

    /// <summary>A block big enough that freeing it makes glibc consider trimming its heap (FASTBIN_CONSOLIDATION_THRESHOLD is 64 KB), small enough to come from the heap.</summary>
    private const int TrimTriggerBytes = 256 * 1024;

    /// <summary>
    /// malloc_trim shrinks the top of the main arena only; in a thread's own arena it returns the pages of free
    /// blocks but leaves the free top of the heap, which with the trim threshold at its maximum is never trimmed.
    /// A training runs on its own thread, so its arena's top kept whatever the last peak left there: on the
    /// quick config the per-epoch reading swung by up to 20 MB from one epoch to the next (30-60 MB with a
    /// smaller oneDNN cache). glibc trims a thread arena's top when a large block is freed in it and the top
    /// exceeds the trim threshold (keeping the top pad), so for one allocation both go to 0: a block is taken and
    /// freed on this thread, and the settings restored. (Another thread freeing in that instant trims its heap too: harmless.)
    /// </summary>
    private static void TrimOwnHeapTop()
    {
        if (!KeepsFreedMemory) return;
        MallOpt(M_TRIM_THRESHOLD, 0);
        MallOpt(M_TOP_PAD, 0);
        try
        {
            Marshal.FreeHGlobal(Marshal.AllocHGlobal(TrimTriggerBytes)); // malloc and free on Unix
        }
        finally
        {
            MallOpt(M_TOP_PAD, TopPadBytes);
            MallOpt(M_TRIM_THRESHOLD, TrimThresholdBytes);
        }
    }

    /// <summary>
    /// glibc's count of bytes in use, summed over every arena (mallinfo2): in the heaps and in blocks that
    /// have their own mmap. Null where it cannot tell (not glibc, or glibc before 2.33).
    /// </summary>
    public static (long HeapInUseBytes, long MmappedBytes)? InUse() =>
        MallInfo() is MallInfo2 info ? ((long)info.uordblks, (long)info.hblkhd) : null;

    /// <summary>What glibc's heaps hold from the OS, in use or free, over every arena (mallinfo2's arena field); null where it cannot tell.</summary>
    public static long? HeapBytes() => MallInfo() is MallInfo2 info ? (long)info.arena : null;

    private static MallInfo2? MallInfo() => Glibc(MallInfo2Native, ref _mallinfoMissing);

    private static bool _malloptMissing, _trimMissing, _mallinfoMissing;

    /// <summary>
    /// Calls a glibc function on Linux; null elsewhere, and from then on when the call finds no such library or
    /// entry point (another C library such as musl; mallinfo2 needs glibc 2.33), which <paramref name="missing"/> remembers.
    /// </summary>
    private static T? Glibc<T>(Func<T> call, ref bool missing) where T : struct
    {
        if (missing || !OperatingSystem.IsLinux()) return null;
        try
        {
            return call();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            missing = true;
            return null;
        }
    }

    /// <summary>glibc's struct mallinfo2 (all size_t).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo2Native();

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int param, int value);
}
