using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// The channels-last (NHWC) memory layout for 4-d activations, which libtorch's CPU convolutions
/// (oneDNN) run several times faster than NCHW for these networks (measured: 2.5x for a supernet
/// training step, 3.4x for batch-128 inference; experiments/results/ofa-supernet-bench.md). The shape
/// stays [N, C, H, W]; only the strides change, and libtorch carries the layout from a convolution's
/// input to its output, through BN, activations and additions. TorchSharp 0.107 has no memory-format
/// API, so the layout is made by a permute-copy-permute. Networks apply it after their first
/// convolution: a 1-channel input is the same in both layouts, so it must be set where C > 1.
/// </summary>
public static class ChannelsLast
{
    /// <summary>The same values in channels-last layout (a copy unless already so laid out).</summary>
    public static Tensor Apply(Tensor x) =>
        x.dim() != 4 || IsChannelsLast(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>True when the strides are those of an NHWC tensor seen as NCHW.</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        long[] strides = x.stride();
        long c = x.size(1), w = x.size(3);
        return strides[1] == 1 && strides[3] == c && strides[2] == c * w;
    }
}
