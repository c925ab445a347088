namespace NasPrune.Training.Optimization;

/// <summary>
/// Learning rate as a pure function of the global step (so resuming needs only the step):
/// linear warm-up from peak/warmup to the peak over <c>warmupSteps</c>, then cosine decay to 0 over
/// the remaining steps.
/// </summary>
public sealed record WarmupCosineSchedule(double PeakLr, long WarmupSteps, long TotalSteps)
{
    public double At(long step)
    {
        if (step < WarmupSteps) return PeakLr * (step + 1) / WarmupSteps;
        long decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        return 0.5 * PeakLr * (1 + Math.Cos(Math.PI * progress));
    }
}
