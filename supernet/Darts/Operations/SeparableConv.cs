using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts.Operations;

/// <summary>DARTS' SepConv: two depthwise-separable units in a row, the first carrying the stride.</summary>
public sealed class SeparableConv : nn.Module<Tensor, Tensor>
{
    private readonly DilatedConv first;
    private readonly DilatedConv second;

    public SeparableConv(int channels, int kernel, int stride, int padding, bool affine) : base("sep_conv")
    {
        first = new DilatedConv(channels, channels, kernel, stride, padding, 1, affine);
        second = new DilatedConv(channels, channels, kernel, 1, padding, 1, affine);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using Tensor y = first.call(x);
        return second.call(y);
    }
}
