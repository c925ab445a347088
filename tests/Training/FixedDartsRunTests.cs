using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Experiments.Configuration;
using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Pruning;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training;

/// <summary>A fixed DARTS cell network (model.genotype) pruned by gradual magnitude pruning: the DASS baseline that separates the cell from the pruner.</summary>
public sealed class FixedDartsRunTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void GradualMagnitudePrunesAFixedCellNetworkWhoseFileReadsBackAsADartsNetwork()
    {
        string genotypeFile = _temp.File("genotype.txt");
        File.WriteAllText(genotypeFile, TinyDarts.Genotype() + "\n");
        RunConfig config = TinyRun.Config(TinyRun.WriteData(_temp, trainImages: 32), epochs: 2, trainImages: 32, batch: 10) with
        {
            Model = new ModelConfig { Arch = ModelConfig.DartsCells, Genotype = "@" + genotypeFile, Network = new DartsNetworkConfig { Channels = 4, Cells = 3, StemMultiplier = 2 } },
            Pruning = new PruningConfig { Method = PruningConfig.GradualMagnitude, Sparsity = 0.8, EndEpoch = 1, MinKeep = 0.05 },
        };
        var run = new RunDirectory(_temp.File("run"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, NullLogger.Instance).Run(CancellationToken.None));

        // The file holds the genotype and shape, so DASS's reader (and bench sparse --model) rebuilds it.
        using DartsNetwork net = DartsModelFile.Read(run.Model);
        Assert.Equal(TinyDarts.Genotype().ToString(), net.Genotype.ToString());
        Assert.Equal(4, net.Spec.Channels);
        var prunable = net.named_parameters().Where(p => MagnitudeMasks.IsPrunable(p.name, p.parameter)).ToList();
        Assert.Equal(SparseNetwork.Layers(net).Count, prunable.Count); // every weight layer is a sparse operator; scores are not prunable
        long total = prunable.Sum(p => p.parameter.numel());
        long zeros = prunable.Sum(p => p.parameter.numel() - p.parameter.count_nonzero().item<long>());
        Assert.Equal((long)Math.Round(0.8 * total), zeros);
        Assert.All(prunable, p => Assert.True(p.parameter.count_nonzero().item<long>() >= Math.Ceiling(0.05 * p.parameter.numel()), p.name));

        // Parameters are the network's own: the (unused, zero) importance scores are not counted.
        JsonObject result = JsonNode.Parse(File.ReadAllText(run.Result))!.AsObject();
        long parameters = net.named_parameters().Where(p => !DartsSearchNetwork.IsScore(p.name)).Sum(p => p.parameter.numel());
        Assert.Equal(parameters, result["parameters"]!.GetValue<long>());
        Assert.Equal(TinyDarts.Genotype().ToString(), result["genotype"]!.GetValue<string>());
        Assert.Equal(parameters - zeros, result["nonZeroParameters"]!.GetValue<long>());
        Assert.Equal(LayerCosts.Measure(net, [1, 1, 28, 28], CPU).Sum(c => c.Macs), result["macsPerImage"]!.GetValue<long>());

        // The run directory reopens to the same network: equal outputs.
        ReopenedRun.ComputesAs(net, run);
    }

    [Theory]
    [InlineData("""{ "model": { "arch": "darts-cells" } }""", "'model.arch' = 'darts-cells' needs a 'dass' section", "'model.genotype'")]
    [InlineData("""{ "model": { "arch": "resnet20", "genotype": "x" } }""", "'model.genotype' is for a fixed 'darts-cells' network", "resnet20")]
    [InlineData("""{ "model": { "arch": "resnet20", "network": { "channels": 8 } } }""", "'model.network' sizes a fixed 'darts-cells' network")]
    [InlineData("""{ "model": { "arch": "darts-cells", "genotype": "x" }, "pruning": { "method": "l1", "baseModel": "m.npta" } }""", "'pruning.method' 'l1' prunes ResNet filters", "gradual-magnitude")]
    [InlineData("""{ "model": { "arch": "resnet20" }, "dass": { "sparsity": 0.9 } }""", "'dass' needs 'model.arch' = 'darts-cells', got 'resnet20'")]
    public void FixedDartsConfigMistakesAreOneLineNamingTheField(string json, params string[] expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromJson<RunConfig>(json));
        Assert.DoesNotContain('\n', e.Message);
        foreach (string part in expected) Assert.Contains(part, e.Message);
    }

    public void Dispose() => _temp.Dispose();
}
