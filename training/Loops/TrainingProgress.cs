namespace NasPrune.Training.Loops;

/// <summary>Where a training loop is: steps done of all, the recent loss and speed, and the time left.</summary>
public sealed record TrainingProgress(string Phase, long Step, long TotalSteps, int Epoch, int Epochs, double Loss,
    double ImagesPerSecond, TimeSpan Remaining);
