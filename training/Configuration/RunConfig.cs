using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>
/// A training run as its JSON config describes it (camelCase keys). Everything that influences the
/// numbers is here, so a run is reproducible from this file and its seed.
/// </summary>
public sealed record RunConfig
{
    /// <summary>Free-form name, shown in logs and result.json.</summary>
    public string Name { get; init; } = "run";

    /// <summary>Seeds initialisation, data order, augmentation and every per-step torch seed.</summary>
    [Range(0, long.MaxValue)]
    public long Seed { get; init; }

    /// <summary>cpu, cuda or cuda:N; the command line's --device overrides it.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Intra-op threads for libtorch (0: libtorch's default).</summary>
    [Range(0, 1024)]
    public int Threads { get; init; } = 2;

    public DataConfig Data { get; init; } = new();
    public ModelConfig Model { get; init; } = new();
    public OptimizationConfig Training { get; init; } = new();
    public CheckpointConfig Checkpoints { get; init; } = new();

    /// <summary>Training-loss log line and metrics row every this many steps.</summary>
    [Range(1, 1_000_000)]
    public int LogEverySteps { get; init; } = 50;
}
