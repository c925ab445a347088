using NasPrune.Training.Optimization;

namespace NasPrune.Training.Loops;

/// <summary>
/// One stretch of a run with its own learning-rate schedule: <see cref="Steps"/> optimiser steps, of
/// which the first <see cref="WarmupSteps"/> warm up linearly, then cosine decay to 0. A plain
/// classifier run is one phase; progressive shrinking is one per shrinking stage.
/// </summary>
public sealed record TrainingPhase(string Name, long Steps, long WarmupSteps, double PeakLr)
{
    public WarmupCosineSchedule Schedule { get; } = new(PeakLr, WarmupSteps, Steps);
}
