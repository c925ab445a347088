using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Models;
using NasPrune.Supernet.Pruning;
using NasPrune.Supernet.Sparse;
using NasPrune.Tests.TestSupport;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Sparse;

/// <summary>
/// The tuner keeps the sparse kernel exactly where it timed faster. Timing is scripted (dense 1 s; sparse
/// 0.5 s on even layers, 2 s on odd ones), so the test checks the choice logic, not this machine's speed;
/// each timed action still runs once, so both paths must work on the captured input shapes.
/// </summary>
public sealed class SparseKernelTunerTests
{
    private static Func<Action, double> ScriptedTiming()
    {
        int call = 0;
        return action =>
        {
            action();
            int i = call++;
            bool sparse = i % 2 == 1;
            int layer = i / 2;
            return !sparse ? 1.0 : layer % 2 == 0 ? 0.5 : 2.0;
        };
    }

    [Fact]
    public void APrunedResNetKeepsTheKernelWhereItIsFasterAndStillComputesTheDenseOutputs()
    {
        manual_seed(3);
        using var net = new CifarResNet(ResNetSpec.FromName("resnet8", 1, 10));
        using (var masks = new MagnitudeMasks(net)) masks.Prune(0.9, minKeep: 0.02);
        net.eval();
        using var noGrad = no_grad();
        using Tensor x = randn(2, 1, 28, 28);
        using Tensor dense = net.call(x);

        var choices = SparseKernelTuner.Choose(net, x, net.UseSparseKernels, net.SparseKernelSwitches, ScriptedTiming());

        Assert.Equal(net.named_modules().Count(m => m.module is TorchSharp.Modules.Convolution or TorchSharp.Modules.Linear), choices.Count);
        Assert.Equal(choices.Select((_, i) => i % 2 == 0), choices.Select(c => c.Sparse));
        Assert.Equal(choices.Where(c => c.Sparse).Select(c => c.Layer), net.SparseKernelSwitches().Select(s => s.Name));
        Assert.Equal([2L, 1, 28, 28], choices.Single(c => c.Layer == "stem").InputShape);
        Assert.Equal([2L, 64], choices.Single(c => c.Layer == "classifier").InputShape);
        // Timed in the layout the layer really receives: the ResNet runs channels-last after its stem.
        Assert.False(choices.Single(c => c.Layer == "stem").ChannelsLast);
        Assert.All(choices.Where(c => c.Layer is not "stem" and not "classifier"), c => Assert.True(c.ChannelsLast, c.Layer));
        using Tensor tuned = net.call(x);
        TensorAssert.Close(dense, tuned, 1e-5);
    }

    [Fact]
    public void ADartsNetworkTunesOnlyItsKernelLayersAndTheSlowerOnesRunDense()
    {
        manual_seed(5);
        using var net = new DartsNetwork(TinyDarts.Spec, TinyDarts.Genotype());
        SparseNetwork.InitialiseScores(net);
        SparseNetwork.SetSparsity(net, 0.9);
        net.eval();
        using var noGrad = no_grad();
        using Tensor x = randn(3, 1, 8, 8);
        using Tensor dense = net.call(x);

        var choices = SparseKernelTuner.Choose(net, x, on => SparseNetwork.UseSparseKernels(net, on), () => SparseNetwork.KernelSwitches(net), ScriptedTiming());

        var layers = SparseNetwork.Layers(net).ToDictionary(l => l.Name, l => l.Layer);
        Assert.NotEmpty(choices);
        Assert.True(choices.Count < layers.Count); // depthwise convolutions have no kernel to tune
        Assert.All(choices, c => Assert.Equal(c.Sparse, layers[c.Layer].UseSparseKernel));
        Assert.Contains(choices, c => c.Sparse);
        Assert.Contains(choices, c => !c.Sparse);
        using Tensor tuned = net.call(x);
        TensorAssert.Close(dense, tuned, 1e-5);
    }
}
