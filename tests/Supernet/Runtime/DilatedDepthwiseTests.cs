using NasPrune.Supernet.Runtime;
using NasPrune.Tests.TestSupport;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Runtime;

/// <summary>
/// DilatedDepthwise rewrites dilated depthwise convolutions that are to be differentiated as undilated ones (phase 0
/// when stride = dilation, the polyphase components otherwise, subsampled at other strides): its values, both
/// gradients and its output layout must be libtorch's own convolution's, in float64, for every path and the odd sizes
/// that need padding; so must its values and layout without gradients. The undilated depthwise convolutions it
/// rewrites into (and the OFA supernet's) are checked against float64 on their own, since a libtorch kernel can be
/// wrong on one machine and right on another (its channels-last dilated one was, on 2026-12-01).
/// </summary>
public sealed class DilatedDepthwiseTests
{
    [Theory]
    [InlineData(5, 7, 1, 4, 2)]    // polyphase: a 9-pixel kernel on a 7 x 7 image (padded to 8)
    [InlineData(3, 3, 1, 2, 2)]    // polyphase: 5 pixels on 3
    [InlineData(5, 6, 1, 6, 3)]    // polyphase at dilation 3 (the 7 columns padded to 9)
    [InlineData(5, 7, 1, 2, 2)]    // polyphase, less than "same" padding: a 3 x 4 output
    [InlineData(3, 14, 2, 2, 2)]   // phase 0
    [InlineData(5, 13, 2, 4, 2)]   // phase 0, odd size
    [InlineData(3, 10, 3, 3, 3)]   // phase 0 at dilation 3
    [InlineData(3, 12, 1, 2, 2)]   // polyphase, kernel fits the image (libtorch's channels-last kernel got its input gradient wrong)
    [InlineData(5, 14, 1, 4, 2)]   // polyphase, DARTS' dil_conv_5x5 on a 14 x 14 reduction-cell node
    [InlineData(3, 12, 1, 1, 2)]   // polyphase, padding not a multiple of the dilation (padded first)
    [InlineData(5, 11, 3, 4, 2)]   // stride 3, dilation 2: polyphase, subsampled
    [InlineData(3, 9, 2, 1, 2)]    // padding not a multiple of the dilation: polyphase, subsampled
    public void ValuesGradientsAndLayoutAreLibtorchs(int kernel, int size, int stride, int padding, int dilation)
    {
        foreach (bool channelsLast in new[] { true, false })
        {
            manual_seed(11);
            using var scope = NewDisposeScope();
            const int channels = 6;
            Tensor x64 = randn(3, channels, size, size + 1, dtype: float64);   // not square: rows and columns apart
            Tensor w64 = randn(channels, 1, kernel, kernel, dtype: float64);
            Tensor input = channelsLast ? ChannelsLast.Apply(x64.to(float32)) : x64.to(float32);
            string name = $"k{kernel} size {size} stride {stride} padding {padding} dilation {dilation} channels-last {channelsLast}";
            var (expected, actual) = MatchesFloat64(x64, w64, input,
                (x, w) => nn.functional.conv2d(x, w, strides: [stride, stride], padding: [padding, padding], dilation: [dilation, dilation], groups: channels),
                (x, w) => DilatedDepthwise.Conv2d(x, w, stride, padding, dilation, channels), name);
            Assert.Equal(channelsLast, ChannelsLast.IsChannelsLast(actual));
            Assert.True(channelsLast || actual.is_contiguous(), name + ": NCHW in, contiguous NCHW out");

            // Without gradients (evaluation) libtorch's own convolution runs: the same values and layout.
            using (no_grad())
            {
                Tensor inference = DilatedDepthwise.Conv2d(input, w64.to(float32), stride, padding, dilation, channels);
                TensorAssert.Close(expected, inference, 1e-4, name + " without gradients");
                Assert.Equal(channelsLast, ChannelsLast.IsChannelsLast(inference));
            }
        }
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 1)]
    [InlineData(7, 2)]
    public void LibtorchsUndilatedDepthwiseGradientsAreRightInChannelsLast(int kernel, int stride)
    {
        manual_seed(5);
        using var scope = NewDisposeScope();
        const int channels = 12;
        Tensor x64 = randn(2, channels, 9, 10, dtype: float64);
        Tensor w64 = randn(channels, 1, kernel, kernel, dtype: float64);
        Func<Tensor, Tensor, Tensor> conv = (x, w) => nn.functional.conv2d(x, w, strides: [stride, stride], padding: [kernel / 2, kernel / 2], groups: channels);
        MatchesFloat64(x64, w64, ChannelsLast.Apply(x64.to(float32)), conv, conv, $"k{kernel} stride {stride} channels-last");
    }

    /// <summary>
    /// Runs <paramref name="reference"/> in float64 and <paramref name="candidate"/> on the float32 <paramref name="input"/>
    /// (x64's values, in the layout under test) with the same upstream gradient, and asserts equal values and gradients
    /// of input and weight. Returns both outputs for further checks.
    /// </summary>
    private static (Tensor Expected, Tensor Actual) MatchesFloat64(Tensor x64, Tensor w64, Tensor input,
        Func<Tensor, Tensor, Tensor> reference, Func<Tensor, Tensor, Tensor> candidate, string name)
    {
        var (x, w) = (x64.detach().requires_grad_(), w64.detach().requires_grad_());
        Tensor expected = reference(x, w);
        Tensor upstream = randn_like(expected);
        expected.mul(upstream).sum().backward();

        var (x32, w32) = (input.detach().requires_grad_(), w64.to(float32).requires_grad_());
        Tensor actual = candidate(x32, w32);
        actual.mul(upstream.to(float32)).sum().backward();

        TensorAssert.Close(expected, actual, 1e-4, name);
        TensorAssert.Close(x.grad!, x32.grad!, 1e-4, name + " input gradient");
        TensorAssert.Close(w.grad!, w32.grad!, 1e-3, name + " weight gradient");
        return (expected, actual);
    }
}
