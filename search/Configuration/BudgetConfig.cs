using System.ComponentModel.DataAnnotations;
using NasPrune.Search.Constraints;

namespace NasPrune.Search.Configuration;

/// <summary>
/// One budget of a search config: a name (the export folder) and at least one limit. The latency limit is
/// either absolute (<c>latencyMs</c>) or relative to the device's own range (<c>latencyShare</c>): 0 is the
/// smallest sub-network's predicted latency on the table, 1 the largest's. The relative form is for configs
/// that must work on any machine (the quickstart's): an absolute budget below the smallest network of a
/// slower CPU has no solution.
/// </summary>
public sealed record BudgetConfig
{
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]+$")]
    public string Name { get; init; } = "";

    [Range(0.001, 1e6)]
    public double? LatencyMs { get; init; }

    [Range(0.0, 1.0)]
    public double? LatencyShare { get; init; }

    [Range(1, long.MaxValue)]
    public long? Macs { get; init; }

    [Range(1, long.MaxValue)]
    public long? Params { get; init; }

    public bool HasLimit => LatencyMs is not null || LatencyShare is not null || Macs is not null || Params is not null;

    /// <summary>The limits to search under; a relative latency must have been resolved first (<see cref="ResolveLatency"/>).</summary>
    public SearchConstraints Constraints => LatencyShare is not null && LatencyMs is null
        ? throw new InvalidOperationException($"budget '{Name}': latencyShare has not been resolved against a latency table")
        : new(LatencyMs, Macs, Params);

    /// <summary>
    /// This budget with <c>latencyShare</c> turned into milliseconds on this device's range
    /// (smallest + share x (largest - smallest)); a budget without one is returned as it is.
    /// </summary>
    public BudgetConfig ResolveLatency(double smallestMs, double largestMs)
    {
        if (LatencyShare is not double share) return this;
        if (!(largestMs >= smallestMs)) throw new ArgumentException($"latency range: largest {largestMs} ms is below smallest {smallestMs} ms");
        return this with { LatencyMs = smallestMs + share * (largestMs - smallestMs) };
    }
}
