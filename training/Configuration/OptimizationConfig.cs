using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>SGD with Nesterov momentum, linear warm-up then cosine decay per step, label smoothing.</summary>
public sealed record OptimizationConfig
{
    [Range(1, 100_000)]
    public int Epochs { get; init; } = 30;

    [Range(1, 65_536)]
    public int BatchSize { get; init; } = 128;

    /// <summary>Peak learning rate (reached after warm-up).</summary>
    [Range(1e-8, 10.0)]
    public double Lr { get; init; } = 0.1;

    [Range(0.0, 0.999)]
    public double Momentum { get; init; } = 0.9;

    public bool Nesterov { get; init; } = true;

    /// <summary>L2 weight decay on conv and linear weights only (not on BatchNorm parameters or biases).</summary>
    [Range(0.0, 1.0)]
    public double WeightDecay { get; init; } = 5e-4;

    [Range(0.0, 1000.0)]
    public double WarmupEpochs { get; init; } = 1;

    [Range(0.0, 0.999)]
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>
    /// Clip each step's gradients to this global L2 norm; unset: no clipping. For a plain or magnitude-pruned
    /// network (DARTS cell networks train with 5, as in DARTS); DASS clips with dass.gradClip.
    /// </summary>
    [Range(1e-6, 1e6)]
    public double? GradClip { get; init; }

    /// <summary>
    /// Images per forward pass in evaluation. It may change on resume (<see cref="RunConfigJson"/>). On CPU,
    /// batches whose activations outgrow the caches and glibc's reused heap run much slower per image (the 2-core
    /// EPYC, 1 thread: ResNet-20 4.4x, the largest OFA network 7.2x slower at 1,000 than at 100; a DARTS cell
    /// network 1.9x at 500; experiments/results/eval-batch.md), hence the default.
    /// </summary>
    [Range(1, MaxEvalBatchSize)]
    public int EvalBatchSize { get; init; } = DefaultEvalBatchSize;

    public const int DefaultEvalBatchSize = 100, MaxEvalBatchSize = 65_536;
}
