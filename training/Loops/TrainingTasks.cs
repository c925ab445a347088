using NasPrune.Training.Shrinking;

namespace NasPrune.Training.Loops;

/// <summary>Picks the task a run config describes: progressive shrinking of a supernet, or a static classifier.</summary>
public static class TrainingTasks
{
    public static ITrainingTask Create(TaskContext context) =>
        context.Config.Model.IsSupernet ? new ProgressiveShrinkingTask(context) : new ClassifierTask(context);
}
