namespace NasPrune.Search.Tuning;

/// <summary>
/// Asynchronous successive halving (Optuna's SuccessiveHalvingPruner): rungs at steps
/// minResource x eta^(s + k); a trial reaching a rung continues only if its value there is among the
/// best 1/eta of all trials that reached that rung (itself included).
/// </summary>
public sealed class SuccessiveHalvingPruner(int minResource = 1, int reductionFactor = 3, int minEarlyStoppingRate = 0) : IPruner
{
    public bool ShouldPrune(IReadOnlyList<FrozenTrial> trials, StudyDirection direction, FrozenTrial trial)
    {
        if (trial.Last is not (int step, _)) return false;
        for (int rung = 0; ; rung++)
        {
            long rungStep = minResource * (long)Math.Pow(reductionFactor, minEarlyStoppingRate + rung);
            if (rungStep > step) return false;
            if (rungStep != step) continue;
            double value = trial.Intermediate[step];
            double[] competitors = trials.Where(t => t.Number != trial.Number && t.Intermediate.ContainsKey(step))
                .Select(t => t.Intermediate[step]).Append(value).ToArray();
            int keep = Math.Max(1, competitors.Length / reductionFactor);
            double[] ranked = (direction == StudyDirection.Minimize ? competitors.Order() : competitors.OrderDescending()).ToArray();
            double threshold = ranked[keep - 1];
            return direction == StudyDirection.Minimize ? value > threshold : value < threshold;
        }
    }
}
