using System.Buffers.Binary;
using System.IO.Compression;

namespace NasPrune.Training.Data;

/// <summary>
/// Reads IDX files (the MNIST family's format), gzip-compressed or plain: detected by the gzip magic
/// bytes, not the file name. Every failure is a <see cref="DatasetException"/> naming the file.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(string path)
    {
        byte[] data = ReadAll(path);
        int[] dims = Header(data, path, ImagesMagic, "images", 3);
        byte[] pixels = Payload(data, path, 16, (long)dims[0] * dims[1] * dims[2]);
        return (pixels, dims[0], dims[1], dims[2]);
    }

    public static int[] ReadLabels(string path)
    {
        byte[] data = ReadAll(path);
        int[] dims = Header(data, path, LabelsMagic, "labels", 1);
        return Array.ConvertAll(Payload(data, path, 8, dims[0]), b => (int)b);
    }

    /// <summary>The item count from the header only (cheap; for <c>nasprune info</c>).</summary>
    public static int PeekCount(string path)
    {
        using Stream stream = Open(path);
        Span<byte> header = stackalloc byte[8];
        try
        {
            stream.ReadExactly(header);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new DatasetException($"{path}: truncated IDX header");
        }
        return BinaryPrimitives.ReadInt32BigEndian(header[4..]);
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        try
        {
            using Stream stream = Open(path);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DatasetException($"{path}: damaged gzip stream ({e.Message.TrimEnd('.')})");
        }
    }

    private static Stream Open(string path)
    {
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static int[] Header(byte[] data, string path, int magic, string kind, int dimensions)
    {
        int headerLength = 4 + 4 * dimensions;
        if (data.Length < 4) throw new DatasetException($"{path}: truncated IDX header ({data.Length} bytes)");
        int found = BinaryPrimitives.ReadInt32BigEndian(data);
        if (found != magic) throw new DatasetException($"{path}: bad IDX magic 0x{found:x8}, expected 0x{magic:x8} ({kind})");
        if (data.Length < headerLength) throw new DatasetException($"{path}: truncated IDX header ({data.Length} bytes, expected at least {headerLength})");
        var dims = new int[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * d));
            if (dims[d] < 0) throw new DatasetException($"{path}: negative dimension {dims[d]} in the IDX header");
        }
        return dims;
    }

    private static byte[] Payload(byte[] data, string path, int offset, long expected)
    {
        long available = data.Length - offset;
        if (available != expected)
            throw new DatasetException($"{path}: {(available < expected ? "truncated" : "too long")}: {available} payload bytes, header says {expected}");
        return data.AsSpan(offset).ToArray();
    }
}
