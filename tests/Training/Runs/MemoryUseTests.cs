using System.Runtime.CompilerServices;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Runs;

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
            Assert.Equal(1f, t[0].item<float>());
            during = MemoryUse.TrimmedBreakdown();
        }
        MemoryBreakdown after = MemoryUse.TrimmedBreakdown();
        Assert.InRange(during.NativeInUseMb - before.NativeInUseMb, 190, 230);
        Assert.InRange(during.NativeInUseMb - after.NativeInUseMb, 190, 230);
        // The tensor's pages are anonymous resident memory while it lives, and go back when it is disposed.
        Assert.InRange(during.AnonymousMb - after.AnonymousMb, 150, 260);
        Assert.InRange(during.AnonymousMb + during.FileBackedMb, during.ResidentMb - 64, during.ResidentMb + 1);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(int mb)
    {
        // Filled, so its pages are resident; not disposed, so only the GC's finalizer frees it.
        Tensor t = ones(mb * 1024L * 1024 / 4, dtype: float32);
        Assert.Equal(1f, t[0].item<float>());
    }
}
