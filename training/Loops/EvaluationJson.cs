using System.Text.Json.Nodes;

namespace NasPrune.Training.Loops;

/// <summary>An <see cref="EvaluationResult"/> as it appears in result.json.</summary>
public static class EvaluationJson
{
    public static JsonObject Of(EvaluationResult r) => new()
    {
        ["top1"] = Math.Round(r.Top1, 4),
        ["top5"] = Math.Round(r.Top5, 4),
        // JSON has no NaN or Infinity: an overflowing loss is written as null rather than failing the run's last write.
        ["loss"] = double.IsFinite(r.Loss) ? Math.Round(r.Loss, 6) : null,
        ["images"] = r.Images,
    };
}
