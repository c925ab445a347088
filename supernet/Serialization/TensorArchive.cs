using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Serialization;

/// <summary>
/// NasPrune's tensor file: named tensors plus a JSON metadata object, stored bit-exactly.
/// Layout: magic "NPTA", u32 format version, u32 header length, UTF-8 JSON header
/// (<c>{"metadata": {...}, "tensors": [{"name", "dtype", "shape", "offset", "bytes"}]}</c>), then the raw
/// little-endian tensor bytes. Files are written atomically with a SHA-256 sidecar (<see cref="AtomicFile"/>)
/// and verified on every read, so a damaged file is refused with its name, never half-loaded.
/// </summary>
public static class TensorArchive
{
    private static readonly byte[] Magic = "NPTA"u8.ToArray();
    private const uint FormatVersion = 1;

    /// <summary>Writes the tensors (any device; copied to CPU) and metadata; returns the file's SHA-256.</summary>
    public static string Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, JsonObject? metadata = null)
    {
        var entries = new List<(string Name, ScalarType Type, long[] Shape, byte[] Bytes)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (!seen.Add(name)) throw new ArgumentException($"tensor name '{name}' appears twice");
            entries.Add((name, tensor.dtype, tensor.shape, ToBytes(tensor)));
        }

        var list = new JsonArray();
        long offset = 0;
        foreach (var e in entries)
        {
            list.Add(new JsonObject
            {
                ["name"] = e.Name,
                ["dtype"] = e.Type.ToString(),
                ["shape"] = new JsonArray(e.Shape.Select(d => (JsonNode)d).ToArray()),
                ["offset"] = offset,
                ["bytes"] = e.Bytes.Length,
            });
            offset += e.Bytes.Length;
        }
        var header = new JsonObject { ["metadata"] = metadata?.DeepClone() ?? new JsonObject(), ["tensors"] = list };
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());

        return AtomicFile.WriteWithChecksum(path, stream =>
        {
            Span<byte> word = stackalloc byte[4];
            stream.Write(Magic);
            BinaryPrimitives.WriteUInt32LittleEndian(word, FormatVersion);
            stream.Write(word);
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)headerBytes.Length);
            stream.Write(word);
            stream.Write(headerBytes);
            foreach (var e in entries) stream.Write(e.Bytes);
        });
    }

    /// <summary>
    /// Reads and verifies a file. Tensors are created on the CPU, outside any dispose scope; the caller
    /// owns them (dispose the result). Throws <see cref="InvalidDataException"/> naming the file on damage.
    /// </summary>
    public static LoadedArchive Read(string path)
    {
        string? problem = AtomicFile.VerifyChecksum(path);
        if (problem is not null) throw new InvalidDataException($"{path}: {problem}");

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a NasPrune tensor file (bad magic)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        if (version != FormatVersion)
            throw new InvalidDataException($"{path}: tensor file format {version} is not supported (expected {FormatVersion})");
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (12L + headerLength > bytes.Length) throw new InvalidDataException($"{path}: truncated header");

        JsonObject header = JsonNode.Parse(bytes.AsSpan(12, headerLength))?.AsObject()
            ?? throw new InvalidDataException($"{path}: empty header");
        long payload = 12L + headerLength;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (NewDisposeScope())
        {
            foreach (JsonNode? node in header["tensors"]!.AsArray())
            {
                string name = node!["name"]!.GetValue<string>();
                var type = Enum.Parse<ScalarType>(node["dtype"]!.GetValue<string>());
                long[] shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                long offset = node["offset"]!.GetValue<long>();
                int length = node["bytes"]!.GetValue<int>();
                if (payload + offset + length > bytes.Length) throw new InvalidDataException($"{path}: tensor '{name}' is truncated");
                tensors[name] = FromBytes(bytes.AsSpan((int)(payload + offset), length), type, shape, name, path).MoveToOuterDisposeScope();
            }
        }
        return new LoadedArchive(header["metadata"]?.AsObject() ?? new JsonObject(), tensors);
    }

    private static byte[] ToBytes(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        Tensor cpu = tensor.detach().cpu().contiguous();
        return cpu.dtype switch
        {
            ScalarType.Float32 => MemoryMarshal.AsBytes<float>(cpu.data<float>().ToArray()).ToArray(),
            ScalarType.Float64 => MemoryMarshal.AsBytes<double>(cpu.data<double>().ToArray()).ToArray(),
            ScalarType.Int64 => MemoryMarshal.AsBytes<long>(cpu.data<long>().ToArray()).ToArray(),
            ScalarType.Int32 => MemoryMarshal.AsBytes<int>(cpu.data<int>().ToArray()).ToArray(),
            ScalarType.Byte => cpu.data<byte>().ToArray(),
            ScalarType.Bool => cpu.data<bool>().ToArray().Select(b => b ? (byte)1 : (byte)0).ToArray(),
            _ => throw new NotSupportedException($"tensor dtype {cpu.dtype} is not supported by the tensor file format"),
        };
    }

    private static Tensor FromBytes(ReadOnlySpan<byte> data, ScalarType type, long[] shape, string name, string path)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int elementSize = type switch
        {
            ScalarType.Float32 or ScalarType.Int32 => 4,
            ScalarType.Float64 or ScalarType.Int64 => 8,
            ScalarType.Byte or ScalarType.Bool => 1,
            _ => throw new InvalidDataException($"{path}: tensor '{name}' has unsupported dtype {type}"),
        };
        if (count * elementSize != data.Length)
            throw new InvalidDataException($"{path}: tensor '{name}' has {data.Length} bytes, shape needs {count * elementSize}");
        return type switch
        {
            ScalarType.Float32 => tensor(MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
            ScalarType.Float64 => tensor(MemoryMarshal.Cast<byte, double>(data).ToArray(), shape),
            ScalarType.Int64 => tensor(MemoryMarshal.Cast<byte, long>(data).ToArray(), shape),
            ScalarType.Int32 => tensor(MemoryMarshal.Cast<byte, int>(data).ToArray(), shape),
            ScalarType.Byte => tensor(data.ToArray(), shape),
            _ => tensor(data.ToArray().Select(b => b != 0).ToArray(), shape),
        };
    }
}

/// <summary>The content of a tensor file. Disposing it disposes the tensors.</summary>
public sealed class LoadedArchive(JsonObject metadata, Dictionary<string, Tensor> tensors) : IDisposable
{
    public JsonObject Metadata { get; } = metadata;
    public IReadOnlyDictionary<string, Tensor> Tensors { get; } = tensors;

    public Tensor this[string name] => Tensors.TryGetValue(name, out Tensor? t)
        ? t
        : throw new InvalidDataException($"tensor '{name}' is missing from the file");

    public void Dispose()
    {
        foreach (Tensor t in Tensors.Values) t.Dispose();
    }
}
