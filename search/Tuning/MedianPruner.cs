namespace NasPrune.Search.Tuning;

/// <summary>
/// Optuna's median pruner: after <c>startupTrials</c> finished trials and from step <c>warmupSteps</c>,
/// prune a trial whose best value so far is worse than the median of the other finished trials' values
/// at the same step.
/// </summary>
public sealed class MedianPruner(int startupTrials = 5, int warmupSteps = 0) : IPruner
{
    public bool ShouldPrune(IReadOnlyList<FrozenTrial> trials, StudyDirection direction, FrozenTrial trial)
    {
        if (trial.Last is not (int step, _) || step < warmupSteps) return false;
        var finished = trials.Where(t => t.Number != trial.Number && t.State is TrialState.Complete or TrialState.Pruned).ToList();
        if (finished.Count(t => t.State == TrialState.Complete) < startupTrials) return false;
        double[] atStep = finished.Where(t => t.Intermediate.ContainsKey(step)).Select(t => t.Intermediate[step]).Order().ToArray();
        if (atStep.Length == 0) return false;
        double median = atStep.Length % 2 == 1 ? atStep[atStep.Length / 2] : (atStep[atStep.Length / 2 - 1] + atStep[atStep.Length / 2]) / 2;
        var mine = trial.Intermediate.Where(kv => kv.Key <= step).Select(kv => kv.Value);
        double best = direction == StudyDirection.Minimize ? mine.Min() : mine.Max();
        return direction == StudyDirection.Minimize ? best > median : best < median;
    }
}
