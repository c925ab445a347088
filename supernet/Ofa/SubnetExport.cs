using System.Text.Json.Nodes;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// The exported sub-network directory: <c>arch.json</c> (search space, sub-network config, input
/// shape, classes, MACs, params, the weights' SHA-256, and whatever provenance and input metadata the
/// caller adds) and <c>weights.npta</c> (the static model's state, a <see cref="TensorArchive"/>).
/// It loads without the supernet; a damaged or mismatched weights file is refused naming the file.
/// </summary>
public static class SubnetExport
{
    public const string ArchFile = "arch.json";
    public const string WeightsFile = "weights.npta";

    /// <summary>A fixed probe input and the logits the exporting process computed for it.</summary>
    public const string CheckFile = "check.npta";
    private const string Format = "nasprune-ofa-subnet/1";

    public static void Write(string directory, StaticOfaNet net, JsonObject? input = null, JsonObject? provenance = null)
    {
        Directory.CreateDirectory(directory);
        string hash = TensorArchive.Write(Path.Combine(directory, WeightsFile), ModuleState.Named(net));
        SubnetConfig config = net.Config;
        var (macs, parameters) = SubnetCost.Of(config);
        var arch = new JsonObject
        {
            ["format"] = Format,
            ["space"] = JsonNode.Parse(config.Space.ToJson()),
            ["config"] = config.ToJson(),
            ["input"] = input?.DeepClone() ?? new JsonObject(),
            ["classes"] = config.Space.Classes,
            ["macs"] = macs,
            ["params"] = parameters,
            ["weightsSha256"] = hash,
            ["provenance"] = provenance?.DeepClone() ?? new JsonObject(),
        };
        arch["input"]!["channels"] = config.Space.InputChannels;
        arch["input"]!["resolution"] = config.Resolution;
        AtomicFile.WriteAllText(Path.Combine(directory, ArchFile), arch.ToJsonString(OfaSearchSpace.JsonOptions));
        WriteCheck(directory, net);
    }

    /// <summary>
    /// True when the model, run on the probe input stored at export, gives bit-identical logits to the
    /// exporting process. False means a different build, library or device computes differently.
    /// </summary>
    public static bool ReproducesExport(string directory, StaticOfaNet net)
    {
        using LoadedArchive check = TensorArchive.Read(Path.Combine(directory, CheckFile));
        using var scope = torch.NewDisposeScope();
        Tensor logits = Logits(net, check["input"]);
        return logits.dtype == check["logits"].dtype && logits.eq(check["logits"]).all().item<bool>();
    }

    private static void WriteCheck(string directory, StaticOfaNet net)
    {
        using var scope = torch.NewDisposeScope();
        SubnetConfig config = net.Config;
        var generator = new torch.Generator(0);
        Tensor input = torch.randn([4, config.Space.InputChannels, config.Resolution, config.Resolution], generator: generator);
        TensorArchive.Write(Path.Combine(directory, CheckFile),
            [KeyValuePair.Create("input", input), KeyValuePair.Create("logits", Logits(net, input))]);
    }

    private static Tensor Logits(StaticOfaNet net, Tensor input)
    {
        bool wasTraining = net.training;
        net.eval();
        using var noGrad = torch.no_grad();
        Tensor logits = net.call(input.to(net.parameters().First().device)).cpu();
        net.train(wasTraining);
        return logits;
    }

    /// <summary>Reads arch.json and rebuilds the static model with its weights (CPU, eval mode).</summary>
    public static (StaticOfaNet Net, JsonObject Arch) Read(string directory)
    {
        string archPath = Path.Combine(directory, ArchFile);
        if (!File.Exists(archPath)) throw new FileNotFoundException($"--model: '{directory}' has no {ArchFile}");
        JsonObject arch = JsonNode.Parse(File.ReadAllText(archPath)) as JsonObject
            ?? throw new InvalidDataException($"{archPath}: not a JSON object");
        string format = arch["format"]?.GetValue<string>() ?? "";
        if (format != Format) throw new InvalidDataException($"{archPath}: format '{format}' is not '{Format}'");
        OfaSearchSpace space = OfaSearchSpace.FromJson(arch["space"]!.ToJsonString(), $"{archPath} (space)");
        SubnetConfig config;
        try
        {
            config = SubnetConfig.FromJson(space, arch["config"]!);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{archPath}: {e.Message}");
        }

        string weightsPath = Path.Combine(directory, WeightsFile);
        string expected = arch["weightsSha256"]?.GetValue<string>() ?? "";
        if (File.Exists(weightsPath) && AtomicFile.Sha256Hex(weightsPath) != expected)
            throw new InvalidDataException($"{weightsPath}: SHA-256 differs from the one in {ArchFile}; the weights do not belong to this architecture");
        var net = new StaticOfaNet(config);
        using LoadedArchive weights = TensorArchive.Read(weightsPath);
        ModuleState.Load(net, weights.Tensors, "", weightsPath);
        net.eval();
        return (net, arch);
    }
}
