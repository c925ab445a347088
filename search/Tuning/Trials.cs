namespace NasPrune.Search.Tuning;

public enum TrialState
{
    Running,
    Complete,
    Pruned,
    Failed,
}

public enum StudyDirection
{
    Minimize,
    Maximize,
}

/// <summary>A trial as stored: its parameters (internal doubles) with their distributions, intermediate values and result.</summary>
public sealed record FrozenTrial(int Number, TrialState State, IReadOnlyDictionary<string, double> Params,
    IReadOnlyDictionary<string, Distribution> Distributions, IReadOnlyDictionary<int, double> Intermediate, double? Value)
{
    /// <summary>The last reported intermediate value, if any.</summary>
    public (int Step, double Value)? Last => Intermediate.Count == 0 ? null : Intermediate.MaxBy(kv => kv.Key) is var kv ? (kv.Key, kv.Value) : null;
}
