using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasPrune.LatencyTables.Devices;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;

namespace NasPrune.LatencyTables.Tables;

/// <summary>
/// What a latency table was built for (its search space and device profile) and its calibration on
/// measured whole networks (<see cref="LutCalibration"/>: a scale of the operator sum and a constant per
/// input resolution); stored beside the CSV as <c>{table}.meta.json</c>.
/// </summary>
public sealed record LutMetadata(OfaSearchSpace Space, DeviceProfile Profile, LutCalibration Calibration, int FitNetworks, int ImageSize,
    TableSpeed? Speed = null)
{
    private const string Format = "nasprune-lut/3";
    /// <summary>Tables of the second format have a constant per resolution and no scale (1); they still read.</summary>
    private const string FormatUnscaled = "nasprune-lut/2";
    /// <summary>Tables of the first format have one constant for every resolution and no scale; they still read.</summary>
    private const string FormatOneConstant = "nasprune-lut/1";

    public static string PathFor(string table) => table + ".meta.json";

    public void Write(string table)
    {
        var constants = new JsonObject();
        foreach (var (resolution, ms) in Calibration.ConstantsMs.OrderBy(kv => kv.Key)) constants[resolution.ToString(CultureInfo.InvariantCulture)] = ms;
        var json = new JsonObject
        {
            ["format"] = Format,
            ["space"] = JsonNode.Parse(Space.ToJson()),
            ["profile"] = JsonSerializer.SerializeToNode(Profile, OfaSearchSpace.JsonOptions),
            ["profileHash"] = Profile.Hash(),
            ["operatorScale"] = Calibration.OperatorScale,
            ["constantsMs"] = constants,
            ["fitNetworks"] = FitNetworks,
            ["imageSize"] = ImageSize,
        };
        if (Speed is not null)
        {
            json["speedReference"] = Speed.Reference;
            json["speedReferenceMs"] = Speed.UnitMs;
        }
        AtomicFile.WriteAllText(PathFor(table), json.ToJsonString(OfaSearchSpace.JsonOptions));
    }

    /// <summary>The metadata of <paramref name="table"/>, or null if it has not been written (table not finished).</summary>
    public static LutMetadata? Read(string table)
    {
        string path = PathFor(table);
        if (!File.Exists(path)) return null;
        JsonObject json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path}: empty");
        string? format = json["format"]?.GetValue<string>();
        if (format != Format && format != FormatUnscaled && format != FormatOneConstant)
            throw new InvalidDataException($"{path}: not a latency-table metadata file ('{Format}', '{FormatUnscaled}' or '{FormatOneConstant}')");
        OfaSearchSpace space = OfaSearchSpace.FromJson(json["space"]!.ToJsonString(), $"{path} (space)");
        DeviceProfile profile = json["profile"].Deserialize<DeviceProfile>(OfaSearchSpace.JsonOptions) ?? throw new InvalidDataException($"{path}: no profile");
        IReadOnlyDictionary<int, double> constants = format == FormatOneConstant
            ? space.Resolutions.ToDictionary(r => r, _ => json["constantMs"]!.GetValue<double>())
            : json["constantsMs"]!.AsObject().ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value!.GetValue<double>());
        double scale = format == Format ? json["operatorScale"]!.GetValue<double>() : 1.0;
        TableSpeed? speed = json["speedReference"] is { } reference ? new TableSpeed(reference.GetValue<string>(), json["speedReferenceMs"]!.GetValue<double>()) : null;
        return new LutMetadata(space, profile, new LutCalibration(scale, constants), json["fitNetworks"]!.GetValue<int>(), json["imageSize"]!.GetValue<int>(), speed);
    }
}

/// <summary>
/// The speed a table's latencies are expressed at: its speed reference network (a sub-network, as text) took
/// <see cref="UnitMs"/> when the build started (see <see cref="Measurement.SpeedReference"/>). Tables built before
/// speed references have none and are checked as timed.
/// </summary>
public sealed record TableSpeed(string Reference, double UnitMs)
{
    /// <summary>
    /// The reference of a space: its middle sub-network. A reference of typical size slows down like the
    /// networks it scales; with the smallest network as reference, the mean error of checks drifted between
    /// -4.5 and +5.8 % from one table and moment to another.
    /// </summary>
    public static SubnetConfig ReferenceOf(OfaSearchSpace space) => SubnetConfig.Middle(space);

    /// <summary>A warmed-up reference at this unit, ready for a <see cref="Measurement.LatencyMeter"/>.</summary>
    public Measurement.SpeedReference Start(OfaSearchSpace space, DeviceProfile profile, int imageSize) =>
        Start(SubnetConfig.Parse(space, Reference), profile, imageSize, UnitMs);

    /// <summary>A warmed-up reference network timed as the profile says: at <paramref name="unitMs"/>, or fixing its unit now when null.</summary>
    public static Measurement.SpeedReference Start(SubnetConfig reference, DeviceProfile profile, int imageSize, double? unitMs) =>
        Measurement.SpeedReference.Start(new Operators.NetworkBench(reference, profile.BatchSize, imageSize, new TorchSharp.torch.Device(profile.Device)),
            reference.ToString(), profile.Warmup, unitMs);
}
