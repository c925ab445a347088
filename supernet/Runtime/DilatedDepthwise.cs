using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// A dilated depthwise convolution (DARTS' dil_conv) rewritten, when it is to be differentiated, as undilated ones.
/// Two reasons, measured on the 2-core AMD EPYC (batch 64, one thread, forward and backward, channels-last):
/// <list type="bullet">
/// <item>Correctness. On the machine of 2026-12-01 (AMD EPYC, family 26), libtorch 2.10's own dilated depthwise
/// convolution in channels-last gave a wrong input gradient (off by up to the gradient's own size; forward values and
/// NCHW right), whatever ONEDNN_MAX_CPU_ISA, ATEN_CPU_CAPABILITY, MKL's settings or the thread count; the machines
/// before did not. So no gradient goes through it: every stride-1 case runs as polyphase components.</item>
/// <item>Speed. Strided and dilated (a reduction cell's input edges): libtorch ran im2col and a matrix product per
/// channel, 8-24 ms a call. With stride = dilation = d and padding a multiple of d, every output reads only the input
/// pixels whose row and column are multiples of d, so it is an undilated stride-1 convolution of x[:, :, ::d, ::d]:
/// 2.7-7.2x faster (the same products, summed in another order). Stride 1 with a kernel wider than the image once
/// dilated: polyphase was 1.6-4.4x faster than libtorch's im2col. Where the kernel fits the image, polyphase runs at
/// 0.5-1.4x the speed of libtorch's (wrong) channels-last kernel and 0.8-3.2x that of its (right) NCHW one with the
/// two layout copies (the DARTS shapes, 8-32 channels, 7-28 pixels, beside two training jobs), so polyphase it is.</item>
/// </list>
/// Other strides run at stride 1 and are subsampled (the same sums; the output sizes agree for any padding).
/// Without gradients (inference, evaluation) libtorch's own convolution runs: its forward values are right, and timed
/// forward only at batch 1 and 32 it was the fastest in 35 of 36 shapes, where the rewrites ran at 0.1-1.0x its speed.
/// The output keeps the input's layout.
/// </summary>
public static class DilatedDepthwise
{
    /// <summary>F.conv2d with the given stride, padding, dilation and groups (groups = input channels; the identities hold for any groups).</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, long stride, long padding, long dilation, long groups)
    {
        if (dilation == 1 || !NeedsGradient(x, weight))
            return nn.functional.conv2d(x, weight, strides: [stride, stride], padding: [padding, padding], dilation: [dilation, dilation], groups: groups);
        using var scope = NewDisposeScope();
        Tensor y;
        if (stride == dilation && padding % dilation == 0)
            y = Undilated(x[.., .., TensorIndex.Slice(0, null, dilation), TensorIndex.Slice(0, null, dilation)], weight, padding / dilation, groups);
        else
        {
            Tensor full = Polyphase(x, weight, padding, dilation, groups);
            y = stride == 1 ? full : full[.., .., TensorIndex.Slice(0, null, stride), TensorIndex.Slice(0, null, stride)];
        }
        return InLayoutOf(x, y).MoveToOuterDisposeScope();
    }

    /// <summary>y (a strided view or an interleaved copy) in x's layout: channels-last, or contiguous NCHW.</summary>
    private static Tensor InLayoutOf(Tensor x, Tensor y) => ChannelsLast.HasChannelsInnermost(x) ? ChannelsLast.Apply(y) : y.contiguous();

    private static bool NeedsGradient(Tensor x, Tensor weight) => is_grad_enabled() && (x.requires_grad || weight.requires_grad);

    private static Tensor Undilated(Tensor x, Tensor weight, long padding, long groups) =>
        nn.functional.conv2d(x, weight, strides: [1, 1], padding: [padding, padding], groups: groups);

    /// <summary>
    /// Stride 1: output pixel (i + d m, j + d n) reads only input pixels (i + d a, j + d b), so each of the d x d
    /// components x[:, :, i::d, j::d] is convolved undilated (padding / d) and the results are interleaved. The
    /// image is zero-padded to a multiple of d first, which the convolution's own zero padding would have read; a
    /// padding that is not a multiple of d is applied to the image first (the components then need none).
    /// </summary>
    private static Tensor Polyphase(Tensor x, Tensor weight, long padding, long d, long groups)
    {
        if (padding % d != 0)
        {
            x = nn.functional.pad(x, [padding, padding, padding, padding]);
            padding = 0;
        }
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        long hp = (h + d - 1) / d * d, wp = (w + d - 1) / d * d;
        Tensor padded = hp == h && wp == w ? x : nn.functional.pad(x, [0, wp - w, 0, hp - h]);
        // Batch the components in channels-last memory: [N, H, W, C] -> [N, h', d, w', d, C] -> [N, d, d, h', w', C].
        Tensor phases = padded.permute(0, 2, 3, 1).reshape(n, hp / d, d, wp / d, d, c).permute(0, 2, 4, 1, 3, 5)
            .contiguous().view(n * d * d, hp / d, wp / d, c).permute(0, 3, 1, 2);
        Tensor y = Undilated(phases, weight, padding / d, groups);
        long ho = y.size(2), wo = y.size(3);
        Tensor interleaved = y.permute(0, 2, 3, 1).reshape(n, d, d, ho, wo, c).permute(0, 3, 1, 4, 2, 5)
            .reshape(n, ho * d, wo * d, c);
        long hOut = h + 2 * padding - d * (weight.size(2) - 1), wOut = w + 2 * padding - d * (weight.size(3) - 1);
        return interleaved[.., TensorIndex.Slice(0, hOut), TensorIndex.Slice(0, wOut), ..].permute(0, 3, 1, 2);
    }
}
