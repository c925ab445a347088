using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasPrune.LatencyTables.Devices;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;

namespace NasPrune.LatencyTables.Tables;

/// <summary>
/// What a latency table was built for (its search space and device profile) and the per-network
/// constants fitted on measured whole networks, one per input resolution (the input resize, absent at
/// the data's own size, is most of what differs); stored beside the CSV as <c>{table}.meta.json</c>.
/// </summary>
public sealed record LutMetadata(OfaSearchSpace Space, DeviceProfile Profile, IReadOnlyDictionary<int, double> ConstantsMs, int FitNetworks, int ImageSize)
{
    private const string Format = "nasprune-lut/2";
    /// <summary>Tables of the first format have one constant for every resolution; they still read.</summary>
    private const string FormatOneConstant = "nasprune-lut/1";

    /// <summary>The constant of one input resolution.</summary>
    public double ConstantMs(int resolution) =>
        ConstantsMs.TryGetValue(resolution, out double ms) ? ms
            : throw new KeyNotFoundException($"latency table has no constant for resolution {resolution} (built for another space?)");

    public static string PathFor(string table) => table + ".meta.json";

    public void Write(string table)
    {
        var constants = new JsonObject();
        foreach (var (resolution, ms) in ConstantsMs.OrderBy(kv => kv.Key)) constants[resolution.ToString(CultureInfo.InvariantCulture)] = ms;
        var json = new JsonObject
        {
            ["format"] = Format,
            ["space"] = JsonNode.Parse(Space.ToJson()),
            ["profile"] = JsonSerializer.SerializeToNode(Profile, OfaSearchSpace.JsonOptions),
            ["profileHash"] = Profile.Hash(),
            ["constantsMs"] = constants,
            ["fitNetworks"] = FitNetworks,
            ["imageSize"] = ImageSize,
        };
        AtomicFile.WriteAllText(PathFor(table), json.ToJsonString(OfaSearchSpace.JsonOptions));
    }

    /// <summary>The metadata of <paramref name="table"/>, or null if it has not been written (table not finished).</summary>
    public static LutMetadata? Read(string table)
    {
        string path = PathFor(table);
        if (!File.Exists(path)) return null;
        JsonObject json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path}: empty");
        string? format = json["format"]?.GetValue<string>();
        if (format != Format && format != FormatOneConstant)
            throw new InvalidDataException($"{path}: not a latency-table metadata file ('{Format}' or '{FormatOneConstant}')");
        OfaSearchSpace space = OfaSearchSpace.FromJson(json["space"]!.ToJsonString(), $"{path} (space)");
        DeviceProfile profile = json["profile"].Deserialize<DeviceProfile>(OfaSearchSpace.JsonOptions) ?? throw new InvalidDataException($"{path}: no profile");
        IReadOnlyDictionary<int, double> constants = format == FormatOneConstant
            ? space.Resolutions.ToDictionary(r => r, _ => json["constantMs"]!.GetValue<double>())
            : json["constantsMs"]!.AsObject().ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value!.GetValue<double>());
        return new LutMetadata(space, profile, constants, json["fitNetworks"]!.GetValue<int>(), json["imageSize"]!.GetValue<int>());
    }
}
