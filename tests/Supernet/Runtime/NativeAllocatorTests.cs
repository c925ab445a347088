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
        Assert.InRange(during.HeapInUseBytes - before.HeapInUseBytes, 20L << 20, 21L << 20);
        Assert.InRange(during.MmappedBytes - before.MmappedBytes, -(1L << 20), 1L << 20);
    }
}
