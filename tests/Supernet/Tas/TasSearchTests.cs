using NasPrune.Supernet.Tas;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Tas;

public sealed class TasSearchTests
{
    [Fact]
    public void CandidateWidthsAndDepthsAreTheReferences()
    {
        Assert.Equal([4, 6, 8, 9, 11, 12, 14, 16], TasChoices.Widths(16));
        Assert.Equal([9, 12, 16, 19, 22, 25, 28, 32], TasChoices.Widths(32));
        Assert.Equal([1, 2, 3], TasChoices.Depths(3));
        Assert.Equal([1, 3, 4], TasChoices.Depths(4));
        Assert.Equal([1, 3, 5, 7, 9], TasChoices.Depths(9));
        Assert.Equal([1, 3, 5, 7, 9, 11, 13, 15, 17, 18], TasChoices.Depths(18));
    }

    [Theory]
    [InlineData(16, 6)]
    [InlineData(6, 16)]
    [InlineData(7, 3)]
    [InlineData(3, 7)]
    [InlineData(5, 5)]
    public void ChannelWiseInterpolationAveragesTheStatedRangesAndIsDifferentiable(int c, int cOut)
    {
        manual_seed(1);
        Tensor x = randn(2, c, 3, 3, requires_grad: true);
        Tensor y = ChannelWiseInterpolation.Apply(x, cOut);
        Assert.Equal([2L, cOut, 3, 3], y.shape);
        for (int i = 0; i < cOut; i++)
        {
            int start = (int)Math.Floor((double)i * c / cOut), end = (int)Math.Ceiling((double)(i + 1) * c / cOut) - 1;
            end = Math.Max(end, start);
            Tensor expected = x.slice(1, start, end + 1, 1).mean([1]);
            TensorAssert.Close(expected, y.select(1, i), 1e-6, $"channel {i}");
        }
        y.sum().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void ExpectedFlopsEqualsTheBruteForceExpectationAndReachesEveryLogit()
    {
        // A tiny space: 2 blocks a stage, two candidate widths a layer, depths {1, 2}: 2^13 * 2^3 architectures.
        int[] stageWidths = [4, 6, 8];
        var widths = new List<IReadOnlyList<int>> { new[] { 2, 4 } };
        for (int s = 0; s < 3; s++)
            for (int b = 0; b < 2; b++)
            {
                widths.Add(new[] { stageWidths[s] / 2, stageWidths[s] });
                widths.Add(new[] { stageWidths[s] - 1, stageWidths[s] });
            }
        var space = new TasSearchSpace(1, 10, 12, stageWidths, 2, widths, [new[] { 1, 2 }, new[] { 1, 2 }, new[] { 1, 2 }]);
        manual_seed(3);
        var widthLogits = Enumerable.Range(0, space.LayerCount).Select(_ => randn(2, dtype: float64).requires_grad_()).ToList();
        var depthLogits = Enumerable.Range(0, 3).Select(_ => randn(2, dtype: float64).requires_grad_()).ToList();
        var wp = widthLogits.Select(l => nn.functional.softmax(l, 0)).ToList();
        var dp = depthLogits.Select(l => nn.functional.softmax(l, 0)).ToList();
        Tensor expected = ExpectedFlops.Compute(space, wp, dp);

        double[][] w = wp.Select(p => p.data<double>().ToArray()).ToArray();
        double[][] d = dp.Select(p => p.data<double>().ToArray()).ToArray();
        double brute = 0;
        for (int code = 0; code < 1 << (space.LayerCount + 3); code++)
        {
            int[] wi = Enumerable.Range(0, space.LayerCount).Select(l => (code >> l) & 1).ToArray();
            int[] di = Enumerable.Range(0, 3).Select(s => (code >> (space.LayerCount + s)) & 1).ToArray();
            double p = wi.Select((j, l) => w[l][j]).Aggregate(1.0, (a, b) => a * b) * di.Select((j, s) => d[s][j]).Aggregate(1.0, (a, b) => a * b);
            brute += p * space.Architecture(wi, di).Macs(1, 10, 12, stride1Projections: false);
        }
        Assert.Equal(brute, expected.item<double>(), brute * 1e-12);

        expected.backward();
        Assert.All(widthLogits, l => Assert.True(l.grad!.abs().sum().item<double>() > 0));
        Assert.All(depthLogits, l => Assert.True(l.grad!.abs().sum().item<double>() > 0));
    }

    [Fact]
    public void TheCostLossHasThreeRegimesByTheArgmaxCost()
    {
        Tensor e = tensor(2000.0, requires_grad: true);
        Assert.Equal(Math.Log(2000), CostLoss.Compute(e, argmaxFlops: 1100, target: 1000, tolerance: 0.05).item<double>(), 9);
        Assert.Equal(0.0, CostLoss.Compute(e, argmaxFlops: 1040, target: 1000, tolerance: 0.05).item<double>());
        Assert.Equal(-Math.Log(2000), CostLoss.Compute(e, argmaxFlops: 900, target: 1000, tolerance: 0.05).item<double>(), 9);
        // The band where the loss is 0 is the one WithinBand reports.
        Assert.Equal([false, true, true, true, false], new[] { 940.0, 950, 1000, 1050, 1060 }.Select(f => CostLoss.WithinBand(f, 1000, 0.05)).ToArray());
        // Above the band the loss pushes the expected cost down, below it up.
        CostLoss.Compute(e, 1100, 1000, 0.05).backward();
        Assert.True(e.grad!.item<double>() > 0);
    }

    [Fact]
    public void TheStandardSpacesHaveTheReferenceLayerAndDepthCounts()
    {
        TasSearchSpace r20 = TasSearchSpace.ForResNet(20, 1, 10, 28);
        Assert.Equal(1 + 2 * 9, r20.LayerCount);
        Assert.Equal([1, 2, 3], r20.DepthChoices[0]);
        TasSearchSpace r56 = TasSearchSpace.ForResNet(56, 1, 10, 28);
        Assert.Equal([1, 3, 5, 7, 9], r56.DepthChoices[2]);
        Assert.Equal([28, 14, 7], Enumerable.Range(0, 3).Select(r20.StageSize));
        // The full-width, full-depth architecture costs what the plain ResNet-20 costs.
        int[] full = r20.WidthChoices.Select(c => c.Count - 1).ToArray();
        int[] deepest = r20.DepthChoices.Select(c => c.Count - 1).ToArray();
        Assert.Equal(NasPrune.Supernet.Models.ResNetSpec.FromName("resnet20", 1, 10).Macs(28), r20.Architecture(full, deepest).Macs(1, 10, 28));
    }
}
