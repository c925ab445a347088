using System.Text.Json;
using System.Text.Json.Nodes;
using NasPrune.LatencyTables.Devices;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;

namespace NasPrune.LatencyTables.Tables;

/// <summary>
/// What a latency table was built for (its search space and device profile) and the per-network
/// constant fitted on measured whole networks; stored beside the CSV as <c>{table}.meta.json</c>.
/// </summary>
public sealed record LutMetadata(OfaSearchSpace Space, DeviceProfile Profile, double ConstantMs, int FitNetworks, int ImageSize)
{
    private const string Format = "nasprune-lut/1";

    public static string PathFor(string table) => table + ".meta.json";

    public void Write(string table)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["space"] = JsonNode.Parse(Space.ToJson()),
            ["profile"] = JsonSerializer.SerializeToNode(Profile, OfaSearchSpace.JsonOptions),
            ["profileHash"] = Profile.Hash(),
            ["constantMs"] = ConstantMs,
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
        if (json["format"]?.GetValue<string>() != Format) throw new InvalidDataException($"{path}: not a latency-table metadata file ('{Format}')");
        OfaSearchSpace space = OfaSearchSpace.FromJson(json["space"]!.ToJsonString(), $"{path} (space)");
        DeviceProfile profile = json["profile"].Deserialize<DeviceProfile>(OfaSearchSpace.JsonOptions) ?? throw new InvalidDataException($"{path}: no profile");
        return new LutMetadata(space, profile, json["constantMs"]!.GetValue<double>(), json["fitNetworks"]!.GetValue<int>(), json["imageSize"]!.GetValue<int>());
    }
}
