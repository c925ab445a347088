using NasPrune.Supernet.Models;
using NasPrune.Supernet.Pruning;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Pruning;

public sealed class MagnitudeMasksTests
{
    [Fact]
    public void PrunableWeightsAreTheConvAndLinearWeightsOnly()
    {
        using var net = new CifarResNet(ResNetSpec.FromName("resnet8", 1, 10));
        using var masks = new MagnitudeMasks(net);
        var names = masks.Layers.Select(l => l.Name).ToList();
        Assert.Contains("stem.weight", names);
        Assert.Contains("classifier.weight", names);
        Assert.Contains(names, n => n.Contains("shortcut.conv.weight", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("bn", StringComparison.OrdinalIgnoreCase) || n.EndsWith("bias", StringComparison.Ordinal));
        Assert.Equal(net.parameters().Where(p => p.dim() >= 2).Sum(p => p.numel()), masks.PrunableWeights);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.97)]
    public void PruningZeroesExactlyTheTargetShareWithTheMinimumPerLayer(double sparsity)
    {
        manual_seed(4);
        using var net = new CifarResNet(ResNetSpec.FromName("resnet8", 1, 10));
        using var masks = new MagnitudeMasks(net);
        const double minKeep = 0.02;
        masks.Prune(sparsity, minKeep);
        Assert.Equal((long)Math.Round(sparsity * masks.PrunableWeights), masks.ZeroWeights);
        Assert.Equal(Math.Round(sparsity * masks.PrunableWeights) / masks.PrunableWeights, masks.Sparsity, 12);
        foreach (var (name, weight, mask) in masks.Layers)
        {
            long kept = weight.count_nonzero().item<long>();
            Assert.True(kept >= Math.Ceiling(minKeep * weight.numel()), $"{name} keeps {kept} of {weight.numel()}");
            Assert.Equal(mask.sum().item<float>(), kept);
        }
    }

    [Fact]
    public void ApplyKeepsPrunedWeightsZeroAgainstMomentumAndWeightDecay()
    {
        manual_seed(5);
        var net = nn.Sequential(("conv", nn.Conv2d(1, 8, 3)), ("flatten", nn.Flatten()), ("fc", nn.Linear(8 * 4 * 4, 3)));
        using var masks = new MagnitudeMasks(net);
        masks.Prune(0.8, 0.02);
        long zeros = masks.ZeroWeights;
        var optimizer = torch.optim.SGD(net.parameters(), 0.1, momentum: 0.9, weight_decay: 5e-4);
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            net.call(randn(4, 1, 6, 6)).square().sum().backward();
            optimizer.step();
            Assert.True(masks.ZeroWeights < zeros);    // the step revived pruned weights...
            masks.Apply();
            Assert.Equal(zeros, masks.ZeroWeights);    // ...and the masks put them back to zero
        }
    }

    [Fact]
    public void StateRoundTripsAndAMissingMaskIsNamed()
    {
        manual_seed(6);
        using var a = new CifarResNet(ResNetSpec.FromName("resnet8", 1, 10));
        using var b = new CifarResNet(ResNetSpec.FromName("resnet8", 1, 10));
        using var masksA = new MagnitudeMasks(a);
        using var masksB = new MagnitudeMasks(b);
        masksA.Prune(0.7, 0.02);
        var state = masksA.State("masks.").ToDictionary(kv => kv.Key, kv => kv.Value);
        masksB.LoadState(state, "masks.", "checkpoint");
        for (int i = 0; i < masksA.Layers.Count; i++)
            TensorAssert.BitEqual(masksA.Layers[i].Mask, masksB.Layers[i].Mask, masksA.Layers[i].Name);

        state.Remove("masks.stem.weight");
        var e = Assert.Throws<InvalidDataException>(() => masksB.LoadState(state, "masks.", "checkpoint"));
        Assert.Contains("masks.stem.weight", e.Message);
    }

    [Fact]
    public void TheScheduleUpdatesEveryIntervalFromStartToEnd()
    {
        var schedule = new GradualPruningSchedule(0, 0.9, StartStep: 8, Every: 4, Updates: 3);
        Assert.Equal([8L, 12, 16, 20], Enumerable.Range(0, 30).Where(t => schedule.IsUpdate(t)).Select(t => (long)t));
        Assert.Equal(0.9, schedule.At(20));
    }
}
