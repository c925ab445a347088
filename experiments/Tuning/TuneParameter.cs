using System.ComponentModel.DataAnnotations;

namespace NasPrune.Experiments.Tuning;

/// <summary>One tuned parameter: its name in the study, the run-config field it sets (dotted camelCase path) and its range.</summary>
public sealed record TuneParameter
{
    [Required] public string Name { get; init; } = "";

    /// <summary>The run-config field, e.g. training.lr or progressiveShrinking.kdRatio.</summary>
    [Required] public string Path { get; init; } = "";

    [AllowedValues("float", "int", "categorical")]
    public string Type { get; init; } = "float";

    public double Low { get; init; }
    public double High { get; init; } = 1;
    public bool Log { get; init; }

    /// <summary>For categorical parameters: the values, as they would be written in the config (numbers, true/false or text).</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];
}
