using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>How a sparse operator's weight is masked by its scores, and how scores start.</summary>
public static class SparseScores
{
    /// <summary>
    /// The weight a sparse operator computes with: W itself at sparsity 0; W * M with straight-through
    /// gradients while the scores train; W * M alone when they do not (fine-tuning, inference), which
    /// saves the gradient bookkeeping.
    /// </summary>
    public static Tensor Effective(Tensor weight, Tensor scores, double sparsity)
    {
        if (sparsity == 0) return weight;
        using Tensor mask = TopKMask.Compute(scores, sparsity);
        return scores.requires_grad ? TopKMask.Apply(weight, scores, mask) : weight.mul(mask);
    }

    /// <summary>The authors' start when pruning begins: S = sqrt(6 / fan_in) * W / max |W|.</summary>
    public static void FromWeights(Tensor weight, Tensor scores, long fanIn)
    {
        using var noGrad = no_grad();
        scores.copy_(weight.Times(Math.Sqrt(6.0 / fanIn)).div(weight.abs().max()));
    }
}
