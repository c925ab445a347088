using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// The channels-last (NHWC) memory layout for 4-d activations. ResNets (TAS, filter-pruned) and OFA networks
/// apply it after their first convolution, DARTS networks when their widths allow
/// (DartsNetworkSpec.UsesChannelsLast); a 1-channel input is the same in both layouts, so it must be set
/// where C > 1. libtorch carries it from a convolution's input to its output, through BN, activations and
/// additions; the shape stays [N, C, H, W], only the strides change. TorchSharp 0.107 has no memory-format
/// API, so the layout is made by a permute-copy-permute.
/// <para>
/// Why ResNets whatever their widths: (1) correctness. For an NCHW convolution libtorch 2.10 copies
/// the input into oneDNN's 16-channel-blocked layout (aBcd16b), padding the channels up to a multiple of 16,
/// and the padding is not always cleared: where that memory holds a NaN or infinity bit pattern, output and
/// weight gradient get NaN from finite inputs. Measured on a 2-core AMD EPYC (Zen 5), 3x3 convolutions,
/// batch 16, 120 random trials each: 25 or 28 input channels in NCHW gave NaN in 16 to 31; the same in
/// channels-last (no padded copy) in none of 1,200; 1, 3 and 11 input channels in none. It made
/// TAS-derived and filter-pruned networks, whose widths are arbitrary, diverge to NaN within a few steps in
/// about one run in ten. (2) speed: oneDNN's channels-last kernels ran a supernet training step 2.5x and
/// batch-128 inference 3.4x faster than NCHW (experiments/results/ofa-supernet-bench.md), and a
/// TAS-derived ResNet-20 with widths like 11, 19, 57 trained 1.2-1.3x faster on that EPYC (148-159 vs
/// 110-130 images/s, one thread, machine loaded). On a 2-core Xeon that network had been slower in
/// channels-last (319 vs 650 images/s); correctness decides.
/// </para>
/// </summary>
public static class ChannelsLast
{
    /// <summary>The same values in channels-last layout (a copy unless already so laid out).</summary>
    public static Tensor Apply(Tensor x) =>
        x.dim() != 4 || IsChannelsLast(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>
    /// True when the channels are innermost in memory: a channels-last tensor, or a spatial view of one (such as
    /// DARTS' FactorizedReduce's input shifted by a pixel, x[:, :, 1:, 1:]), whose strides are no longer those of
    /// a dense NHWC tensor. A 1-channel tensor is false (both layouts are one).
    /// </summary>
    public static bool HasChannelsInnermost(Tensor x) => x.dim() == 4 && x.size(1) > 1 && x.stride(1) == 1;

    /// <summary>True when the strides are those of an NHWC tensor seen as NCHW.</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        long[] strides = x.stride();
        long c = x.size(1), w = x.size(3);
        return strides[1] == 1 && strides[3] == c && strides[2] == c * w;
    }
}
