using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>When to write run checkpoints and how many to keep. A checkpoint is also written at
/// every epoch end and whenever the run is asked to stop.</summary>
public sealed record CheckpointConfig
{
    /// <summary>Also write one after this many minutes of training since the last (0: only at epoch ends).</summary>
    [Range(0.0, 10_000.0)]
    public double EveryMinutes { get; init; } = 5;

    /// <summary>Newest checkpoints kept; older ones are deleted after a successful write.</summary>
    [Range(1, 1000)]
    public int Keep { get; init; } = 3;
}
