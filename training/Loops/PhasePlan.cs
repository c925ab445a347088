namespace NasPrune.Training.Loops;

/// <summary>The phases of a run laid end to end on the global step axis; every phase is a whole number of epochs.</summary>
public sealed class PhasePlan
{
    private readonly long[] _starts;

    public PhasePlan(IReadOnlyList<TrainingPhase> phases, int batchesPerEpoch)
    {
        if (phases.Count == 0) throw new ArgumentException("a run needs at least one phase");
        Phases = phases;
        BatchesPerEpoch = batchesPerEpoch;
        _starts = new long[phases.Count + 1];
        for (int i = 0; i < phases.Count; i++)
        {
            if (phases[i].Steps <= 0 || phases[i].Steps % batchesPerEpoch != 0)
                throw new ArgumentException($"phase '{phases[i].Name}': {phases[i].Steps} steps is not a positive whole number of epochs of {batchesPerEpoch} steps");
            _starts[i + 1] = _starts[i] + phases[i].Steps;
        }
    }

    public IReadOnlyList<TrainingPhase> Phases { get; }
    public int BatchesPerEpoch { get; }
    public long TotalSteps => _starts[^1];
    public int TotalEpochs => (int)(TotalSteps / BatchesPerEpoch);

    public long Start(int phase) => _starts[phase];
    public long End(int phase) => _starts[phase + 1];
    public int Epochs(int phase) => (int)(Phases[phase].Steps / BatchesPerEpoch);

    /// <summary>The phase that step <paramref name="step"/> (0-based) belongs to; the last phase for steps at or past the end.</summary>
    public int PhaseAt(long step)
    {
        for (int i = 0; i < Phases.Count; i++)
            if (step < _starts[i + 1]) return i;
        return Phases.Count - 1;
    }

    /// <summary>1-based epoch within its phase of step <paramref name="step"/>.</summary>
    public int EpochInPhase(long step) => (int)((step - Start(PhaseAt(step))) / BatchesPerEpoch) + 1;
}
