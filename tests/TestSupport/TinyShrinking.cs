using NasPrune.Training.Configuration;

namespace NasPrune.Tests.TestSupport;

/// <summary>
/// Progressive shrinking small enough for unit tests: the built-in space at width 0.25, low
/// resolutions, 32 synthetic training images in batches of 16 (2 steps an epoch), one epoch a phase.
/// </summary>
public static class TinyShrinking
{
    public const int TrainImages = 32;

    public static readonly IReadOnlyList<int> Resolutions = [20, 24];

    public static IReadOnlyList<ShrinkingPhaseConfig> AllPhases =>
    [
        new() { Name = "teacher", BaseLrPer64 = 0.05, Resolutions = Resolutions },
        new() { Name = "kernel", BaseLrPer64 = 0.03, Kernels = [3, 5, 7], Resolutions = Resolutions },
        new() { Name = "depth1", BaseLrPer64 = 0.01, SubnetsPerStep = 2, Kernels = [3, 5, 7], Depths = [3, 4], Resolutions = Resolutions },
        new() { Name = "depth2", BaseLrPer64 = 0.01, SubnetsPerStep = 2, Kernels = [3, 5, 7], Depths = [2, 3, 4], Resolutions = Resolutions },
        new() { Name = "expand1", BaseLrPer64 = 0.01, SubnetsPerStep = 3, Kernels = [3, 5, 7], Depths = [2, 3, 4], Expands = [4, 6], Resolutions = Resolutions },
        new() { Name = "expand2", BaseLrPer64 = 0.01, SubnetsPerStep = 3, Kernels = [3, 5, 7], Depths = [2, 3, 4], Expands = [3, 4, 6], Resolutions = Resolutions },
    ];

    public static RunConfig Config(string dataRoot, IReadOnlyList<ShrinkingPhaseConfig>? phases = null, string? startSupernet = null,
        string teacherBn = "batch") => new()
    {
        Name = "tiny-ps",
        Seed = 5,
        Threads = 1,
        LogEverySteps = 1,
        Data = new DataConfig { Dataset = "fashion-mnist", Root = dataRoot, ValidationSize = 16, TrainSubset = TrainImages },
        Model = new ModelConfig { Arch = ModelConfig.Supernet, WidthMultiplier = 0.25 },
        Training = new OptimizationConfig { BatchSize = 16, WeightDecay = 3e-5, EvalBatchSize = 32 },
        Checkpoints = new CheckpointConfig { EveryMinutes = 0, Keep = 2 },
        ProgressiveShrinking = new ProgressiveShrinkingConfig
        {
            Phases = phases ?? AllPhases,
            StartSupernet = startSupernet,
            TeacherBn = teacherBn,
            Evaluation = new SubnetEvaluationConfig { ValidationImages = 16, RecalibrationImages = 16, MinMaxGrid = false, RandomSubnets = 0, EveryEpoch = false },
        },
    };

    /// <summary>Synthetic data: the training images, 16 validation and 20 test images.</summary>
    public static string WriteData(TempFolder temp) => TinyRun.WriteData(temp, TrainImages);
}
