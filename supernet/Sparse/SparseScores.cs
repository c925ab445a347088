using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>How scores start when pruning begins (the authors' code): S = sqrt(6 / fan_in) * W / max |W|.</summary>
public static class SparseScores
{
    public static void FromWeights(Tensor weight, Tensor scores, long fanIn)
    {
        using var noGrad = no_grad();
        scores.copy_(weight.mul(Math.Sqrt(6.0 / fanIn)).div(weight.abs().max()));
    }
}
