using System.Text.Json.Nodes;
using NasPrune.Training.Data;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>
/// What <see cref="RunTrainer"/> trains. The trainer owns the run: data order, per-step seeds, the
/// optimiser, learning rates, checkpoints, metrics, cancellation and result.json. A task owns the
/// model and what one step means (forward passes, losses, backward), and what happens at phase
/// boundaries and at the end. Everything a task does must be a function of the step and the model
/// state, so that a run resumed from a checkpoint continues exactly.
/// </summary>
public interface ITrainingTask : IDisposable
{
    /// <summary>The trained module: its parameters are optimised and its state is checkpointed.</summary>
    nn.Module<Tensor, Tensor> Model { get; }

    IReadOnlyList<TrainingPhase> Phases { get; }

    /// <summary>One log line: model, size, cost.</summary>
    string Describe();

    /// <summary>
    /// Called before the first step of <paramref name="phase"/> runs in this process. <paramref name="fresh"/>
    /// is true when the phase is starting (its one-off preparation, e.g. channel sorting, must run) and false
    /// when resuming inside it (the checkpoint already holds the prepared state).
    /// </summary>
    void EnterPhase(int phase, bool fresh);

    /// <summary>Forward and backward of one step (gradients accumulate); runs inside the trainer's dispose scope.</summary>
    StepStatistics TrainStep(int phase, long step, Batch batch);

    /// <summary>Validation at an epoch end, or null to skip it.</summary>
    EvaluationResult? ValidateEpoch(int phase);

    /// <summary>After the last step of <paramref name="phase"/>, before the checkpoint at the boundary. Must be idempotent.</summary>
    void CompletePhase(int phase, PhaseEnd end);

    /// <summary>The final evaluation; returns the task's fields of result.json.</summary>
    JsonObject Finish(MetricsLog metrics, long totalSteps, double trainedSeconds);
}
