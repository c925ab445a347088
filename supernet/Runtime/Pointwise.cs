using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// 1x1 convolution computed as a matrix product over the channel dimension. Every 1x1 convolution in
/// NasPrune goes through here instead of libtorch's convolution, because libtorch 2.10's oneDNN kernel
/// for a 1x1 forward on channels-last input returns wrong values: on the 2-core AMD EPYC (Zen 5) we run
/// on, for batch >= 2 (>= 32 on one thread) the output channels past the last multiple of 32 (32-39 of
/// 40, 64-79 of 80; out widths 33-45, 65-80, 97-112, 129-136, ...) were wrong at every pixel, by half
/// the output's range, deterministically, so sub-network and extracted outputs still agreed. Its
/// backward is right; so were 3x3 and depthwise convolutions in channels-last
/// (tests/Supernet/Runtime/PointwiseTests.cs checks all of this against float64).
/// A matrix product over the NHWC memory of a channels-last tensor is also what oneDNN's kernel would
/// compute, and autograd gives the backward. The output keeps the input's layout.
/// </summary>
public static class Pointwise
{
    /// <summary>
    /// F.conv2d, except that a 1x1 convolution without padding, dilation or groups goes through
    /// <see cref="Conv"/>: for layers whose kernel size is a parameter (DARTS operations, TAS convolutions).
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        weight.size(2) == 1 && weight.size(3) == 1 && padding == 0 && groups == 1
            ? Conv(x, weight, bias, stride)
            : nn.functional.conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding], dilation: [dilation, dilation], groups: groups);

    private static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

    /// <summary>y[n, o, h, w] = sum_c weight[o, c] x[n, c, h*stride, w*stride] + bias[o].</summary>
    public static Tensor Conv(Tensor x, Tensor weight, Tensor? bias = null, long stride = 1)
    {
        if (x.dim() != 4 || weight.dim() != 4 || weight.size(2) != 1 || weight.size(3) != 1 || weight.size(1) != x.size(1))
            throw new ArgumentException($"a 1x1 convolution needs input [N, C, H, W] and weight [O, C, 1, 1], got [{string.Join(", ", x.shape)}] and [{string.Join(", ", weight.shape)}]");
        // Checked here: libtorch's matmul error on a mismatch ends the process instead of raising.
        if (weight.dtype != x.dtype || (bias is not null && bias.dtype != x.dtype))
            throw new ArgumentException($"a 1x1 convolution needs input, weight and bias of one dtype, got {x.dtype}, {weight.dtype}{(bias is null ? "" : $" and {bias.dtype}")}");
        if (!SameDevice(weight, x) || (bias is not null && !SameDevice(bias, x)))
            throw new ArgumentException($"a 1x1 convolution needs input, weight and bias on one device, got {x.device}, {weight.device}{(bias is null ? "" : $" and {bias.device}")}");
        using var scope = NewDisposeScope();
        // Before striding, whose view is neither layout. A spatial view of a channels-last tensor counts as one: taken
        // for NCHW, it made FactorizedReduce's second half and so the whole output NCHW, and every operation of the
        // next cell ran NCHW (a depthwise convolution's backward there fell back to im2col, about 2x slower).
        bool channelsLast = ChannelsLast.HasChannelsInnermost(x);
        if (stride > 1) x = x.slice(2, 0, x.size(2), stride).slice(3, 0, x.size(3), stride);
        Tensor matrix = weight.flatten(1);   // [O, C]
        Tensor y;
        if (channelsLast)
        {
            // [N, H, W, C] @ [C, O] -> [N, H, W, O] contiguous, seen as [N, O, H, W]: channels-last again.
            y = x.permute(0, 2, 3, 1).matmul(matrix.t());
            if (bias is not null) y = y.Plus(bias);
            y = y.permute(0, 3, 1, 2);
        }
        else
        {
            // [O, C] @ [N, C, H*W] -> [N, O, H*W]: NCHW in, NCHW out.
            long n = x.size(0), h = x.size(2), w = x.size(3);
            y = matrix.matmul(x.reshape(n, x.size(1), h * w));
            if (bias is not null) y = y.Plus(bias.unsqueeze(1));
            y = y.view(n, weight.size(0), h, w);
        }
        return y.MoveToOuterDisposeScope();
    }
}
