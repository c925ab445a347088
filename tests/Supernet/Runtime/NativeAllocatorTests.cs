using System.Runtime.InteropServices;
using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Runtime;

[Collection(ProcessMemoryCollection.Name)]
public sealed class NativeAllocatorTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("default", false)]
    public void TheSettingVariableTurnsTheSettingsOffOnlyWithDefault(string? value, bool applies) =>
        Assert.Equal(applies, NativeAllocator.Applies(value));

    [Fact]
    public void AnUnknownSettingIsRefusedWithTheAllowedValues()
    {
        var e = Assert.Throws<ArgumentException>(() => NativeAllocator.Applies("defualt"));
        Assert.Equal("NASPRUNE_MALLOC: 'defualt' is not a setting; allowed: default (glibc's own behaviour), or unset (keep freed memory)", e.Message);
    }

    [Fact]
    public void ATwentyMegabyteTensorComesFromTheHeapNotItsOwnMmap()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's settings
        NativeAllocator.Configure();
        Assert.True(NativeAllocator.KeepsFreedMemory);
        using (ones(16)) { } // libtorch's first call sets itself up (tens of MB)
        var before = NativeAllocator.InUse()!.Value;
        using Tensor t = ones(20L * 1024 * 1024 / 4, dtype: float32);
        var during = NativeAllocator.InUse()!.Value;
        // glibc's default would mmap a block this size (its threshold starts at 128 KB and only rises to the
        // size of big blocks freed before): its pages would be zeroed afresh on every allocation.
        // The counters are process-wide and other test classes run beside this one, so the bounds sit halfway
        // between the two outcomes (20 MB in the heap, or 20 MB mmapped) rather than at exact sizes.
        Assert.True(during.HeapInUseBytes - before.HeapInUseBytes > 10L << 20, $"heap in use grew by {during.HeapInUseBytes - before.HeapInUseBytes} bytes");
        Assert.True(during.MmappedBytes - before.MmappedBytes < 10L << 20, $"mmapped blocks grew by {during.MmappedBytes - before.MmappedBytes} bytes");
    }

    [Fact]
    public void AThreadsArenaKeepsAHeapOnceItIsWhollyFree()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's settings
        NativeAllocator.Configure();
        // 120 MB in 256 KB blocks on a new thread fill its arena's first 64 MB heap and need more; freed last
        // first, they run back into the top until the later heaps are wholly free. glibc deletes such a heap
        // unless the top pad covers it, whatever the trim threshold: without the pad, about 56 MB go back here.
        long given = 0;
        var thread = new Thread(() =>
        {
            var blocks = Enumerable.Range(0, 480).Select(_ => Marshal.AllocHGlobal(256 * 1024)).ToList();
            long before = NativeAllocator.HeapBytes()!.Value;
            for (int i = blocks.Count - 1; i >= 0; i--) Marshal.FreeHGlobal(blocks[i]);
            given = before - NativeAllocator.HeapBytes()!.Value;
            NativeAllocator.ReturnFreePages(); // leave nothing behind for the other tests' counters
        });
        thread.Start();
        thread.Join();
        // Process-wide counters with other test classes beside this one: the bound sits halfway.
        Assert.True(given < 28L << 20, $"freeing gave {given} bytes of heap back to the OS");
    }

    [Fact]
    public void ReturningFreePagesShrinksTheCallingThreadsOwnHeap()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's settings
        NativeAllocator.Configure();
        // Up to three tries, each on a new thread: the counters are process-wide, and a new thread may be given an
        // arena an ended thread left, with live blocks of others in it (CI once saw 20.8 MB of the 40 given back).
        // Without the trim of the thread's own heap top, every try gives back about 80 KB.
        long freed = 0;
        for (int attempt = 0; attempt < 3 && freed <= 20L << 20; attempt++)
        {
            var thread = new Thread(() =>
            {
                var blocks = Enumerable.Range(0, 160).Select(_ => Marshal.AllocHGlobal(256 * 1024)).ToList(); // 40 MB
                foreach (IntPtr block in blocks) Marshal.FreeHGlobal(block); // back into the top of this thread's heap, kept
                long before = NativeAllocator.HeapBytes()!.Value;
                NativeAllocator.ReturnFreePages();
                freed = before - NativeAllocator.HeapBytes()!.Value;
            });
            thread.Start();
            thread.Join();
        }
        // Process-wide counters with other test classes beside this one: the bound is half of the 40 MB.
        Assert.True(freed > 20L << 20, $"the heaps gave back {freed} bytes");
    }
}
