namespace NasPrune.Search.Tuning;

/// <summary>Trials in this process's memory (tests, single-process studies).</summary>
public sealed class InMemoryStorage : IStudyStorage
{
    private readonly List<Mutable> _trials = [];
    private readonly Lock _lock = new();

    private sealed class Mutable
    {
        public FrozenTrial? Frozen; // the snapshot of a finished trial (they no longer change)
        public TrialState State = TrialState.Running;
        public readonly Dictionary<string, double> Params = [];
        public readonly Dictionary<string, Distribution> Distributions = [];
        public readonly Dictionary<int, double> Intermediate = [];
        public double? Value;
    }

    public int CreateTrial()
    {
        lock (_lock)
        {
            _trials.Add(new Mutable());
            return _trials.Count - 1;
        }
    }

    public int? TryCreateTrial(int limit)
    {
        lock (_lock)
        {
            if (_trials.Count >= limit) return null;
            _trials.Add(new Mutable());
            return _trials.Count - 1;
        }
    }

    public void SetParam(int trial, string name, double value, Distribution distribution)
    {
        lock (_lock) (_trials[trial].Params[name], _trials[trial].Distributions[name]) = (value, distribution);
    }

    public void Report(int trial, int step, double value)
    {
        lock (_lock) _trials[trial].Intermediate[step] = value;
    }

    public void Finish(int trial, TrialState state, double? value)
    {
        lock (_lock) (_trials[trial].State, _trials[trial].Value, _trials[trial].Frozen) = (state, value, null);
    }

    public IReadOnlyList<FrozenTrial> Trials()
    {
        lock (_lock)
            return _trials.Select((t, i) => t.Frozen ?? Freeze(t, i)).ToList();
    }

    private static FrozenTrial Freeze(Mutable t, int number)
    {
        var frozen = new FrozenTrial(number, t.State, new Dictionary<string, double>(t.Params),
            new Dictionary<string, Distribution>(t.Distributions), new Dictionary<int, double>(t.Intermediate), t.Value);
        if (t.State != TrialState.Running) t.Frozen = frozen;
        return frozen;
    }
}
