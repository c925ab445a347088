using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>
/// One phase of progressive shrinking (design note ofa.md). The name fixes its role: <c>teacher</c>
/// trains the largest network alone (no KD) and becomes the frozen teacher; every other phase trains
/// sampled sub-networks with KD. The choice lists say which values each dimension is sampled from;
/// an omitted list means the largest value only. A phase sampling more than one expand ratio starts
/// with channel sorting (expand stage = number of ratios - 2).
/// </summary>
public sealed record ShrinkingPhaseConfig
{
    public static readonly string[] Names = ["teacher", "kernel", "depth1", "depth2", "expand1", "expand2"];

    [Required]
    [AllowedValues("teacher", "kernel", "depth1", "depth2", "expand1", "expand2")]
    public string Name { get; init; } = "";

    /// <summary>Epochs after the warm-up (cosine decay over these).</summary>
    [Range(1, 100_000)]
    public int Epochs { get; init; } = 1;

    /// <summary>Linear warm-up epochs, on top of <see cref="Epochs"/>.</summary>
    [Range(0, 10_000)]
    public int WarmupEpochs { get; init; }

    /// <summary>Peak learning rate per 64 images: LR = baseLrPer64 x batch / 64.</summary>
    [Range(1e-8, 10.0)]
    public double BaseLrPer64 { get; init; } = 0.025;

    /// <summary>Sub-networks sampled per step; their gradients are summed before one optimiser step.</summary>
    [Range(1, 64)]
    public int SubnetsPerStep { get; init; } = 1;

    /// <summary>
    /// The sandwich rule (Yu et al., BigNAS, 2020; not in the OFA reference, so off by default): the step's first
    /// sub-network is the largest the phase can sample and its last the smallest, both at the step's resolution;
    /// the ones between are sampled as usual. The extremes of the space are otherwise almost never drawn
    /// (in expand2, 1 draw in 3^25 gives the smallest), so they learn only through shared weights. Needs
    /// <see cref="SubnetsPerStep"/> of at least 2.
    /// </summary>
    public bool Sandwich { get; init; }

    public IReadOnlyList<int>? Kernels { get; init; }
    public IReadOnlyList<int>? Depths { get; init; }
    public IReadOnlyList<double>? Expands { get; init; }

    /// <summary>One resolution is drawn per step for the whole batch.</summary>
    public IReadOnlyList<int>? Resolutions { get; init; }

    public bool IsTeacher => Name == "teacher";
}
