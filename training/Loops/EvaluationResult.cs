namespace NasPrune.Training.Loops;

/// <summary>Mean cross-entropy (no label smoothing) and top-1 / top-5 accuracy in percent.</summary>
public sealed record EvaluationResult(double Loss, double Top1, double Top5, int Images);
