using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Darts.Operations;
using NasPrune.Supernet.Sparse;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Darts;

public sealed class DartsNetworkTests
{
    private static readonly DartsNetworkSpec Tiny = TinyDarts.Spec;

    private static DartsGenotype SomeGenotype() => TinyDarts.Genotype();

    [Fact]
    public void ASearchNetworkInChannelsLastKeepsItThroughEveryCellAfterAReduction()
    {
        // Cells 1 and 2 reduce; cell 3's first input comes through FactorizedReduce, whose shifted view once made
        // its output, and every operation of the next cell, NCHW (slow depthwise backward paths in oneDNN).
        var spec = new DartsNetworkSpec { InChannels = 1, Classes = 10, Channels = 8, Cells = 4, StemMultiplier = 3 };
        Assert.True(spec.UsesChannelsLast);
        using var net = new DartsSearchNetwork(spec);
        var nchw = new List<string>();
        foreach (var (name, module) in net.named_modules())
            if (module is SparseConv2d conv && !name.EndsWith("conv_2", StringComparison.Ordinal) && !name.StartsWith("stem", StringComparison.Ordinal))
                conv.register_forward_pre_hook((_, x) =>
                {
                    if (!NasPrune.Supernet.Runtime.ChannelsLast.IsChannelsLast(x)) nchw.Add(name);
                    return x;
                });
        net.train();
        using (var scope = NewDisposeScope()) net.call(randn(2, 1, 28, 28));
        Assert.Empty(nchw.Distinct()); // conv_2 sees x[:, :, 1:, 1:] (channels innermost, not dense) and the stem 1 channel
    }

    [Fact]
    public void TheSearchNetworkClassifiesAndHalvesTheResolutionAtItsReductionCells()
    {
        manual_seed(1);
        using var net = new DartsSearchNetwork(Tiny);
        Assert.Equal([false, true, true], Enumerable.Range(0, 3).Select(Tiny.IsReduction));
        Assert.Equal(16 * 4, Tiny.OutputChannels); // two reductions: 4 -> 8 -> 16 channels per node, 4 nodes
        using Tensor logits = net.call(randn(2, 1, 8, 8));
        Assert.Equal([2L, 10], logits.shape);
    }

