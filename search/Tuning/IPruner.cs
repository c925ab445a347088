namespace NasPrune.Search.Tuning;

/// <summary>Decides from the study's intermediate values whether a running trial should stop.</summary>
public interface IPruner
{
    bool ShouldPrune(IReadOnlyList<FrozenTrial> trials, StudyDirection direction, FrozenTrial trial);
}
