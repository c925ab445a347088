using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>
/// What is trained. <see cref="Arch"/> is one of: a CIFAR-style ResNet name (resnet20, resnet56, ...);
/// <c>ofa-supernet</c>, the once-for-all supernet of <see cref="Space"/> (trained by progressive
/// shrinking, see <see cref="RunConfig.ProgressiveShrinking"/>); or <c>ofa:&lt;sub-network config&gt;</c>,
/// one sub-network of that space built as a static model and trained alone from scratch at its own
/// resolution (e.g. <c>ofa:r24-k333.333.333.333.333-e333.333.333.333.333</c>); or <c>darts-cells</c>, a
/// DARTS cell network: searched and trained by DASS (see <see cref="RunConfig.Dass"/>), or, given its cells
/// in <see cref="Genotype"/>, a fixed network trained (and magnitude-pruned) like a ResNet.
/// </summary>
public sealed record ModelConfig
{
    public const string Supernet = "ofa-supernet";
    public const string SubnetPrefix = "ofa:";
    public const string DartsCells = "darts-cells";

    public string Arch { get; init; } = "resnet20";

    /// <summary>Search space of the OFA models: the built-in name or a path to a space JSON file.</summary>
    public string Space { get; init; } = "ofa-mbv3-small";

    /// <summary>Width multiplier applied to the OFA space (ignored by ResNets).</summary>
    [Range(0.05, 4.0)]
    public double WidthMultiplier { get; init; } = 1.0;

    /// <summary>
    /// The cells of a fixed <c>darts-cells</c> network (no <c>dass</c> section): the genotype text, or @file (e.g. a
    /// DASS run's dass-genotype.txt). DASS runs name theirs in <c>dass.final.genotype</c> instead.
    /// </summary>
    public string? Genotype { get; init; }

    /// <summary>The size of that fixed network (default: 16 channels, 8 cells, stem multiplier 3).</summary>
    public DartsNetworkConfig? Network { get; init; }

    public bool IsFixedDarts => IsDarts && !string.IsNullOrEmpty(Genotype);

    public bool IsSupernet => Arch == Supernet;
    public bool IsOfaSubnet => Arch.StartsWith(SubnetPrefix, StringComparison.Ordinal);
    public bool IsOfa => IsSupernet || IsOfaSubnet;
    public bool IsDarts => Arch == DartsCells;
}
