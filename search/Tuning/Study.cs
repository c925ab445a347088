namespace NasPrune.Search.Tuning;

/// <summary>
/// An Optuna-like study: a direction, a sampler, a pruner and a storage. <see cref="Ask"/> starts a
/// trial that suggests parameters and reports intermediate values; <see cref="Tell"/> finishes it.
/// </summary>
public sealed class Study(StudyDirection direction, ISampler sampler, IPruner? pruner, IStudyStorage storage)
{
    public StudyDirection Direction { get; } = direction;
    public IStudyStorage Storage { get; } = storage;

    public Trial Ask() => new(this, Storage.CreateTrial());

    /// <summary>A new trial while the study has fewer than <paramref name="limit"/> (shared by all workers); null when it is full.</summary>
    public Trial? TryAsk(int limit) => Storage.TryCreateTrial(limit) is int number ? new Trial(this, number) : null;

    public void Tell(Trial trial, double value) => Storage.Finish(trial.Number, TrialState.Complete, value);

    public void TellPruned(Trial trial) => Storage.Finish(trial.Number, TrialState.Pruned, trial.LastValue);

    public void TellFailed(Trial trial) => Storage.Finish(trial.Number, TrialState.Failed, null);

    /// <summary>Runs <paramref name="trials"/> trials; an objective that throws <see cref="TrialPrunedException"/> is recorded as pruned.</summary>
    public void Optimize(Func<Trial, double> objective, int trials)
    {
        for (int i = 0; i < trials; i++)
        {
            Trial trial = Ask();
            try
            {
                Tell(trial, objective(trial));
            }
            catch (TrialPrunedException)
            {
                TellPruned(trial);
            }
        }
    }

    public FrozenTrial? Best() =>
        Direction == StudyDirection.Minimize
            ? Storage.Trials().Where(t => t.State == TrialState.Complete).MinBy(t => t.Value)
            : Storage.Trials().Where(t => t.State == TrialState.Complete).MaxBy(t => t.Value);

    internal double Suggest(int trial, string name, Distribution distribution)
    {
        IReadOnlyList<FrozenTrial> history = Storage.Trials();
        FrozenTrial current = history[trial];
        if (current.Params.TryGetValue(name, out double existing))
        {
            if (!current.Distributions[name].Equals(distribution))
                throw new ArgumentException($"parameter '{name}' was suggested with {current.Distributions[name]} before, now {distribution}");
            return existing;
        }
        double value = sampler.Sample(history.Where(t => t.Number != trial).ToList(), Direction, trial, name, distribution);
        Storage.SetParam(trial, name, value, distribution);
        return value;
    }

    internal bool ShouldPrune(int trial)
    {
        if (pruner is null) return false;
        IReadOnlyList<FrozenTrial> trials = Storage.Trials();
        return pruner.ShouldPrune(trials, Direction, trials[trial]);
    }
}

/// <summary>Thrown by an objective to stop a trial the pruner gave up on.</summary>
public sealed class TrialPrunedException() : Exception("trial pruned");
