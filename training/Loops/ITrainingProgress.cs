namespace NasPrune.Training.Loops;

/// <summary>Receives progress from a training loop (a console bar, a status line, or nothing).</summary>
public interface ITrainingProgress
{
    void Report(TrainingProgress progress);
}
