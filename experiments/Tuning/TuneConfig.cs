using System.ComponentModel.DataAnnotations;

namespace NasPrune.Experiments.Tuning;

/// <summary>
/// A hyper-parameter study over a training config (<c>nasprune tune</c>): which run config to start
/// from, which fields to tune, how many trials, the sampler and pruner. The objective is the validation
/// top-1 of the run's last epoch (maximised); each epoch's validation is reported to the pruner.
/// </summary>
public sealed record TuneConfig : IValidatableObject
{
    [Required] public string Name { get; init; } = "";
    [Required] public string BaseConfig { get; init; } = "";

    /// <summary>The study's SQLite file and the trials' run directories live here.</summary>
    [Required] public string Directory { get; init; } = "";

    [Range(1, 100_000)]
    public int Trials { get; init; } = 20;

    [AllowedValues("tpe", "random")]
    public string Sampler { get; init; } = "tpe";

    [AllowedValues("median", "successive-halving", "none")]
    public string Pruner { get; init; } = "median";

    [Range(0, 1000)]
    public int StartupTrials { get; init; } = 5;

    [Range(0, long.MaxValue)]
    public long Seed { get; init; }

    [MinLength(1)]
    public IReadOnlyList<TuneParameter> Parameters { get; init; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!File.Exists(BaseConfig)) yield return new ValidationResult($"config: 'baseConfig': file '{BaseConfig}' does not exist");
        for (int i = 0; i < Parameters.Count; i++)
        {
            TuneParameter p = Parameters[i];
            if (p.Type == "categorical" && p.Choices.Count == 0)
                yield return new ValidationResult($"config: 'parameters[{i}].choices' needs at least one value for a categorical parameter");
            if (p.Type != "categorical" && !(p.Low < p.High || (p.Type == "int" && p.Low <= p.High)))
                yield return new ValidationResult($"config: 'parameters[{i}]': needs low < high, got [{p.Low}, {p.High}]");
            if (p.Log && p.Low <= 0)
                yield return new ValidationResult($"config: 'parameters[{i}].low' must be > 0 on a log scale, got {p.Low}");
        }
        if (Parameters.Select(p => p.Name).Distinct().Count() != Parameters.Count)
            yield return new ValidationResult("config: 'parameters' names must be unique");
    }
}
