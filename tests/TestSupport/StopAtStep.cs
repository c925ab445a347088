using NasPrune.Training.Loops;

namespace NasPrune.Tests.TestSupport;

/// <summary>Asks a trainer to stop once it reports <paramref name="step"/> (progress is reported at every log row).</summary>
public sealed class StopAtStep(long step, CancellationTokenSource source) : ITrainingProgress
{
    public void Report(TrainingProgress progress)
    {
        if (progress.Step >= step) source.Cancel();
    }
}
