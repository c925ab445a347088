using NasPrune.Supernet.Models;
using TorchSharp;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Tas;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Runtime;

/// <summary>
/// 1x1 convolutions are matrix products (see Pointwise): libtorch's own kernel returned wrong output
/// channels for channels-last input on the machine this was built on.
/// </summary>
public sealed class PointwiseTests
{
    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    public void ValuesAndGradientsMatchAFloat64ConvolutionForEveryOutputWidth(bool channelsLast, int stride)
    {
        manual_seed(3);
        for (int outChannels = 1; outChannels <= 84; outChannels++)   // 33-45 and 65-80 were the wrong ones
        {
            using var scope = NewDisposeScope();
            Tensor x64 = randn(4, 12, 5, 5, dtype: float64);
            Tensor w64 = randn(outChannels, 12, 1, 1, dtype: float64);
            Tensor b64 = randn(outChannels, dtype: float64);
            var (x, w, b) = (x64.detach().requires_grad_(), w64.detach().requires_grad_(), b64.detach().requires_grad_());
            Tensor expected = nn.functional.conv2d(x, w, b, strides: [stride, stride]);
            Tensor upstream = randn_like(expected);
            expected.mul(upstream).sum().backward();

            Tensor input = channelsLast ? ChannelsLast.Apply(x64.to(float32)) : x64.to(float32);
            var (x32, w32, b32) = (input.detach().requires_grad_(), w64.to(float32).requires_grad_(), b64.to(float32).requires_grad_());
            Tensor actual = Pointwise.Conv(x32, w32, b32, stride);
            actual.mul(upstream.to(float32)).sum().backward();

            string name = $"out {outChannels}, {(channelsLast ? "channels-last" : "NCHW")}, stride {stride}";
            TensorAssert.Close(expected.detach(), actual.detach(), 1e-4, name + ": output");
            TensorAssert.Close(x.grad!, x32.grad!, 1e-4, name + ": input gradient");
            TensorAssert.Close(w.grad!, w32.grad!, 1e-4, name + ": weight gradient");
            TensorAssert.Close(b.grad!, b32.grad!, 1e-4, name + ": bias gradient");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TheOutputKeepsTheInputsLayout(int stride)
    {
        using var scope = NewDisposeScope();
        Tensor weight = randn(7, 5, 1, 1);
        Tensor nchw = randn(2, 5, 6, 6);
        Assert.True(ChannelsLast.IsChannelsLast(Pointwise.Conv(ChannelsLast.Apply(nchw), weight, stride: stride)));
        Assert.True(Pointwise.Conv(nchw, weight, stride: stride).is_contiguous());
    }

    [Fact]
    public void ASpatialViewOfAChannelsLastInputGivesAChannelsLastOutput()
    {
        // DARTS' FactorizedReduce convolves x[:, :, 1:, 1:]: its strides are no longer a dense NHWC tensor's.
        using var scope = NewDisposeScope();
        Tensor weight = randn(6, 8, 1, 1);
        Tensor shifted = ChannelsLast.Apply(randn(2, 8, 6, 6))[.., .., 1.., 1..];
        Assert.False(ChannelsLast.IsChannelsLast(shifted));

        Tensor y = Pointwise.Conv(shifted, weight, stride: 2);

        Assert.True(ChannelsLast.IsChannelsLast(y));
        TensorAssert.Close(nn.functional.conv2d(shifted.contiguous(), weight, strides: [2, 2]), y, 1e-5);
    }

    [Fact]
    public void AWeightThatIsNotOneByOneOverTheInputsChannelsOrOfAnotherDtypeIsRefused()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => Pointwise.Conv(randn(2, 5, 3, 3), randn(7, 5, 3, 3)));
        Assert.Contains("[7, 5, 3, 3]", error.Message);
        Assert.Throws<ArgumentException>(() => Pointwise.Conv(randn(2, 4, 3, 3), randn(7, 5, 1, 1)));
        Assert.Contains("Float64", Assert.Throws<ArgumentException>(() => Pointwise.Conv(randn(2, 5, 3, 3), randn(7, 5, 1, 1, dtype: float64))).Message);
    }

    [Fact]
    public void TheModuleHasConv2dsParameterNamesAndShapes()
    {
        using var conv = new PointwiseConv2d(6, 9, stride: 2, withBias: true);
        Assert.Equal(["weight", "bias"], conv.named_parameters().Select(p => p.name));
        Assert.Equal([9L, 6, 1, 1], conv.weight!.shape);
        using var noGrad = no_grad();
        using Tensor x = randn(2, 6, 5, 5);
        TensorAssert.Close(nn.functional.conv2d(x.to(float64), conv.weight.to(float64), conv.bias!.to(float64), strides: [2, 2]), conv.call(x), 1e-5);
    }

    [Fact]
    public void NoNetworkUsesLibtorchsOneByOneConvolutionModule()
    {
        nn.Module[] networks =
        [
            TinySpace.Supernet(1),
            SubnetExtractor.Extract(TinySpace.Supernet(2), SubnetConfig.Largest(TinySpace.Space)),
            new CifarResNet(new ResNetSpec(8, 1, 10, [16, 32, 64], [5, 27, 37])),
            new TasResNet(TasArchitecture.Parse("stem11|11-14|19-27|25-51"), 1, 10),
        ];
        foreach (nn.Module network in networks)
            using (network)
                Assert.DoesNotContain(ModuleTree.All<Conv2d>(network), conv => conv.kernel_size.All(k => k == 1));
    }

    /// <summary>The end-to-end check: float64 convolutions do not take oneDNN's float32 kernels, so a wrong kernel anywhere shows.</summary>
    [Fact]
    public void ASupernetComputesInFloat32WhatItComputesInFloat64()
    {
        using OfaSupernet net32 = ExtractionTests.Perturbed(seed: 7), net64 = ExtractionTests.Perturbed(seed: 7);
        net64.to(ScalarType.Float64);
        net32.eval();
        net64.eval();
        manual_seed(11);
        using var noGrad = no_grad();
        foreach (SubnetConfig config in new[] { SubnetConfig.Largest(TinySpace.Space), SubnetSampler.Sample(TinySpace.Space, 3) })
        {
            using var scope = NewDisposeScope();
            Tensor x = randn(32, 1, config.Resolution, config.Resolution, dtype: float64);
            TensorAssert.Close(net64.Forward(x, config), net32.Forward(x.to(float32), config), 1e-4, config.ToString());
        }
    }
}
