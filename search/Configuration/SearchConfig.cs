using System.ComponentModel.DataAnnotations;
using NasPrune.Search.Evolution;

namespace NasPrune.Search.Configuration;

/// <summary>
/// A per-device search (design note search.md): which device profile, latency table, accuracy
/// predictor and supernet to use, the budgets (one exported sub-network each), the evolution
/// hyper-parameters, the seed and where to export. Relative paths are relative to the working directory.
/// </summary>
public sealed record SearchConfig : IValidatableObject
{
    [Required] public string Device { get; init; } = "";
    [Required] public string Lut { get; init; } = "";
    [Required] public string Predictor { get; init; } = "";
    [Required] public string Supernet { get; init; } = "";

    [MinLength(1)]
    public IReadOnlyList<BudgetConfig> Budgets { get; init; } = [];

    public EvolutionOptions Evolution { get; init; } = new();

    /// <summary>Also run random search with the same number of evaluations, for comparison.</summary>
    public bool RandomBaseline { get; init; } = true;

    /// <summary>When above 0: also compare evolution, random and TPE search at this smaller evaluation budget (TPE's cost grows with the square of it).</summary>
    [Range(0, 100_000)]
    public int TpeEvaluations { get; init; }

    /// <summary>
    /// With --verify, how many searches a latency budget gets at most: when a pick measures over its budget on
    /// the device, the search reruns under a predicted limit lowered by that pick's error (MeasuredLatencyFit);
    /// 1 measures the first pick only.
    /// </summary>
    [Range(1, 10)]
    public int LatencyRounds { get; init; } = 3;

    [Range(0, long.MaxValue)]
    public long Seed { get; init; }

    [Required] public string ExportDir { get; init; } = "";

    /// <summary>BN recalibration of each exported network (training images).</summary>
    [Range(1, 1_000_000)]
    public int RecalibrationImages { get; init; } = 2000;

    /// <summary>Fashion-MNIST folder (empty: NASPRUNE_DATA, then the Debian default), for recalibration and --verify.</summary>
    public string? DataRoot { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (field, path) in new[] { ("device", Device), ("lut", Lut), ("predictor", Predictor), ("supernet", Supernet) })
            if (!File.Exists(path)) yield return new ValidationResult($"config: '{field}': file '{path}' does not exist");
        for (int i = 0; i < Budgets.Count; i++)
        {
            if (!Budgets[i].HasLimit)
                yield return new ValidationResult($"config: 'budgets[{i}]' needs at least one of latencyMs, latencyShare, macs, params");
            if (Budgets[i].LatencyMs is not null && Budgets[i].LatencyShare is not null)
                yield return new ValidationResult($"config: 'budgets[{i}]' has both latencyMs and latencyShare; use one");
        }
        if (Budgets.Select(b => b.Name).Distinct().Count() != Budgets.Count)
            yield return new ValidationResult("config: 'budgets' names must be unique (each is an export folder)");
    }
}
