namespace NasPrune.Training.Dass;

/// <summary>
/// What trains in a DASS / HYDRA phase and at which sparsity: dense training of weights (and, while
/// searching, architecture logits); pruning, where the importance scores train under the target
/// sparsity and, of the other parameters, only the BatchNorm scales and shifts (as in HYDRA's code);
/// fine-tuning of weights (and logits) under the now fixed mask.
/// </summary>
public enum DassStage
{
    Dense,
    Prune,
    Finetune,
}

/// <param name="Searching">A phase of the search network (else of the derived network).</param>
public sealed record DassPhase(string Name, bool Searching, DassStage Stage, int Epochs, double PeakLr)
{
    public bool TrainsScores => Stage == DassStage.Prune;
    public bool TrainsWeights => Stage != DassStage.Prune;
    public bool TrainsArchitecture => Searching && Stage != DassStage.Prune;
    public double Sparsity(double target) => Stage == DassStage.Dense ? 0 : target;
}
