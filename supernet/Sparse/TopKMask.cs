using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// The mask of a sparse operator: keeps exactly the N - round(p * N) entries with the largest |score|
/// (ties broken by position, as topk does), so the achieved sparsity is round(p * N) / N exactly.
/// </summary>
public static class TopKMask
{
    public static long Kept(long count, double sparsity) => count - (long)Math.Round(sparsity * count);

    public static Tensor Compute(Tensor scores, double sparsity)
    {
        if (sparsity is < 0 or > 1) throw new ArgumentException($"sparsity must be in [0, 1], got {sparsity}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor flat = scores.abs().flatten();
        long kept = Kept(flat.numel(), sparsity);
        Tensor mask = zeros_like(flat);
        if (kept > 0) mask.IndexFillInPlace(0, flat.topk((int)kept).Item2, 1);
        return mask.reshape(scores.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// W * M in the forward pass with straight-through gradients: dL/dW = dL/dW_eff * M and
    /// dL/dS = dL/dW_eff * W * sign(S). The mask ranks |S|, so the straight-through estimate passes
    /// through that |.| as in the authors' (HYDRA's) code, which masks by scores.abs(): without sign(S)
    /// a negative score would move its |S|, and so its rank, the wrong way.
    /// </summary>
    public static Tensor Apply(Tensor weight, Tensor scores, Tensor mask)
    {
        using var scope = NewDisposeScope();
        Tensor direction = weight.detach().mul(scores.detach().sign());
        return weight.mul(mask).Plus(scores.sub(scores.detach()).mul(direction)).MoveToOuterDisposeScope();
    }
}
