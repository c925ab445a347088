using System.Text.Json.Nodes;
using NasPrune.Supernet.Serialization;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// A supernet's weights with its search space in one <see cref="TensorArchive"/>
/// (metadata: format, space, and whatever the writer adds, e.g. the training phase).
/// </summary>
public static class SupernetFile
{
    /// <summary>The format tag in a supernet file's metadata.</summary>
    public const string Format = "nasprune-ofa-supernet/1";

    public static string Write(string path, OfaSupernet supernet, JsonObject? extra = null)
    {
        var metadata = extra?.DeepClone().AsObject() ?? new JsonObject();
        metadata["format"] = Format;
        metadata["space"] = JsonNode.Parse(supernet.Space.ToJson());
        return TensorArchive.Write(path, ModuleState.Named(supernet), metadata);
    }

    /// <summary>Reads and verifies the file and rebuilds the supernet (CPU). Errors name the file.</summary>
    public static (OfaSupernet Supernet, JsonObject Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--supernet: '{path}' does not exist");
        using LoadedArchive archive = TensorArchive.Read(path);
        string format = archive.Metadata["format"]?.GetValue<string>() ?? "";
        if (format != Format) throw new InvalidDataException($"{path}: format '{format}' is not an OFA supernet ('{Format}')");
        OfaSearchSpace space = OfaSearchSpace.FromJson(archive.Metadata["space"]!.ToJsonString(), $"{path} (space)");
        var supernet = new OfaSupernet(space);
        ModuleState.Load(supernet, archive.Tensors, "", path);
        return (supernet, archive.Metadata);
    }
}
