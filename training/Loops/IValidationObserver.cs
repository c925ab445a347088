namespace NasPrune.Training.Loops;

/// <summary>Sees every epoch-end validation of a run (hyper-parameter tuning reports them to its pruner).</summary>
public interface IValidationObserver
{
    void Validated(string phase, int epoch, EvaluationResult result);
}
