using NasPrune.Supernet.Models;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Runtime;

public sealed class LayerCostsTests
{
    [Fact]
    public void CountsWeightsNonZerosAndMacsPerLayerAsByHand()
    {
        manual_seed(3);
        var sparse = new SparseLinear(64, 10) { Sparsity = 0.25 };
        sparse.InitialiseScores();
        var conv = nn.Conv2d(2, 4, 3, padding: 1, bias: false);                 // [1, 2, 8, 8] -> [1, 4, 8, 8]
        var bn = nn.BatchNorm2d(4);
        var grouped = nn.Conv2d(4, 4, 3, stride: 2, padding: 1, groups: 2);     // -> [1, 4, 4, 4]; weight [4, 2, 3, 3]
        var net = nn.Sequential(("conv", conv), ("bn", bn), ("grouped", grouped), ("flatten", nn.Flatten()),
            ("sparse", sparse),                                                 // 64 -> 10, a quarter masked
            ("fc", nn.Linear(10, 3)));
        using (no_grad()) conv.weight![0].zero_();                              // one filter of 2 x 3 x 3 = 18 weights zeroed
        net.train();
        bn.eval();                                                              // a mode of its own, to be kept

        var costs = LayerCosts.Measure(net, [1, 2, 8, 8], CPU);

        Assert.Equal(
            [
                new LayerCost("conv", 72, 54, 64 * 72, 64 * 54),
                new LayerCost("grouped", 72, 72, 16 * 72, 16 * 72),
                new LayerCost("sparse", 640, 480, 640, 480),
                new LayerCost("fc", 30, 30, 30, 30),
            ],
            costs);
        Assert.True(net.training);
        Assert.False(bn.training);
        Assert.True(grouped.training);
    }

    [Fact]
    public void FiguresArePerImageAndMatchTheResNetsOwnCount()
    {
        var spec = ResNetSpec.FromName("resnet8", 1, 10);
        using var net = new CifarResNet(spec);
        net.eval();
        var one = LayerCosts.Measure(net, [1, 1, 28, 28], CPU);
        var three = LayerCosts.Measure(net, [3, 1, 28, 28], CPU);
        Assert.Equal(spec.Macs(28), one.Sum(c => c.Macs));
        Assert.Equal(one, three);
        Assert.Equal(net.parameters().Where(p => p.dim() >= 2).Sum(p => p.numel()), one.Sum(c => c.Weights));
        Assert.False(net.training);
    }
}
