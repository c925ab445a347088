using NasPrune.Training.Loops;

namespace NasPrune.Training.Hosting;

/// <summary>A long-running, resumable piece of work that the host runs once: training, search, ...</summary>
public interface IRunJob
{
    /// <summary>Runs to completion, or until <paramref name="cancellation"/> asks it to stop at a safe point.</summary>
    TrainingOutcome Run(CancellationToken cancellation);
}
