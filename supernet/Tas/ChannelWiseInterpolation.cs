using NasPrune.Supernet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// Channel-wise interpolation (TAS): maps C input channels to C' output channels; output channel i is
/// the mean of input channels floor(i*C/C') .. ceil((i+1)*C/C') - 1. It both shrinks and enlarges, and is
/// linear, so it runs as a 1x1 convolution with a fixed averaging matrix (differentiable in the input).
/// </summary>
public static class ChannelWiseInterpolation
{
    /// <summary>The [C', C] averaging matrix: row i holds 1/len over its input range.</summary>
    public static float[,] Matrix(int inChannels, int outChannels)
    {
        var m = new float[outChannels, inChannels];
        for (int i = 0; i < outChannels; i++)
        {
            var (start, end) = Range(i, inChannels, outChannels);
            for (int c = start; c < end; c++) m[i, c] = 1f / (end - start);
        }
        return m;
    }

    /// <summary>Input channels [start, end) averaged into output channel <paramref name="i"/>.</summary>
    public static (int Start, int End) Range(int i, int inChannels, int outChannels)
    {
        int start = (int)((long)i * inChannels / outChannels);
        int end = (int)(((long)(i + 1) * inChannels + outChannels - 1) / outChannels);
        return (start, Math.Max(end, start + 1));
    }

    public static Tensor Apply(Tensor x, int outChannels)
    {
        int inChannels = (int)x.size(1);
        return inChannels == outChannels ? x : Pointwise.Conv(x, Weight(inChannels, outChannels, x.dtype, x.device));
    }

    /// <summary>
    /// The averaging matrix as a [C', C, 1, 1] conv weight, built once per shape, type and device: the search
    /// network applies it at every layer of every step. Kept outside any dispose scope for the process's life.
    /// </summary>
    private static Tensor Weight(int inChannels, int outChannels, ScalarType dtype, Device device) =>
        Weights.GetOrAdd((inChannels, outChannels, dtype, device.ToString()), _ =>
            tensor(Matrix(inChannels, outChannels), dtype: dtype, device: device).reshape(outChannels, inChannels, 1, 1).DetachFromDisposeScope());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, ScalarType, string), Tensor> Weights = new();
}
