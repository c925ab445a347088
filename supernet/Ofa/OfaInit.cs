using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Ofa.Elastic;
using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// The reference "he_fout" initialisation over a whole network: conv weights N(0, sqrt(2/(k*k*out))),
/// conv biases 0, BN weight 1 and bias 0, linear U(+-1/sqrt(in)) with bias 0. Kernel transformation
/// matrices stay the identity.
/// </summary>
public static class OfaInit
{
    public static void Apply(nn.Module network)
    {
        using var noGrad = no_grad();
        foreach (nn.Module module in ModuleTree.All<nn.Module>(network))
        {
            switch (module)
            {
                case Convolution conv:
                    Init.HeFanOut(conv.weight!);
                    conv.bias?.zero_();
                    break;
                case ElasticPointwiseConv pointwise:
                    Init.HeFanOut(pointwise.Weight);
                    break;
                case ElasticDepthwiseConv depthwise:
                    Init.HeFanOut(depthwise.Weight);
                    break;
                case SafeBatchNorm2d bn:
                    bn.weight!.FillInPlace(1);
                    bn.bias!.zero_();
                    break;
                case Linear linear:
                    Init.Linear(linear.weight!, linear.bias);
                    break;
            }
        }
    }
}
