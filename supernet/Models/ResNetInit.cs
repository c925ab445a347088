using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Models;

/// <summary>The CIFAR ResNets' initialisation: Kaiming-normal (fan-out) conv weights, BN weight 1 and bias 0, PyTorch's default for linear layers.</summary>
public static class ResNetInit
{
    public static void Apply(nn.Module network)
    {
        using var noGrad = no_grad();
        foreach (nn.Module module in ModuleTree.All<nn.Module>(network))
        {
            switch (module)
            {
                case Convolution conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case SafeBatchNorm2d bn:
                    nn.init.ones_(bn.weight);
                    nn.init.zeros_(bn.bias);
                    break;
            }
        }
    }
}
