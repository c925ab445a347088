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
    public void NativeMemoryInUseCountsALiveTensorAndDropsWhenItIsDisposed()
    {
        if (!OperatingSystem.IsLinux()) return; // mallinfo2 is glibc's
        double before = MemoryUse.TrimmedBreakdown().NativeInUseMb;
        double during;
        using (Tensor t = ones(200L * 1024 * 1024 / 4, dtype: float32))
        {
            Assert.Equal(1f, t[0].item<float>());
            during = MemoryUse.TrimmedBreakdown().NativeInUseMb;
        }
        double after = MemoryUse.TrimmedBreakdown().NativeInUseMb;
        Assert.InRange(during - before, 190, 230);
        Assert.InRange(during - after, 190, 230);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(int mb)
    {
        // Filled, so its pages are resident; not disposed, so only the GC's finalizer frees it.
        Tensor t = ones(mb * 1024L * 1024 / 4, dtype: float32);
        Assert.Equal(1f, t[0].item<float>());
    }
}
