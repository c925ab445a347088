using System.ComponentModel.DataAnnotations;

namespace NasPrune.Search.Evolution;

/// <summary>The OFA evolution finder's hyper-parameters (design note search.md), with the reference's values as defaults.</summary>
public sealed record EvolutionOptions
{
    [Range(2, 100_000)]
    public int Population { get; init; } = 100;

    [Range(1, 1_000_000)]
    public int Generations { get; init; } = 500;

    [Range(0.01, 1.0)]
    public double ParentRatio { get; init; } = 0.25;

    [Range(0.0, 1.0)]
    public double MutationRatio { get; init; } = 0.5;

    /// <summary>Probability per block of redrawing its kernel and expand ratio together, and per stage of redrawing its depth.</summary>
    [Range(0.0, 1.0)]
    public double MutateProbability { get; init; } = 0.1;

    [Range(0.0, 1.0)]
    public double ResolutionMutateProbability { get; init; } = 0.5;

    /// <summary>Draws allowed for one valid candidate before the budget is declared unreachable.</summary>
    [Range(1, 10_000_000)]
    public int MaxDraws { get; init; } = 100_000;

    public int ParentCount => Math.Max(1, (int)Math.Round(ParentRatio * Population));
    public int MutationCount => (int)Math.Round(MutationRatio * Population);

    /// <summary>Objective evaluations of a full run: the initial population and every generation's children.</summary>
    public long Evaluations => (long)Population * (Generations + 1);
}
