using NasPrune.Build;
using TorchSharp;

namespace NasPrune.Tests.Build;

public sealed class NativeLibraryTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string OutputCopy =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void OutputCopyHasTheVersionRequirementMarkedWeak()
    {
        Assert.True(ElfVersionPatcher.IsWeak(OutputCopy, Version));
    }

    [Fact]
    public void PatcherChangesOnlyTheFlagAndIsIdempotent()
    {
        string original = NuGetCacheCopy() ?? OutputCopy;
        string temp = Path.Combine(Path.GetTempPath(), $"nasprune-elf-{Guid.NewGuid():N}.so");
        try
        {
            File.Copy(original, temp);
            byte[] before = File.ReadAllBytes(temp);
            int flags = ElfVersionPatcher.FindVernauxFlagsOffset(before, Version, temp);
            Assert.True(flags > 0);
            // Clear the weak bit (the output copy is already patched) to start from the shipped state.
            before[flags] &= unchecked((byte)~0x2);
            File.WriteAllBytes(temp, before);

            Assert.Equal(ElfVersionPatcher.Outcome.Patched, ElfVersionPatcher.MarkWeak(temp, Version));
            byte[] after = File.ReadAllBytes(temp);
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
            Assert.Equal([flags], changed);
            Assert.Equal(ElfVersionPatcher.Outcome.AlreadyWeak, ElfVersionPatcher.MarkWeak(temp, Version));
            Assert.Equal(ElfVersionPatcher.Outcome.NotRequired, ElfVersionPatcher.MarkWeak(temp, "GLIBCXX_9.9.99"));
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [Fact]
    public void NuGetCacheIsNeverPatched()
    {
        string? cached = NuGetCacheCopy();
        if (cached is null) return; // restored from another feed layout: nothing to compare against
        Assert.False(ElfVersionPatcher.IsWeak(cached, Version));
    }

    [Fact]
    public void NonElfInputIsRefusedWithItsName()
    {
        string temp = Path.Combine(Path.GetTempPath(), $"nasprune-notelf-{Guid.NewGuid():N}.so");
        File.WriteAllText(temp, "definitely not an ELF file, but long enough to have a header of sixty-four bytes.");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkWeak(temp, Version));
            Assert.Contains(temp, e.Message);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static string? NuGetCacheCopy()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }
}
