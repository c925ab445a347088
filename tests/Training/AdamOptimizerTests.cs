using NasPrune.Tests.TestSupport;
using NasPrune.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training;

public sealed class AdamOptimizerTests
{
    [Fact]
    public void MatchesTorchAdamWithWeightDecay()
    {
        manual_seed(1);
        var ours = new Parameter(randn(5, 3));
        var theirs = new Parameter(ours.detach().clone());
        Tensor target = randn(5, 3);
        using var adam = new AdamOptimizer([("w", ours)], lr: 1e-2, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3);
        using var reference = optim.Adam([theirs], lr: 1e-2, beta1: 0.5, beta2: 0.999, weight_decay: 1e-3);
        for (int i = 0; i < 20; i++)
        {
            adam.ZeroGrad();
            ours.sub(target).square().sum().backward();
            adam.Step();
            reference.zero_grad();
            theirs.sub(target).square().sum().backward();
            reference.step();
        }
        TensorAssert.Close(theirs, ours, 1e-6, "after 20 steps");
    }
}
