using NasPrune.Supernet.Models;
using NasPrune.Supernet.Pruning;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Pruning;

public sealed class L1FilterPruningTests
{
    private static CifarResNet Trained(long seed)
    {
        manual_seed(seed);
        var net = new CifarResNet(ResNetSpec.FromName("resnet14", 1, 10));
        using var noGrad = no_grad();
        foreach (var (name, tensor) in net.state_dict())
        {
            if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.uniform_(0.5, 2.0);
            else if (name.EndsWith("running_mean", StringComparison.Ordinal) || (name.EndsWith("bias", StringComparison.Ordinal) && tensor.dim() == 1)) tensor.normal_(0, 0.1);
        }
        net.eval();
        return net;
    }

    [Fact]
    public void APrunedNetworkComputesWhatTheOriginalDoesWithTheDroppedFiltersSilenced()
    {
        using CifarResNet source = Trained(1);
        using CifarResNet pruned = L1FilterPruning.Prune(source, 0.5);
        pruned.eval();
        using (no_grad())
            foreach (BasicBlock block in source.Blocks)
            {
                long keep = (long)Math.Round(block.Conv1.weight!.shape[0] * 0.5);
                Tensor dropped = block.Conv1.weight.abs().sum([1, 2, 3]).argsort(descending: true).slice(0, keep, block.Conv1.weight.shape[0], 1);
                block.Conv1.weight.index_fill_(0, dropped, 0);
                block.Bn1.weight!.index_fill_(0, dropped, 0);
                block.Bn1.bias!.index_fill_(0, dropped, 0);
            }
        Tensor x = randn(3, 1, 28, 28);
        using (no_grad()) TensorAssert.Close(source.call(x), pruned.call(x), 1e-5, "logits");
        Assert.All(pruned.Blocks, b => Assert.Equal(b.Conv2.weight!.shape[0] / 2, b.Conv1.weight!.shape[0]));
    }

    [Fact]
    public void KeepingEverythingChangesNothing()
    {
        using CifarResNet source = Trained(2);
        using CifarResNet copy = L1FilterPruning.Prune(source, 1.0);
        copy.eval();
        Tensor x = randn(2, 1, 28, 28);
        using (no_grad()) TensorAssert.Close(source.call(x), copy.call(x), 0, "logits");
    }

    [Fact]
    public void TheKeepShareHitsTheCostTargetAndTheCountIsExact()
    {
        ResNetSpec spec = ResNetSpec.FromName("resnet20", 1, 10);
        long target = spec.Macs(28) / 2;
        double keep = L1FilterPruning.KeepFor(spec, target, 28);
        ResNetSpec pruned = L1FilterPruning.Spec(spec, keep);
        Assert.True(pruned.Macs(28) <= target);
        Assert.True(L1FilterPruning.Spec(spec, keep + 0.02).Macs(28) > target);
        using var net = new CifarResNet(pruned);
        net.eval();
        Assert.Equal(pruned.Macs(28), MacCounter.Count(net, randn(2, 1, 28, 28)));
        Assert.Throws<ArgumentException>(() => L1FilterPruning.KeepFor(spec, 1000, 28));
    }
}
