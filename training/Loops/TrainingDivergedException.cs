namespace NasPrune.Training.Loops;

/// <summary>
/// A step's loss or the state about to be checkpointed is NaN or infinite. Thrown before anything of it is
/// saved, so the last checkpoint stays good and rerunning the command resumes from it (exit code 3).
/// </summary>
public sealed class TrainingDivergedException(string what) : Exception(
    $"training diverged: {what}; nothing of it was saved, so rerunning the command resumes from the last good checkpoint; "
    + "if it recurs at the same step, lower training.lr");
