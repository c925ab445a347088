using System.Text.Json.Nodes;

namespace NasPrune.Training.Loops;

/// <summary>An <see cref="EvaluationResult"/> as it appears in result.json.</summary>
public static class EvaluationJson
{
    public static JsonObject Of(EvaluationResult r) => new()
    {
        ["top1"] = Math.Round(r.Top1, 4),
        ["top5"] = Math.Round(r.Top5, 4),
        ["loss"] = Math.Round(r.Loss, 6),
        ["images"] = r.Images,
    };
}
