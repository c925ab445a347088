using NasPrune.Supernet.Tas;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Tests.Supernet.Tas;

public sealed class SearchableResNetTests
{
    [Fact]
    public void GradientsReachEveryWidthAndDepthLogitAndTheWeights()
    {
        manual_seed(2);
        using var net = new SearchableResNet(TasSearchSpace.ForResNet(14, 1, 10, 12)) { Temperature = 5 };
        net.train();
        Tensor logits = net.call(randn(4, 1, 12, 12));
        Assert.Equal([4L, 10], logits.shape);
        F.cross_entropy(logits, tensor(new long[] { 1, 2, 3, 4 })).backward();
        Assert.All(net.WidthLogits, l => Assert.True(l.grad is { } g && g.abs().sum().item<float>() > 0));
        Assert.All(net.DepthLogits, l => Assert.True(l.grad is { } g && g.abs().sum().item<float>() > 0));
        Assert.All(net.WeightParameters().Where(p => p.Name.EndsWith("weight", StringComparison.Ordinal) && p.Parameter.dim() == 4),
            p => Assert.True(p.Parameter.grad is { } g && g.abs().sum().item<float>() > 0, p.Name));
        Assert.Equal(net.WidthLogits.Count + net.DepthLogits.Count, net.ArchitectureParameters().Count());
    }

    [Fact]
    public void UnequalResidualWidthsAddTheNarrowIntoTheFirstChannelsOfTheWide()
    {
        Tensor wide = arange(2 * 5 * 1 * 1, dtype: float32).reshape(2, 5, 1, 1);
        Tensor narrow = ones(2, 3, 1, 1);
        Tensor sum = TasSearchBlock.Additive(narrow, wide);
        Assert.Equal([2L, 5, 1, 1], sum.shape);
        TensorAssert.Close(wide.slice(1, 0, 3, 1).add(1), sum.slice(1, 0, 3, 1), 0, "first channels");
        TensorAssert.Close(wide.slice(1, 3, 5, 1), sum.slice(1, 3, 5, 1), 0, "the rest");
    }

    [Fact]
    public void ADerivedNetworkCostsWhatItsArchitectureSays()
    {
        TasSearchSpace space = TasSearchSpace.ForResNet(20, 1, 10, 28);
        var random = new Random(4);
        for (int trial = 0; trial < 8; trial++)
        {
            int[] widths = space.WidthChoices.Select(c => random.Next(c.Count)).ToArray();
            int[] depths = space.DepthChoices.Select(c => random.Next(c.Count)).ToArray();
            TasArchitecture architecture = space.Architecture(widths, depths);
            using var net = new TasResNet(architecture, 1, 10);
            net.eval();
            Assert.Equal(architecture.Macs(1, 10, 28), MacCounter.Count(net, randn(2, 1, 28, 28)));
        }
    }

    [Fact]
    public void ArgmaxTakesTheMostLikelyChoices()
    {
        manual_seed(3);
        using var net = new SearchableResNet(TasSearchSpace.ForResNet(20, 1, 10, 28));
        using (no_grad())
        {
            net.WidthLogits[0][2] = 5;   // stem: candidate 2 of 4,6,8,9,... = 8
            net.DepthLogits[1][0] = 5;   // stage 1: depth 1
        }
        TasArchitecture architecture = net.Argmax();
        Assert.Equal(8, architecture.StemWidth);
        Assert.Single(architecture.Stages[1]);
    }
}
