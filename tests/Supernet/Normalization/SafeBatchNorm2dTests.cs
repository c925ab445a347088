using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.TestSupport;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Normalization;

public sealed class SafeBatchNorm2dTests
{
    [Fact]
    public void ComputesWhatTorchSharpsBatchNormComputesInTrainingAndEvaluation()
    {
        manual_seed(3);
        using var reference = nn.BatchNorm2d(5, eps: 1e-3, momentum: 0.2);
        using var safe = new SafeBatchNorm2d(5, eps: 1e-3, momentum: 0.2);
        using (no_grad())
        {
            reference.weight!.copy_(randn(5));
            reference.bias!.copy_(randn(5));
            safe.weight!.copy_(reference.weight);
            safe.bias!.copy_(reference.bias);
        }
        for (int step = 0; step < 3; step++)
        {
            using Tensor x = randn(4, 5, 3, 3).mul(3).add(1);
            TensorAssert.Close(reference.call(x), safe.call(x), 1e-6, $"train output {step}");
        }
        var expected = ModuleState.Named(reference).ToDictionary();
        foreach (var (name, actual) in ModuleState.Named(safe))
            TensorAssert.Close(expected[name], actual, 1e-6, name);
        Assert.Equal(3, safe.num_batches_tracked.item<long>());
        reference.eval();
        safe.eval();
        using Tensor y = randn(2, 5, 3, 3);
        TensorAssert.Close(reference.call(y), safe.call(y), 1e-6, "eval output");
        Assert.Equal(3, safe.num_batches_tracked.item<long>());
    }

    [Fact]
    public void ItsStateHasTorchSharpsNamesShapesAndTypesSoCheckpointsAreInterchangeable()
    {
        using var reference = nn.BatchNorm2d(4);
        using var safe = new SafeBatchNorm2d(4);
        var expected = ModuleState.Named(reference).ToDictionary();
        var actual = ModuleState.Named(safe).ToDictionary();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.Equal(tensor.dtype, actual[name].dtype);
            TensorAssert.BitEqual(tensor, actual[name], name);
        }
        ModuleState.Load(safe, expected, "", "torchsharp-bn");
        using var unaffine = new SafeBatchNorm2d(4, affine: false);
        Assert.Empty(unaffine.parameters());
        Assert.Null(unaffine.weight);
    }

    [Fact]
    public void BuiltInsideADisposeScopeItKeepsItsTensorsWhenTheScopeEnds()
    {
        SafeBatchNorm2d bn;
        using (NewDisposeScope()) bn = new SafeBatchNorm2d(3);
        using (bn)
        {
            Assert.All(ModuleState.Named(bn), kv => Assert.False(kv.Value.IsInvalid, kv.Key));
            using Tensor y = bn.call(randn(2, 3, 4, 4));
            Assert.Equal(1, bn.num_batches_tracked.item<long>());
        }
    }

    [Fact]
    public void BadShapesAreRefusedWithTheExpectedForm()
    {
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => new SafeBatchNorm2d(0)).Message);
        using var bn = new SafeBatchNorm2d(3);
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => bn.call(zeros(2, 3))).Message);
    }
}
