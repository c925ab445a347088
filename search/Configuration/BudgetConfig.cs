using System.ComponentModel.DataAnnotations;
using NasPrune.Search.Constraints;

namespace NasPrune.Search.Configuration;

/// <summary>One budget of a search config: a name (the export folder) and at least one limit.</summary>
public sealed record BudgetConfig
{
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]+$")]
    public string Name { get; init; } = "";

    [Range(0.001, 1e6)]
    public double? LatencyMs { get; init; }

    [Range(1, long.MaxValue)]
    public long? Macs { get; init; }

    [Range(1, long.MaxValue)]
    public long? Params { get; init; }

    public SearchConstraints Constraints => new(LatencyMs, Macs, Params);
}
