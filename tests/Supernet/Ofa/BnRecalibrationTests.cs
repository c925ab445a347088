using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Tests.TestSupport;
using static TorchSharp.torch;

namespace NasPrune.Tests.Supernet.Ofa;

public sealed class BnRecalibrationTests
{
    [Fact]
    public void ChangesOnlyRunningStatisticsAndIsDeterministic()
    {
        using var net = ExtractionTests.Perturbed(seed: 2);
        SubnetConfig config = SubnetSampler.Sample(TinySpace.Space, 11);
        using StaticOfaNet a = SubnetExtractor.Extract(net, config);
        using StaticOfaNet b = SubnetExtractor.Extract(net, config);
        a.eval();
        var before = a.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        manual_seed(3);
        var batches = Enumerable.Range(0, 3).Select(_ => randn(5, 1, config.Resolution, config.Resolution).DetachFromDisposeScope()).ToList();

        BnRecalibration.Recalibrate(a, batches);
        BnRecalibration.Recalibrate(b, batches);

        Assert.False(a.training);
        foreach (var (name, value) in a.state_dict())
        {
            bool statistic = name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("running_var", StringComparison.Ordinal);
            if (statistic) Assert.False(value.equal(before[name]).all().item<bool>(), $"{name} should change");
            else TensorAssert.BitEqual(before[name], value, name);
            TensorAssert.BitEqual(value, b.state_dict()[name], name);
        }
    }

    [Fact]
    public void StatisticsAreTheImageWeightedBatchMeanAndBiasedVariance()
    {
        using var scope = NewDisposeScope();
        var bn = new NasPrune.Supernet.Normalization.SafeBatchNorm2d(3);
        var model = TorchSharp.torch.nn.Sequential(("bn", bn));
        manual_seed(4);
        Tensor x1 = randn(2, 3, 4, 4) * 2 + 1, x2 = randn(6, 3, 4, 4);
        BnRecalibration.Recalibrate(model, [x1, x2]);
        Tensor mean = (x1.mean([0, 2, 3]) * 2 + x2.mean([0, 2, 3]) * 6) / 8;
        Tensor variance = (x1.var([0, 2, 3], unbiased: false) * 2 + x2.var([0, 2, 3], unbiased: false) * 6) / 8;
        TensorAssert.Close(mean, bn.running_mean!, 1e-6, "mean");
        TensorAssert.Close(variance, bn.running_var!, 1e-6, "var");
    }
}
