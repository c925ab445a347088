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
    /// <summary>
    /// Whether a network with these channel counts gains from the layout: oneDNN's channels-last kernels
    /// vectorise over channels, and with counts that are not multiples of 8 they run slower than NCHW
    /// (measured on a TAS-derived ResNet-20 with widths like 11, 14, 57: 319 vs 650 training images/s,
    /// while with multiples of 8 channels-last gives 856 vs 685).
    /// </summary>
    public static bool Suits(IEnumerable<int> channels) => channels.All(c => c % 8 == 0);

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
