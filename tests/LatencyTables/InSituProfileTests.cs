using NasPrune.LatencyTables.Checks;
using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using static TorchSharp.torch;

namespace NasPrune.Tests.LatencyTables;

public sealed class InSituProfileTests
{
    private static readonly DeviceProfile Profile = new() { Name = "test-cpu", Threads = 1, BatchSize = 1, Warmup = 1, Repeats = 6, Rounds = 2 };

    [Fact]
    public void TheNetworksPartsRunInTurnAreItsForwardPass()
    {
        using var supernet = ExtractionTests.Perturbed(6);
        SubnetConfig config = SubnetSampler.Sample(TinySpace.Space, 11);
        using StaticOfaNet net = SubnetExtractor.Extract(supernet, config);
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = OfaInput.Resize(randn(2, TinySpace.Space.InputChannels, 28, 28, generator: new Generator(3)), config.Resolution);
        Tensor y = x;
        foreach (var part in net.Parts()) y = part(y);
        Assert.Equal(LatencyOperators.Of(config).Count, net.Parts().Count);
        TensorAssert.BitEqual(net.call(x), y);
    }

    [Fact]
    public void EachRowIsOneOfTheTablesOperatorsInExecutionOrderWithItsPriceAndItsTimeInTheNetwork()
    {
        OfaSearchSpace space = TinySpace.Space;
        var random = new Random(4);
        var rows = SyntheticLatencyTable.Rows(space, Profile, () => 0.01 + random.NextDouble());
        var table = new LatencyTable(rows, new LutMetadata(space, Profile, new LutCalibration(1.25, space.Resolutions.ToDictionary(r => r, _ => 0.1)), 0, 28));
        SubnetConfig config = SubnetSampler.Sample(space, 12);
        using StaticOfaNet net = NetworkBench.RandomNetwork(config);

        IReadOnlyList<InSituRow> profile = InSituProfile.Run(table, net);

        Assert.Equal([InSituProfile.ResizeKey, .. LatencyOperators.Of(config).Select(o => o.Key)], profile.Select(r => r.Key));
        Assert.Equal(Enumerable.Range(0, profile.Count), profile.Select(r => r.Index));
        Assert.All(profile, r => Assert.Equal(config.ToString(), r.Arch));
        Assert.Null(profile[0].TableMs);
        var medians = rows.ToDictionary(r => r.Key, r => r.MedianMs);
        foreach (InSituRow row in profile.Skip(1))
        {
            Assert.Equal(Math.Round(medians[row.Key], 5), row.TableMs);
            Assert.Equal(Math.Round(1.25 * medians[row.Key], 5), row.TableScaledMs);
            Assert.True(row.InSituMs > 0 && row.InSituRawMs > 0, row.ToString());
            double ratio = row.InSituMs / (1.25 * medians[row.Key]); // from the rounded time: equal up to that rounding
            Assert.Equal(ratio, row.Ratio!.Value, 2e-3 * ratio + 1e-4);
        }
    }
}
