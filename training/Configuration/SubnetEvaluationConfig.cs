using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>
/// Which sub-networks are measured after each progressive-shrinking phase, and on how much data. Every
/// measurement is BN-recalibrated first (design note: 2,000 training images in batches of 200).
/// </summary>
public sealed record SubnetEvaluationConfig
{
    /// <summary>Validation images used (the first N of the split; 0: all).</summary>
    [Range(0, 1_000_000)]
    public int ValidationImages { get; init; }

    [Range(1, 1_000_000)]
    public int RecalibrationImages { get; init; } = 2000;

    /// <summary>All combinations of the min and max of kernel, depth and expand ratio at the min and max resolution (16 networks).</summary>
    public bool MinMaxGrid { get; init; } = true;

    /// <summary>Fixed random sub-networks (drawn once from the whole space with the run's seed) measured besides the middle one.</summary>
    [Range(0, 1000)]
    public int RandomSubnets { get; init; } = 2;

    /// <summary>Validation at each epoch end (largest network, recalibrated); false: only at phase ends.</summary>
    public bool EveryEpoch { get; init; } = true;
}
