using NasPrune.Tests.TestSupport;
using NasPrune.Training.Data;

namespace NasPrune.Tests.Training.Data;

public sealed class Cifar10ReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void ReadsRecordsInChannelMajorOrder()
    {
        string root = WriteBatches(recordsPerFile: 3);
        DataSplits splits = Cifar10Reader.Load(root, validationSize: 5);
        Assert.Equal((10, 5, 3), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal((3, 32, 32), (splits.Train.Channels, splits.Train.Height, splits.Train.Width));
        // Record r of file f has label (f + r) % 10 and pixel p = (f * 7 + r + p / 1024) % 256 (constant per channel plane).
        Assert.Equal(1, splits.Train.Label(1));
        ReadOnlySpan<byte> image = splits.Train.Image(1);
        Assert.Equal((byte)1, image[0]);
        Assert.Equal((byte)2, image[1024]);
        Assert.Equal((byte)3, image[2048]);
    }

    [Fact]
    public void WrongLengthIsRefusedNamingTheFile()
    {
        string root = WriteBatches(2);
        string bad = Path.Combine(root, "data_batch_3.bin");
        File.WriteAllBytes(bad, new byte[3073 + 10]);
        IdxReaderTests.AssertOneLine(Assert.Throws<DatasetException>(() => Cifar10Reader.Load(root, 2)), bad, "3073");
    }

    private string WriteBatches(int recordsPerFile)
    {
        string root = _temp.File("cifar");
        Directory.CreateDirectory(root);
        string[] names = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];
        for (int f = 0; f < names.Length; f++)
        {
            var bytes = new byte[recordsPerFile * 3073];
            for (int r = 0; r < recordsPerFile; r++)
            {
                bytes[r * 3073] = (byte)((f + r) % 10);
                for (int p = 0; p < 3072; p++) bytes[r * 3073 + 1 + p] = (byte)((f * 7 + r + p / 1024) % 256);
            }
            File.WriteAllBytes(Path.Combine(root, names[f]), bytes);
        }
        return root;
    }

    public void Dispose() => _temp.Dispose();
}
