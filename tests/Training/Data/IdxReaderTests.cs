using NasPrune.Tests.TestSupport;
using NasPrune.Training.Data;

namespace NasPrune.Tests.Training.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ImagesAndLabelsRoundTripGzipOrPlain(bool gzip)
    {
        byte[] pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)i).ToArray();
        string images = Write("img", 0x803, [3, 4, 5], pixels, gzip);
        string labels = Write("lbl", 0x801, [3], [7, 0, 9], gzip);

        var (read, count, rows, cols) = IdxReader.ReadImages(images);
        Assert.Equal((3, 4, 5), (count, rows, cols));
        Assert.Equal(pixels, read);
        Assert.Equal([7, 0, 9], IdxReader.ReadLabels(labels));
        Assert.Equal(3, IdxReader.PeekCount(images));
    }

    [Fact]
    public void BadMagicNamesTheFileAndBothMagics()
    {
        string path = Write("labels-as-images", 0x801, [2], [1, 2], gzip: true);
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));
        AssertOneLine(e, path, "0x00000801", "0x00000803");
    }

    [Fact]
    public void TruncatedPayloadIsRefused()
    {
        string path = Write("short", 0x803, [2, 4, 4], new byte[20], gzip: false);
        AssertOneLine(Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path)), path, "truncated", "32");
    }

    [Fact]
    public void TruncatedGzipIsRefused()
    {
        string path = Write("cut", 0x803, [50, 28, 28], new byte[50 * 784], gzip: true);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        AssertOneLine(Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path)), path);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = _temp.File("nothing-here.gz");
        AssertOneLine(Assert.Throws<DatasetException>(() => IdxReader.ReadLabels(path)), path, "not found");
    }

    private string Write(string name, int magic, int[] dims, byte[] payload, bool gzip)
    {
        string path = _temp.File(name + (gzip ? ".gz" : ""));
        if (gzip)
        {
            SyntheticFashionMnist.WriteIdx(path, magic, dims, payload);
            return path;
        }
        using var file = File.Create(path);
        Span<byte> word = stackalloc byte[4];
        foreach (int value in new[] { magic }.Concat(dims))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, value);
            file.Write(word);
        }
        file.Write(payload);
        return path;
    }

    internal static void AssertOneLine(Exception e, params string[] parts)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (string part in parts) Assert.Contains(part, e.Message);
    }

    public void Dispose() => _temp.Dispose();
}
