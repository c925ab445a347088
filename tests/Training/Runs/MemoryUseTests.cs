using System.Runtime.CompilerServices;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Runs;

[Collection(ProcessMemoryCollection.Name)]
public sealed class MemoryUseTests
{
    [Fact]
    public void TheTrimmedFigureLeavesOutATensorThatOnlyItsFinalizerWouldFree()
    {
        AllocateAndDrop(mb: 400);
        double before = MemoryUse.RssMb();
        double trimmed = MemoryUse.TrimmedRssMb();
        Assert.True(before - trimmed > 300, $"resident {before:F0} MB before, {trimmed:F0} MB after the collection and trim");
    }

    [Fact]
    public void ALiveTensorCountsAsNativeInUseAndAnonymousMemoryUntilItIsDisposed()
    {
        if (!OperatingSystem.IsLinux()) return; // mallinfo2 is glibc's
        MemoryBreakdown before = MemoryUse.TrimmedBreakdown();
        MemoryBreakdown during;
        using (Tensor t = ones(200L * 1024 * 1024 / 4, dtype: float32))
        {
            // The element's view shares the storage: disposed here, or it keeps the 200 MB alive after t.
            using (Tensor first = t[0]) Assert.Equal(1f, first.item<float>());
            during = MemoryUse.TrimmedBreakdown();
        }
        MemoryBreakdown after = MemoryUse.TrimmedBreakdown();
        Assert.InRange(during.NativeInUseMb - before.NativeInUseMb, 190, 230);
        Assert.InRange(during.NativeInUseMb - after.NativeInUseMb, 190, 230);
        // The tensor's pages are anonymous resident memory while it lives, and go back when it is disposed.
        Assert.InRange(during.AnonymousMb - after.AnonymousMb, 150, 260);
        Assert.InRange(during.AnonymousMb + during.FileBackedMb, during.ResidentMb - 64, during.ResidentMb + 1);
    }

    [Fact]
    public void TheTrimmedFigureLeavesOutTheHolesThatDeadManagedArraysLeaveBetweenLiveOnes()
    {
        // Every fourth 1 MB array lives on: the large-object heap is full of holes that only compaction closes,
        // as after loading a data set; without it the GC keeps the 300 MB of holes committed.
        byte[][] survivors = FragmentLargeObjectHeap(arrays: 400, keepEvery: 4);
        MemoryBreakdown trimmed = MemoryUse.TrimmedBreakdown();
        Assert.True(trimmed.ManagedCommittedMb < 250, $"managed committed {trimmed.ManagedCommittedMb:F0} MB with 100 MB live");
        Assert.Equal(100, survivors.Length);
        GC.KeepAlive(survivors);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[][] FragmentLargeObjectHeap(int arrays, int keepEvery)
    {
        var all = new byte[arrays][];
        for (int i = 0; i < arrays; i++)
        {
            all[i] = new byte[1024 * 1024];
            Array.Fill(all[i], (byte)1); // resident, not just reserved
        }
        return all.Where((_, i) => i % keepEvery == 0).ToArray();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(int mb)
    {
        // Filled, so its pages are resident; not disposed, so only the GC's finalizer frees it.
        Tensor t = ones(mb * 1024L * 1024 / 4, dtype: float32);
        Assert.Equal(1f, t[0].item<float>());
    }
}
