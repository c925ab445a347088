using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// A 1x1 convolution module computed by <see cref="Pointwise.Conv"/>. It is a TorchSharp
/// <see cref="Convolution"/> with PyTorch's parameter names and initialisation (weight [out, in, 1, 1],
/// optional bias), so state dicts, hooks and code that looks for convolutions treat it like nn.Conv2d.
/// </summary>
public sealed class PointwiseConv2d(long inChannels, long outChannels, long stride = 1, bool withBias = false)
    : Convolution("conv", inChannels, outChannels, [1, 1], [stride, stride], [0, 0], null, [1, 1], false, [0, 0], 1, withBias, TorchSharp.PaddingModes.Zeros)
{
    public override Tensor forward(Tensor input) => Pointwise.Conv(input, weight!, bias, this.stride[0]);
}
