using NasPrune.Training.Shrinking;

namespace NasPrune.Training.Loops;

/// <summary>Picks the task a run config describes: progressive shrinking of a supernet, TAS of a ResNet, or a static classifier.</summary>
public static class TrainingTasks
{
    public static ITrainingTask Create(TaskContext context) =>
        context.Config.Model.IsSupernet ? new ProgressiveShrinkingTask(context)
        : context.Config.Tas is not null ? new Tas.TasTask(context)
        : new ClassifierTask(context);
}
