using System.Text.Json.Nodes;
using NasPrune.Supernet.Serialization;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts;

/// <summary>
/// A trained DARTS cell network as one tensor file: the weights (masks baked in, so the zeros are stored)
/// and, in the metadata, everything needed to rebuild it (shape and genotype).
/// </summary>
public static class DartsModelFile
{
    public const string Arch = "darts-cells";

    public static JsonObject Metadata(DartsNetwork net) => new()
    {
        ["arch"] = Arch,
        ["genotype"] = net.Genotype.ToString(),
        ["network"] = new JsonObject
        {
            ["inChannels"] = net.Spec.InChannels,
            ["classes"] = net.Spec.Classes,
            ["channels"] = net.Spec.Channels,
            ["cells"] = net.Spec.Cells,
            ["stemMultiplier"] = net.Spec.StemMultiplier,
        },
    };

    public static string Write(string path, DartsNetwork net, JsonObject? extra = null)
    {
        JsonObject metadata = Metadata(net);
        foreach (var (key, value) in extra ?? []) metadata[key] = value?.DeepClone();
        return TensorArchive.Write(path, ModuleState.Named(net), metadata);
    }

    /// <summary>Rebuilds the network of a file <see cref="Write"/> made; a file of another kind is refused with one line.</summary>
    public static DartsNetwork Read(string path)
    {
        using LoadedArchive archive = TensorArchive.Read(path);
        DartsNetwork net = Build(archive.Metadata, path);
        ModuleState.Load(net, archive.Tensors, "", path);
        return net;
    }

    /// <summary>Whether a file's metadata describes a DARTS cell network.</summary>
    public static bool Describes(JsonObject metadata) => metadata["arch"]?.GetValue<string>() == Arch;

    /// <summary>The freshly initialised network a file's metadata describes (its weights still to be loaded).</summary>
    public static DartsNetwork Build(JsonObject meta, string path)
    {
        if (!Describes(meta) || meta["network"] is not JsonObject network || meta["genotype"] is null)
            throw new InvalidDataException($"{path}: not a DARTS cell network file (metadata 'arch' must be '{Arch}' with 'network' and 'genotype')");
        var spec = new DartsNetworkSpec
        {
            InChannels = network["inChannels"]!.GetValue<int>(),
            Classes = network["classes"]!.GetValue<int>(),
            Channels = network["channels"]!.GetValue<int>(),
            Cells = network["cells"]!.GetValue<int>(),
            StemMultiplier = network["stemMultiplier"]!.GetValue<int>(),
        };
        return new DartsNetwork(spec, DartsGenotype.Parse(meta["genotype"]!.GetValue<string>(), $"{path}: genotype"));
    }
}
