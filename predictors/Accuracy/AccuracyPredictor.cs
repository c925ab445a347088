using System.Text.Json.Nodes;
using NasPrune.Predictors.Encoding;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Predictors.Accuracy;

/// <summary>
/// Predicts a sub-network's accuracy (percent) from its encoding; a whole generation in one batched
/// call. Saved as a tensor file whose metadata holds the search space and the encoding description,
/// so loading it for another space is refused with a clear error.
/// </summary>
public sealed class AccuracyPredictor : IDisposable
{
    private const string Format = "nasprune-accuracy-predictor/1";
    private readonly AccuracyMlp _net;

    public AccuracyPredictor(ArchitectureEncoding encoding, AccuracyMlp net)
    {
        Encoding = encoding;
        _net = net;
        _net.eval();
    }

    public ArchitectureEncoding Encoding { get; }
    public AccuracyMlp Network => _net;

    public double[] Predict(IReadOnlyList<SubnetConfig> configs)
    {
        if (configs.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = tensor(Encoding.EncodeAll(configs), [configs.Count, Encoding.Length]);
        return _net.call(x).data<float>().Select(v => (double)v).ToArray();
    }

    public double Predict(SubnetConfig config) => Predict([config])[0];

    public string Save(string path, JsonObject? extra = null)
    {
        var metadata = extra?.DeepClone().AsObject() ?? new JsonObject();
        metadata["format"] = Format;
        metadata["space"] = JsonNode.Parse(Encoding.Space.ToJson());
        metadata["encoding"] = Encoding.Description;
        metadata["inputs"] = Encoding.Length;
        metadata["baseAccuracy"] = _net.BaseAccuracy;
        return TensorArchive.Write(path, ModuleState.Named(_net), metadata);
    }

    /// <summary>Loads a predictor; <paramref name="space"/> (when given) must be the one it was trained for.</summary>
    public static AccuracyPredictor Load(string path, OfaSearchSpace? space = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"predictor: '{path}' does not exist");
        using LoadedArchive archive = TensorArchive.Read(path);
        if (archive.Metadata["format"]?.GetValue<string>() != Format)
            throw new InvalidDataException($"{path}: not an accuracy predictor ('{Format}')");
        OfaSearchSpace stored = OfaSearchSpace.FromJson(archive.Metadata["space"]!.ToJsonString(), $"{path} (space)");
        var encoding = new ArchitectureEncoding(stored);
        if (archive.Metadata["encoding"]?.GetValue<string>() != encoding.Description)
            throw new InvalidDataException($"{path}: its encoding '{archive.Metadata["encoding"]}' does not match its space");
        if (space is not null && !new ArchitectureEncoding(space).Description.Equals(encoding.Description, StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: predictor was trained for encoding '{encoding.Description}', not '{new ArchitectureEncoding(space).Description}'");
        var net = new AccuracyMlp(encoding.Length, archive.Metadata["baseAccuracy"]!.GetValue<double>());
        ModuleState.Load(net, archive.Tensors, "", path);
        return new AccuracyPredictor(space is null ? encoding : new ArchitectureEncoding(space), net);
    }

    public void Dispose() => _net.Dispose();
}
