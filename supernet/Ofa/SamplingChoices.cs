namespace NasPrune.Supernet.Ofa;

/// <summary>Restricts sampling to subsets of the space's choices; a null list means all of them.</summary>
public sealed record SamplingChoices(
    IReadOnlyList<int>? Kernels = null,
    IReadOnlyList<double>? ExpandRatios = null,
    IReadOnlyList<int>? Depths = null,
    IReadOnlyList<int>? Resolutions = null);
