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
        if (inChannels == outChannels) return x;
        using var scope = NewDisposeScope();
        float[,] m = Matrix(inChannels, outChannels);
        Tensor weight = tensor(m, dtype: x.dtype, device: x.device).reshape(outChannels, inChannels, 1, 1);
        return nn.functional.conv2d(x, weight).MoveToOuterDisposeScope();
    }
}