    [Fact]
    public void GradientsReachWeightsAndArchitectureLogitsButNotFrozenScores()
    {
        manual_seed(2);
        using var net = new DartsSearchNetwork(Tiny);
        foreach (var (name, p) in net.named_parameters()) p.requires_grad = !DartsSearchNetwork.IsScore(name);
        net.call(randn(2, 1, 8, 8)).sum().backward();
        foreach (Parameter alphas in net.ArchitectureParameters())
            Assert.True(alphas.grad is not null && alphas.grad.abs().sum().item<float>() > 0);
        var parameters = net.named_parameters().ToList();
        Assert.All(parameters.Where(p => DartsSearchNetwork.IsScore(p.name)), p => Assert.Null(p.parameter.grad));
        Assert.Contains(parameters, p => p.name.EndsWith("depthwise.weight") && p.parameter.grad is not null && p.parameter.grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void AtSparsityPEveryLayerOfTheNetworkKeepsExactlyTheTopShareAndScoresReceiveGradients()
    {
        manual_seed(3);
        using var net = new DartsSearchNetwork(Tiny);
        SparseNetwork.InitialiseScores(net);
        SparseNetwork.SetSparsity(net, 0.9);
        var layers = SparseNetwork.Densities(net);
        Assert.True(layers.Count > 100); // stem, pre-processing, every conv of every mixed op, classifier
        Assert.All(layers, l => Assert.Equal(TopKMask.Kept(l.Weights, 0.9), (long)Math.Round(l.Density * l.Weights)));
        net.call(randn(2, 1, 8, 8)).sum().backward();
        Assert.All(SparseNetwork.Layers(net), l => Assert.NotNull(l.Layer.Scores.grad));
    }

    [Fact]
    public void DerivationKeepsTheTwoStrongestEdgesPerNodeWithTheirStrongestNonNoneOperation()
    {
        var logits = new float[DartsNetworkSpec.Edges, DartsOperations.All.Count];
        int none = DartsOperations.IndexOf(DartsOperations.None);
        // Node 0 (edges 0, 1): 'none' dominates edge 0, but only non-none operations count.
        logits[0, none] = 9;
        logits[0, DartsOperations.IndexOf(DartsOperations.SepConv5)] = 2;
        logits[1, DartsOperations.IndexOf(DartsOperations.MaxPool)] = 3;
        // Node 1 (edges 2-4): edge 3 (input 1) is weakest.
        logits[2, DartsOperations.IndexOf(DartsOperations.DilConv3)] = 4;
        logits[3, DartsOperations.IndexOf(DartsOperations.Skip)] = 0.5f;
        logits[4, DartsOperations.IndexOf(DartsOperations.SepConv3)] = 5;
        CellGenotype cell = CellGenotype.Derive(logits);
        Assert.Equal(new CellEdge(DartsOperations.SepConv5, 0), cell.Edge(0, 0));
        Assert.Equal(new CellEdge(DartsOperations.MaxPool, 1), cell.Edge(0, 1));
        Assert.Equal(new CellEdge(DartsOperations.DilConv3, 0), cell.Edge(1, 0));
        Assert.Equal(new CellEdge(DartsOperations.SepConv3, 2), cell.Edge(1, 1));
        Assert.DoesNotContain(cell.Edges, e => e.Operation == DartsOperations.None);
    }

    [Fact]
    public void GenotypesRoundTripAsTextAndBadTextNamesTheProblem()
    {
        DartsGenotype genotype = SomeGenotype();
        Assert.Equal(genotype.ToString(), DartsGenotype.Parse(genotype.ToString()).ToString());
        var e = Assert.Throws<ArgumentException>(() => DartsGenotype.Parse(genotype.ToString().Replace("sep_conv_5x5:2", "conv_7x7:2")));
        Assert.Contains("allowed values", e.Message);
        e = Assert.Throws<ArgumentException>(() => DartsGenotype.Parse(genotype.ToString().Replace("skip_connect:4", "skip_connect:5")));
        Assert.Contains("input 0..4", e.Message);
        Assert.Throws<ArgumentException>(() => DartsGenotype.Parse("normal: sep_conv_3x3:0"));
    }

    [Fact]
    public void TheDerivedNetworkWithBakedMasksComputesWhatTheMaskedNetworkComputes()
    {
        manual_seed(4);
        using var net = new DartsNetwork(Tiny, SomeGenotype());
        SparseNetwork.InitialiseScores(net);
        SparseNetwork.SetSparsity(net, 0.8);
        net.eval();
        using Tensor x = randn(3, 1, 8, 8);
        using Tensor masked = net.call(x);
        SparseNetwork.BakeMasks(net);
        Assert.All(SparseNetwork.Layers(net), l => Assert.Equal(0, l.Layer.Sparsity));
        Assert.All(SparseNetwork.Densities(net), l => Assert.True(l.Density <= 0.2 + 1.0 / l.Weights));
        using Tensor baked = net.call(x);
        TensorAssert.Close(masked, baked, 1e-6);
    }

    [Fact]
    public void TheSparseKernelComputesWhatTheDenseMaskedNetworkComputes()
    {
        manual_seed(5);
        using var net = new DartsNetwork(Tiny, SomeGenotype());
        SparseNetwork.InitialiseScores(net);
        SparseNetwork.SetSparsity(net, 0.9);
        net.eval();
        using Tensor x = randn(3, 1, 8, 8);
        using Tensor dense = net.call(x);
        SparseNetwork.UseSparseKernels(net, true);
        Assert.Contains(SparseNetwork.Layers(net), l => l.Layer.UseSparseKernel); // the groups = 1 convolutions and the classifier
        Assert.Contains(SparseNetwork.Layers(net), l => !l.Layer.UseSparseKernel); // depthwise convolutions stay dense
        using Tensor sparse = net.call(x);
        TensorAssert.Close(dense, sparse, 1e-5);
        SparseNetwork.UseSparseKernels(net, false);
        Assert.All(SparseNetwork.Layers(net), l => Assert.False(l.Layer.UseSparseKernel));
    }

    [Fact]
    public void FactorizedReduceRefusesOddSizesWithOneClearLine()
    {
        using var reduce = new FactorizedReduce(4, 4, affine: true);
        var e = Assert.Throws<ArgumentException>(() => reduce.call(randn(1, 4, 7, 7)));
        Assert.Contains("even spatial sizes", e.Message);
    }
}
