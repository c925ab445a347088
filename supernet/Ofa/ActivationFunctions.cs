using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa;

/// <summary>The activations of the OFA space. h-swish(x) = x * relu6(x + 3) / 6 is PyTorch's hardswish.</summary>
public static class ActivationFunctions
{
    public static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.Relu => F.relu(x),
        Activation.HSwish => F.hardswish(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
