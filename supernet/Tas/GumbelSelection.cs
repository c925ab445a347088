using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// TAS's sampling (as the reference's select2withP): perturb the log-probabilities with Gumbel noise and
/// divide by the temperature, l' = (log_softmax(a) + g) / tau; then either draw two distinct candidates
/// from softmax(l') with weights softmax(l') renormalised over the two (widths), or use softmax(l') over all
/// candidates (depths). The weights carry the gradient to the logits; the draws use torch's generator.
/// </summary>
public static class GumbelSelection
{
    public static Tensor PerturbedLogits(Tensor logits, double tau)
    {
        // An exponential draw of exactly 0 would give an infinite g and then NaN weights; floor it (the
        // reference redraws). The floor is far below any draw float32 gives in practice.
        Tensor gumbel = empty_like(logits).exponential_().AtLeast(1e-30).log().neg();
        return F.log_softmax(logits, 0).Plus(gumbel).DividedBy(tau);
    }

    /// <summary>Softmax of the perturbed logits over all candidates.</summary>
    public static Tensor Soft(Tensor logits, double tau) => F.softmax(PerturbedLogits(logits, tau), 0);

    /// <summary>Two distinct candidates (one when there is only one) and their renormalised weights.</summary>
    public static (long[] Indices, Tensor Weights) SelectTwo(Tensor logits, double tau)
    {
        Tensor perturbed = PerturbedLogits(logits, tau);
        int count = (int)Math.Min(2, logits.size(0));
        Tensor probabilities = F.softmax(perturbed, 0).detach().Plus(1e-12);
        Tensor chosen = probabilities.multinomial(count, replacement: false);
        long[] indices = chosen.data<long>().ToArray();
        return (indices, F.softmax(perturbed.index_select(0, chosen), 0));
    }
}
