namespace NasPrune.Search.Tuning;

/// <summary>
/// Where a study's trials live. Implementations must make <see cref="CreateTrial"/> atomic, so that
/// several workers sharing a storage never get the same trial number.
/// </summary>
public interface IStudyStorage
{
    int CreateTrial();

    /// <summary>Creates a trial only while the study has fewer than <paramref name="limit"/> trials (atomically); null when full.</summary>
    int? TryCreateTrial(int limit);
    void SetParam(int trial, string name, double value, Distribution distribution);
    void Report(int trial, int step, double value);
    void Finish(int trial, TrialState state, double? value);
    IReadOnlyList<FrozenTrial> Trials();
}
