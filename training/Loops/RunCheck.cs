namespace NasPrune.Training.Loops;

/// <summary>What <see cref="RunTrainer.Check"/> found: the task, its phases, and where a run would start or resume.</summary>
public sealed record RunCheck(string Description, IReadOnlyList<RunCheck.Phase> Phases, long TotalSteps, long StartStep, bool Complete)
{
    /// <summary>One phase of the plan: its name, epochs (warm-up included) and steps.</summary>
    public sealed record Phase(string Name, int Epochs, long Steps);
}
