using System.Text.Json.Nodes;

namespace NasPrune.Training.Data;

/// <summary>Per-channel mean and standard deviation applied to pixels scaled to [0, 1].</summary>
public sealed record Normalization(IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>Fashion-MNIST training-split statistics (design note: 0.2860, 0.3530).</summary>
    public static readonly Normalization FashionMnist = new([0.2860f], [0.3530f]);

    /// <summary>CIFAR-10 training-split statistics.</summary>
    public static readonly Normalization Cifar10 = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>The input description an exported sub-network's arch.json carries.</summary>
    public JsonObject ToInputJson(string dataset) => new()
    {
        ["dataset"] = dataset,
        ["mean"] = new JsonArray(Mean.Select(v => (JsonNode)v).ToArray()),
        ["std"] = new JsonArray(Std.Select(v => (JsonNode)v).ToArray()),
    };
}
