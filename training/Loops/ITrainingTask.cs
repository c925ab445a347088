using System.Text.Json.Nodes;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>
/// What <see cref="RunTrainer"/> trains. The trainer owns the run: per-step seeds, learning rates,
/// checkpoints, metrics, cancellation and result.json. A task owns its models and optimisers and what
/// one step means (which batches, forward passes, losses, optimiser steps), and what happens at phase
/// boundaries and at the end. Everything a task does must be a function of the step and of the state it
/// returns from <see cref="State"/>, so that a run resumed from a checkpoint continues exactly.
/// </summary>
public interface ITrainingTask : IDisposable
{
    IReadOnlyList<TrainingPhase> Phases { get; }

    /// <summary>One log line: model, size, cost.</summary>
    string Describe();

    /// <summary>Everything a checkpoint must hold (models, optimiser buffers), by unique name.</summary>
    IEnumerable<KeyValuePair<string, Tensor>> State();

    /// <summary>Restores <see cref="State"/> from a checkpoint; <paramref name="phase"/> is the phase being resumed.</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> tensors, int phase, string source);

    /// <summary>
    /// Called before the first step of <paramref name="phase"/> runs in this process. <paramref name="fresh"/>
    /// is true when the phase is starting (its one-off preparation must run: optimiser reset, channel
    /// sorting, ...) and false when resuming inside it (the checkpoint holds the prepared state).
    /// </summary>
    void EnterPhase(int phase, bool fresh);

    /// <summary>One training step (forward, backward, optimiser steps) at learning rate <paramref name="lr"/>; runs inside the trainer's dispose scope.</summary>
    StepStatistics TrainStep(int phase, long step, double lr);

    /// <summary>Validation at an epoch end, or null to skip it.</summary>
    EvaluationResult? ValidateEpoch(int phase);

    /// <summary>After the last step of <paramref name="phase"/>, before the checkpoint at the boundary. Must be idempotent.</summary>
    void CompletePhase(int phase, PhaseEnd end);

    /// <summary>The final evaluation; returns the task's fields of result.json.</summary>
    JsonObject Finish(MetricsLog metrics, long totalSteps, double trainedSeconds);
}
