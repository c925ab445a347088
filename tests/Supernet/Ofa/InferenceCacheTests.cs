using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Ofa;

/// <summary>Inference (eval, no-grad) runs cached static twins per block choice; every way of changing weights must drop them.</summary>
public sealed class InferenceCacheTests
{
    [Fact]
    public void LoadingNewWeightsIsSeenByTheNextInference()
    {
        using OfaSupernet net = ExtractionTests.Perturbed(seed: 1);
        using OfaSupernet other = ExtractionTests.Perturbed(seed: 2);
        SubnetConfig config = SubnetSampler.Sample(TinySpace.Space, 4);
        Tensor x = randn(3, 1, config.Resolution, config.Resolution);
        net.eval();
        other.eval();
        using var noGrad = no_grad();
        Tensor before = net.Forward(x, config);
        Tensor twice = net.Forward(x, config);
        TensorAssert.Close(before, twice, 0, "cached twin");

        ModuleState.Load(net, ModuleState.Named(other).ToDictionary(), "", "other");
        using StaticOfaNet expected = SubnetExtractor.Extract(other, config);
        expected.eval();
        Tensor after = net.Forward(x, config);
        TensorAssert.Close(expected.call(x), after, 1e-5, "after load");
        Assert.False(before.allclose(after, 1e-3, 1e-3));
    }

    [Fact]
    public void ChannelSortingAndTrainingStepsAreSeenByTheNextInference()
    {
        using OfaSupernet net = ExtractionTests.Perturbed(seed: 3);
        SubnetConfig config = SubnetSampler.Sample(TinySpace.Space, 6, new SamplingChoices(ExpandRatios: [3.0]));
        Tensor x = randn(4, 1, config.Resolution, config.Resolution);
        net.eval();
        Tensor before;
        using (no_grad()) before = net.Forward(x, config);

        // Sorting by a different importance than the weights' own changes which channels the width 3 keeps.
        ChannelSorter.Sort(net, expandStage: 0);
        using (StaticOfaNet sorted = SubnetExtractor.Extract(net, config))
        using (no_grad())
        {
            sorted.eval();
            Tensor after = net.Forward(x, config);
            TensorAssert.Close(sorted.call(x), after, 1e-5, "after sorting");
            Assert.False(before.allclose(after, 1e-3, 1e-3)); // a stale twin would still give 'before'
        }

        // A training step in train mode (no twins), then inference again.
        net.train();
        F().backward();
        using (no_grad())
            foreach (var p in net.parameters())
                if (p.grad is { } g) p.sub_(g.mul(0.5));
        net.eval();
        using StaticOfaNet stepped = SubnetExtractor.Extract(net, config);
        stepped.eval();
        using (no_grad()) TensorAssert.Close(stepped.call(x), net.Forward(x, config), 1e-5, "after a step");

        Tensor F() => net.Forward(x, config).square().mean();
    }
}
