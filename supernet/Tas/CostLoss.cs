using static TorchSharp.torch;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// TAS's cost loss: with target R and tolerance t, chosen by the cost F of the current argmax architecture:
/// log E(F) above (1 + t) R, 0 within, -log E(F) below (1 - t) R.
/// </summary>
public static class CostLoss
{
    public static Tensor Compute(Tensor expectedFlops, double argmaxFlops, double target, double tolerance)
    {
        if (argmaxFlops > (1 + tolerance) * target) return expectedFlops.log();
        if (argmaxFlops < (1 - tolerance) * target) return expectedFlops.log().neg();
        return zeros_like(expectedFlops);
    }

    /// <summary>Whether <paramref name="flops"/> is in the band where the loss is 0, [(1 - t) R, (1 + t) R].</summary>
    public static bool WithinBand(double flops, double target, double tolerance) =>
        flops >= (1 - tolerance) * target && flops <= (1 + tolerance) * target;
}
