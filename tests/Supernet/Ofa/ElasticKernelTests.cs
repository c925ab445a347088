using NasPrune.Supernet.Ofa.Elastic;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Ofa;

public sealed class ElasticKernelTests
{
    [Fact]
    public void WithIdentityMatricesSmallerKernelsAreCentreCrops()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var conv = new ElasticDepthwiseConv(12, [3, 5, 7], stride: 1);
        Tensor full = conv.Weight.detach();
        TensorAssert.Close(full.slice(0, 0, 8, 1).slice(2, 1, 6, 1).slice(3, 1, 6, 1), conv.ActiveWeight(8, 5), 0, "5x5");
        TensorAssert.Close(full.slice(0, 0, 8, 1).slice(2, 2, 5, 1).slice(3, 2, 5, 1), conv.ActiveWeight(8, 3), 0, "3x3");
    }

    [Fact]
    public void GradientsReachTheLargestKernelAndTheMatricesInUse()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var conv = new ElasticDepthwiseConv(8, [3, 5, 7], stride: 1);
        conv.Forward(randn(2, 6, 9, 9), kernel: 3).square().sum().backward();
        Assert.True(conv.Weight.grad!.abs().sum().item<float>() > 0);
        Assert.All(conv.Transforms, t => Assert.True(t.grad!.abs().sum().item<float>() > 0));
        // Only the centre 3x3 of the first 6 channels was used.
        Assert.Equal(0f, conv.Weight.grad!.slice(0, 6, 8, 1).abs().sum().item<float>());
        Assert.Equal(0f, conv.Weight.grad!.slice(2, 0, 2, 1).abs().sum().item<float>());

        conv.zero_grad();
        conv.Forward(randn(2, 6, 9, 9), kernel: 7).square().sum().backward();
        Assert.All(conv.Transforms, t => Assert.True(t.grad is null || t.grad.abs().sum().item<float>() == 0));
    }
}
