using NasPrune.Supernet.Models;
using NasPrune.Supernet.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Sparse;

/// <summary>A magnitude-pruned ResNet run through the sparse kernel (every conv, shortcut and the classifier).</summary>
public sealed class PlainLayerKernelsTests
{
    private static CifarResNet PrunedResNet(double sparsity)
    {
        manual_seed(11);
        var net = new CifarResNet(ResNetSpec.FromName("resnet8", 1, 10));
        using (var masks = new MagnitudeMasks(net)) masks.Prune(sparsity, minKeep: 0.02);
        net.eval();
        return net;
    }

    [Fact]
    public void ThePrunedResNetGivesTheDenseOutputsThroughTheSparseKernel()
    {
        using CifarResNet net = PrunedResNet(0.9);
        using var noGrad = no_grad();
        using Tensor x = randn(3, 1, 28, 28);
        using Tensor dense = net.call(x);

        net.UseSparseKernels(true);
        using Tensor sparse = net.call(x);
        net.UseSparseKernels(false);
        using Tensor denseAgain = net.call(x);

        Assert.True(sparse.allclose(dense, rtol: 1e-4, atol: 1e-5), $"max difference {sparse.sub(dense).abs().max().item<float>()}");
        Assert.True(denseAgain.equal(dense).all().item<bool>());
    }

    [Fact]
    public void TheKernelReallyRunsAndTrainingModeIgnoresIt()
    {
        using CifarResNet net = PrunedResNet(0.9);
        using var noGrad = no_grad();
        using Tensor x = randn(2, 1, 28, 28);
        net.UseSparseKernels(true);
        // The kernel uses the weights frozen when it was switched on: zeroing a weight now changes only the dense path.
        foreach (var (name, p) in net.named_parameters())
            if (name.EndsWith("conv1.weight", StringComparison.Ordinal)) p.zero_();
        using Tensor sparse = net.call(x);
        net.train();
        using Tensor training = net.call(x);
        net.eval();
        net.UseSparseKernels(false);
        using Tensor dense = net.call(x);

        Assert.False(sparse.allclose(dense, rtol: 1e-4, atol: 1e-5));
        Assert.Equal(2, training.size(0));
    }
}
