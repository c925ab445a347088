using NasPrune.Supernet.Models;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Tas;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Runtime;

/// <summary>
/// Networks with arbitrary widths run their convolutions on channels-last activations: NCHW inputs with
/// such channel counts made libtorch's oneDNN path produce NaN (see ChannelsLast).
/// </summary>
public sealed class ChannelsLastTests
{
    [Fact]
    public void ATasDerivedNetworkWithOddWidthsFeedsEveryInnerConvolutionChannelsLast() =>
        AssertInnerConvolutionsSeeChannelsLast(new TasResNet(TasArchitecture.Parse("stem11|11-14|19-27|25-51"), 1, 10));

    [Fact]
    public void AFilterPrunedResNetFeedsEveryInnerConvolutionChannelsLast() =>
        AssertInnerConvolutionsSeeChannelsLast(new CifarResNet(new ResNetSpec(8, 1, 10, [16, 32, 64], [5, 27, 37])));

    [Fact]
    public void ApplyKeepsValuesAndShapeAndIsIdempotent()
    {
        using Tensor x = randn(2, 5, 3, 4);
        Tensor y = ChannelsLast.Apply(x);
        Assert.True(ChannelsLast.IsChannelsLast(y));
        Assert.False(ChannelsLast.IsChannelsLast(x));
        Assert.Equal(x.shape, y.shape);
        Assert.True(x.eq(y).all().item<bool>());
        Assert.Same(y, ChannelsLast.Apply(y));
    }

    private static void AssertInnerConvolutionsSeeChannelsLast(nn.Module<Tensor, Tensor> net)
    {
        using (net)
        {
            var layouts = new List<(long Channels, bool ChannelsLast)>();
            foreach (Convolution conv in ModuleTree.All<Convolution>(net))
                conv.register_forward_pre_hook((_, x) =>
                {
                    layouts.Add((x.size(1), ChannelsLast.IsChannelsLast(x)));
                    return x;
                });
            net.train();
            using (var scope = NewDisposeScope()) net.call(randn(4, 1, 28, 28));
            Assert.Contains(layouts, l => l.Channels % 8 != 0 && l.Channels > 16);
            Assert.All(layouts.Where(l => l.Channels > 1), l => Assert.True(l.ChannelsLast, $"a convolution over {l.Channels} channels got NCHW input"));
        }
    }
}
