using System.Buffers.Binary;
using System.IO.Compression;

namespace NasPrune.Tests.TestSupport;

/// <summary>
/// Writes a tiny Fashion-MNIST-shaped data set (gzip IDX files, 28x28, 10 classes) whose class is
/// learnable: class c brightens row band c. Tests never read the real data files.
/// </summary>
public static class SyntheticFashionMnist
{
    public static void Write(string folder, int trainCount, int testCount, int seed = 0)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        WriteSplit(folder, "train", trainCount, random);
        WriteSplit(folder, "t10k", testCount, random);
    }

    private static void WriteSplit(string folder, string prefix, int count, Random random)
    {
        var pixels = new byte[count * 784];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[i] = (byte)label;
            for (int p = 0; p < 784; p++)
            {
                int row = p / 28;
                int signal = row / 3 == label ? 200 : 30;
                pixels[i * 784 + p] = (byte)Math.Clamp(signal + random.Next(-30, 30), 0, 255);
            }
        }
        WriteIdx(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), 0x803, [count, 28, 28], pixels);
        WriteIdx(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), 0x801, [count], labels);
    }

    public static void WriteIdx(string path, int magic, int[] dims, byte[] payload)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        gzip.Write(word);
        foreach (int d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            gzip.Write(word);
        }
        gzip.Write(payload);
    }
}
