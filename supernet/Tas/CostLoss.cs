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
        var (low, high) = Band(target, tolerance);
        if (argmaxFlops > high) return expectedFlops.log();
        if (argmaxFlops < low) return expectedFlops.log().neg();
        return zeros_like(expectedFlops);
    }

    /// <summary>The band where the loss is 0, [(1 - t) R, (1 + t) R]: the tolerance is relative to the target.</summary>
    public static (double Low, double High) Band(double target, double tolerance) => ((1 - tolerance) * target, (1 + tolerance) * target);

    /// <summary>Whether <paramref name="flops"/> is in <see cref="Band"/>.</summary>
    public static bool WithinBand(double flops, double target, double tolerance)
    {
        var (low, high) = Band(target, tolerance);
        return flops >= low && flops <= high;
    }
}
