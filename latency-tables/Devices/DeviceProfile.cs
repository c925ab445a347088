using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NasPrune.LatencyTables.Devices;

/// <summary>
/// How latency is measured on one device (design note latency.md): runtime, threads, batch size,
/// warm-up and timed repeats per measurement, data type. One JSON file per device
/// (<c>experiments/devices/*.json</c>), validated like every config: unknown fields are errors.
/// </summary>
public sealed record DeviceProfile
{
    [Required]
    public string Name { get; init; } = "";

    /// <summary>torchsharp-cpu now; torchsharp-cuda and onnxruntime-cpu are later values.</summary>
    [AllowedValues("torchsharp-cpu", "torchsharp-cuda")]
    public string Runtime { get; init; } = "torchsharp-cpu";

    [Range(1, 1024)]
    public int Threads { get; init; } = 2;

    [Range(1, 4096)]
    public int BatchSize { get; init; } = 1;

    [Range(0, 100_000)]
    public int Warmup { get; init; } = 10;

    [Range(1, 100_000)]
    public int Repeats { get; init; } = 50;

    /// <summary>Passes over a group of items the repeats are spread over (see LatencyMeter).</summary>
    [Range(1, 1000)]
    public int Rounds { get; init; } = 1;

    [AllowedValues("float32")]
    public string Dtype { get; init; } = "float32";

    /// <summary>Free text: what machine this is.</summary>
    public string Notes { get; init; } = "";

    /// <summary>The torch device string of the runtime.</summary>
    [JsonIgnore]
    public string Device => Runtime == "torchsharp-cuda" ? "cuda" : "cpu";

    /// <summary>SHA-256 (hex, first 16 characters) of everything that changes a measurement (not the notes).</summary>
    public string Hash()
    {
        string canonical = JsonSerializer.Serialize(new { Runtime, Threads, BatchSize, Warmup, Repeats, Rounds, Dtype });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }
}
