namespace NasPrune.Training.Loops;

/// <summary>
/// What one training step saw: the sum of its losses over the forward passes it ran (one per
/// sub-network), how many passes, and correct predictions over the images of all passes.
/// </summary>
public readonly record struct StepStatistics(double LossSum, int Passes, long Correct, long Images);
