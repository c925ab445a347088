namespace NasPrune.Search.Tuning;

/// <summary>Proposes a value for one parameter of a running trial (a categorical's index), given the study so far.</summary>
public interface ISampler
{
    double Sample(IReadOnlyList<FrozenTrial> history, StudyDirection direction, int trial, string name, Distribution distribution);
}
