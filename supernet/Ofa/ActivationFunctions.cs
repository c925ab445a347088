using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa;

/// <summary>The activations of the OFA space. h-swish(x) = x * relu6(x + 3) / 6 is PyTorch's hardswish.</summary>
public static class ActivationFunctions
{
    /// <summary>
    /// Applies the activation to a BatchNorm output, in place where autograd allows it: ReLU's backward needs only its output, so it may
    /// overwrite a BatchNorm output (as the reference's ReLU(inplace=True)); h-swish needs its input.
    /// Saves one activation-sized allocation per ReLU.
    /// </summary>
    public static Tensor ApplyAfterNorm(Activation activation, Tensor normalized) => activation switch
    {
        Activation.Relu => normalized.relu_(),
        Activation.HSwish => F.hardswish(normalized),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
