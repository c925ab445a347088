namespace NasPrune.Training.Loops;

public enum TrainingOutcome
{
    /// <summary>All steps ran; the final evaluation and result.json were written.</summary>
    Completed,

    /// <summary>Asked to stop; the current step finished and a checkpoint was written. Rerun to resume.</summary>
    Stopped,
}
