using NasPrune.Supernet.Pruning;
using NasPrune.Supernet.Sparse;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Sparse;

public sealed class SparseOperatorTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    public void AchievedSparsityEqualsTheTargetExactly(double p)
    {
        manual_seed(1);
        var conv = new SparseConv2d(16, 24, 3, padding: 1) { Sparsity = p };
        var linear = new SparseLinear(100, 10) { Sparsity = p };
        conv.InitialiseScores();
        linear.InitialiseScores();
        foreach (ISparseLayer layer in new ISparseLayer[] { conv, linear })
        {
            long n = layer.Weight.numel();
            long zeros = (layer.EffectiveWeight().eq(0).sum().item<long>());
            Assert.Equal((long)Math.Round(p * n), zeros);
            Assert.Equal(n - (long)Math.Round(p * n), layer.Mask().sum().item<float>());
        }
        Assert.Equal([2L, 24, 8, 8], conv.call(randn(2, 16, 8, 8)).shape);
    }

    [Fact]
    public void GradientsReachTheScoresThroughTheMaskStraightThrough()
    {
        manual_seed(2);
        var layer = new SparseLinear(6, 4) { Sparsity = 0.5 };
        layer.InitialiseScores();
        using (no_grad()) layer.Scores.add_(randn_like(layer.Scores).mul(0.01)); // scores differ from weights' order a little
        Tensor x = randn(5, 6);
        Tensor upstream = randn(5, 4);
        layer.call(x).mul(upstream).sum().backward();
        Tensor dWeff = upstream.t().matmul(x); // dL/dW_eff for y = x W^T
        Tensor mask = layer.Mask();
        // Through the |S| that the mask ranks: dL/dS = dL/dW_eff * W * sign(S), so the step moves |S| by -dL/dW_eff * W * lr whatever S's sign.
        Assert.True(layer.Scores.lt(0).any().item<bool>() && layer.Scores.gt(0).any().item<bool>());
        TensorAssert.Close(dWeff.mul(layer.Weight.detach()).mul(layer.Scores.detach().sign()), layer.Scores.grad!, 1e-5, "scores");
        TensorAssert.Close(dWeff.mul(mask), layer.Weight.grad!, 1e-5, "weights");
        Assert.True(layer.Scores.grad!.mul(mask.neg().add(1)).abs().sum().item<float>() > 0); // pruned entries' scores learn too
    }

    [Fact]
    public void ScoresStartFromTheWeightsScaledByTheFanIn()
    {
        manual_seed(3);
        var conv = new SparseConv2d(4, 8, 3);
        conv.InitialiseScores();
        double scale = Math.Sqrt(6.0 / (4 * 9)) / conv.Weight.abs().max().item<float>();
        TensorAssert.Close(conv.Weight.mul(scale), conv.Scores, 1e-6, "scores");
        conv.Sparsity = 0.5; // at init the mask keeps the largest weights
        TensorAssert.Close(TopKMask.Compute(conv.Weight, 0.5), conv.Mask(), 0, "mask");
    }

    [Fact]
    public void GlobalMagnitudePruningUsesOneThresholdAndKeepsTheMinimumShare()
    {
        manual_seed(4);
        Tensor big = randn(1000).mul(1.0);
        Tensor small = randn(100).mul(0.01); // would be pruned away entirely by a single threshold
        var masks = GlobalMagnitudePruning.Masks([big, small], sparsity: 0.9, minKeep: 0.05);
        long keptTotal = masks.Sum(m => (long)m.sum().item<float>());
        Assert.Equal(1100 - (long)Math.Round(0.9 * 1100), keptTotal);
        Assert.Equal(5, (long)masks[1].sum().item<float>()); // the minimum share of the small layer
        // In the free layer every kept weight is at least as large as every pruned one.
        float smallestKept = big.abs().masked_select(masks[0].to_type(ScalarType.Bool)).min().item<float>();
        float largestPruned = big.abs().masked_select(masks[0].eq(0)).max().item<float>();
        Assert.True(smallestKept >= largestPruned);
    }

    [Fact]
    public void GradualPruningFollowsTheCubicSchedule()
    {
        var schedule = new GradualPruningSchedule(0, 0.9, StartStep: 100, Every: 10, Updates: 10);
        Assert.Equal(0, schedule.At(99));
        Assert.Equal(0, schedule.At(100));
        Assert.Equal(0.9 + (0 - 0.9) * Math.Pow(1 - 0.5, 3), schedule.At(150), 12);
        Assert.Equal(schedule.At(150), schedule.At(159)); // changes only on update steps
        Assert.Equal(0.9, schedule.At(200));
        double[] values = Enumerable.Range(0, 300).Select(t => schedule.At(t)).ToArray();
        Assert.All(values.Zip(values.Skip(1)), p => Assert.True(p.Second >= p.First));
    }

    [Theory]
    [InlineData(3, 14, false)]
    [InlineData(5, 14, true)]
    [InlineData(5, 7, true)]
    [InlineData(3, 7, false)]
    public void AStridedDilatedDepthwiseConvGivesLibtorchsValuesGradientsAndLayout(int kernel, int size, bool channelsLast)
    {
        // Computed at stride 1 and subsampled (see SparseConv2d.DenseForward); odd sizes check the output size.
        manual_seed(7);
        int padding = 2 * (kernel - 1) / 2;
        var conv = new SparseConv2d(8, 8, kernel, stride: 2, padding: padding, dilation: 2, groups: 8) { Sparsity = 0.5 };
        conv.InitialiseScores();
        Tensor input = randn(3, 8, size, size);
        if (channelsLast) input = NasPrune.Supernet.Runtime.ChannelsLast.Apply(input);
        Tensor x = input.detach().requires_grad_(), reference = input.detach().requires_grad_();
        Tensor weight = conv.EffectiveWeight().detach().requires_grad_();

        Tensor y = conv.call(x);
        Tensor expected = nn.functional.conv2d(reference, weight, strides: [2, 2], padding: [padding, padding], dilation: [2, 2], groups: 8);
        Tensor upstream = randn_like(expected);
        y.backward([upstream]);
        expected.backward([upstream]);

        TensorAssert.Close(expected, y, 1e-5);
        TensorAssert.Close(reference.grad!, x.grad!, 1e-5);
        TensorAssert.Close(weight.grad!.mul(conv.Mask()), conv.Weight.grad!, 1e-4); // the weight's gradient passes the mask
        Assert.Equal(channelsLast, NasPrune.Supernet.Runtime.ChannelsLast.IsChannelsLast(y));
    }
}
