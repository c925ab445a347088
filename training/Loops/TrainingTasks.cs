using NasPrune.Training.Shrinking;

namespace NasPrune.Training.Loops;

/// <summary>
/// Picks the task a run config describes: progressive shrinking of a supernet, TAS of a ResNet, magnitude pruning
/// of a ResNet or a fixed DARTS cell network, DASS of a DARTS cell network, or a static classifier (which also
/// trains an L1-filter-pruned ResNet, whose pruning is its architecture).
/// </summary>
public static class TrainingTasks
{
    public static ITrainingTask Create(TaskContext context) =>
        context.Config.Model.IsSupernet ? new ProgressiveShrinkingTask(context)
        : context.Config.Tas is not null ? new Tas.TasTask(context)
        : context.Config.Pruning is { IsMagnitude: true } ? new Pruning.MagnitudePruningTask(context)
        : context.Config.Dass is not null ? new Dass.DassTask(context)
        : new ClassifierTask(context);
}
