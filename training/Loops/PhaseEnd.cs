namespace NasPrune.Training.Loops;

/// <summary>Where and when a phase ended, for the task's phase report.</summary>
public sealed record PhaseEnd(long Step, int Epoch, double TrainedSeconds);
