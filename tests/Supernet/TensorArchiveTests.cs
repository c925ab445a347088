using System.Text.Json.Nodes;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet;

public sealed class TensorArchiveTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void RoundTripIsBitExactForEveryDtype()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 4, 5),
            ["f64"] = randn(7, dtype: float64),
            ["i64"] = randint(-1000, 1000, [2, 3], dtype: int64),
            ["i32"] = randint(-10, 10, [4], dtype: int32),
            ["u8"] = randint(0, 255, [9], dtype: ScalarType.Byte),
            ["scalar"] = tensor(3.25f),
        };
        string path = _temp.File("a.npta");
        TensorArchive.Write(path, tensors, new JsonObject { ["step"] = 12 });

        using LoadedArchive loaded = TensorArchive.Read(path);
        Assert.Equal(12, loaded.Metadata["step"]!.GetValue<int>());
        foreach (var (name, original) in tensors)
        {
            Tensor back = loaded[name];
            Assert.Equal(original.dtype, back.dtype);
            Assert.Equal(original.shape, back.shape);
            TensorAssert.BitEqual(original, back, name);
        }
    }

    [Fact]
    public void FlippedByteIsDetectedAndNamed()
    {
        string path = _temp.File("b.npta");
        using (var scope = NewDisposeScope()) TensorArchive.Write(path, [KeyValuePair.Create("w", ones(100))]);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => TensorArchive.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void TruncatedFileOrMissingChecksumIsRefused()
    {
        string path = _temp.File("c.npta");
        using (var scope = NewDisposeScope()) TensorArchive.Write(path, [KeyValuePair.Create("w", ones(100))]);
        File.Delete(path + AtomicFile.ChecksumSuffix);
        Assert.Contains("checksum file", Assert.Throws<InvalidDataException>(() => TensorArchive.Read(path)).Message);
    }

    [Fact]
    public void ModuleStateRefusesAMismatchedShape()
    {
        using var scope = NewDisposeScope();
        using var small = nn.Linear(3, 2);
        using var large = nn.Linear(4, 2);
        string path = _temp.File("d.npta");
        TensorArchive.Write(path, ModuleState.Named(small));
        using LoadedArchive loaded = TensorArchive.Read(path);
        var e = Assert.Throws<InvalidDataException>(() => ModuleState.Load(large, loaded.Tensors, "", path));
        Assert.Contains("weight", e.Message);
    }

    [Fact]
    public void ModuleStateNamesEachTensorOnceAndStillLoadsFilesWithAliases()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var source = new StaticOfaNet(SubnetConfig.Largest(TinySpace.Space));
        // TorchSharp's state dict lists submodules under their registered and their field names.
        var all = source.state_dict();
        var named = ModuleState.Named(source).ToList();
        Assert.True(all.Count > named.Count);
        Assert.Equal(source.parameters().Count() + source.buffers().Count(), named.Count);
        Assert.Equal(named.Count, named.Select(kv => kv.Value).Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Contains(named, kv => kv.Key == "head.feature_mix_conv.weight");
        Assert.DoesNotContain(named, kv => kv.Key.Contains("._", StringComparison.Ordinal) || kv.Key.StartsWith('_'));

        // A file of the named tensors and one of the whole state dict (as written before) load to the same model.
        string lean = _temp.File("lean.npta"), aliased = _temp.File("aliased.npta");
        TensorArchive.Write(lean, named);
        TensorArchive.Write(aliased, all);
        Assert.True(new FileInfo(aliased).Length > 2 * new FileInfo(lean).Length);
        foreach (string path in new[] { lean, aliased })
        {
            using var target = new StaticOfaNet(SubnetConfig.Largest(TinySpace.Space));
            using LoadedArchive loaded = TensorArchive.Read(path);
            ModuleState.Load(target, loaded.Tensors, "", path);
            foreach (var (name, tensor) in target.state_dict()) TensorAssert.Close(all[name], tensor, 0, name); // aliases too
        }
    }

    [Fact]
    public void AtomicWriteLeavesNoTemporaryFileWhenTheWriterThrows()
    {
        string path = _temp.File("e.bin");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("boom")));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    public void Dispose() => _temp.Dispose();
}
