using NasPrune.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Ofa;

public sealed class ChannelSorterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void SortingLeavesEveryRandomSubnetworkUnchangedAtFullWidth(int expandStage)
    {
        using var net = ExtractionTests.Perturbed(seed: 4);
        net.eval();
        manual_seed(9);
        // Channel sorting permutes middle channels, so a sub-network keeps its function only where it uses
        // all of them (expand ratio 6); the first block's and head's channels are not touched.
        var configs = Enumerable.Range(0, 10)
            .Select(i => SubnetSampler.Sample(TinySpace.Space, (ulong)i, new SamplingChoices(ExpandRatios: [6.0])))
            .ToList();
        var inputs = configs.Select(c => randn(2, 1, c.Resolution, c.Resolution).DetachFromDisposeScope()).ToList();
        List<Tensor> before;
        using (no_grad()) before = configs.Select((c, i) => net.Forward(inputs[i], c).DetachFromDisposeScope()).ToList();

        ChannelSorter.Sort(net, expandStage);

        using (no_grad())
            for (int i = 0; i < configs.Count; i++)
                TensorAssert.Close(before[i], net.Forward(inputs[i], configs[i]), 1e-5, configs[i].ToString());
    }

    [Fact]
    public void MostImportantChannelsComeFirst()
    {
        using var net = ExtractionTests.Perturbed(seed: 5);
        ChannelSorter.Sort(net, expandStage: 0);
        foreach (var block in net.Blocks)
        {
            float[] importance = block.ProjectConv.Weight.abs().sum([0, 2, 3]).data<float>().ToArray();
            for (int j = 1; j < importance.Length; j++) Assert.True(importance[j - 1] >= importance[j]);
        }
    }

    [Fact]
    public void InTheSecondExpandPhaseChannelsStayInsideTheWidthTheyWereTrainedIn()
    {
        using var net = ExtractionTests.Perturbed(seed: 6);
        var block = net.Block(1, 1);
        int narrow = block.Middle(4.0);
        // Make a channel outside the width of ratio 4 the most important of all.
        using (no_grad()) block.ProjectConv.Weight.slice(1, narrow, narrow + 1, 1).fill_(100f);
        Tensor marked = block.ExpandConv.Weight[narrow].clone();
        ChannelSorter.Sort(net, expandStage: 1);
        int position = Enumerable.Range(0, block.MaxMiddle).First(j => block.ExpandConv.Weight[j].equal(marked).all().item<bool>());
        Assert.Equal(narrow, position);   // first of the outer channels, still outside the narrow width
    }
}
