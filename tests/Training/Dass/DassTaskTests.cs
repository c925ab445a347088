using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Serialization;
using NasPrune.Supernet.Sparse;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Dass;

public sealed class DassTaskTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private static readonly DartsNetworkConfig TinyNetwork = new() { Channels = 4, Cells = 3, StemMultiplier = 2 };

    /// <summary>A 4-channel, 3-cell DARTS network on 32 synthetic images, batch 10: six phases of one epoch (3 steps) each.</summary>
    private RunConfig Config(string data, bool sparseAware = true) => TinyRun.Config(data, epochs: 1, trainImages: 32, batch: 10) with
    {
        Model = new ModelConfig { Arch = ModelConfig.DartsCells },
        Dass = new DassConfig
        {
            Sparsity = 0.9,
            Search = new DassSearchConfig { SparseAware = sparseAware, Network = TinyNetwork, PretrainEpochs = 1, PruneEpochs = 1, FinetuneEpochs = 1 },
            Final = new DassFinalConfig { Network = TinyNetwork, PretrainEpochs = 1, PruneEpochs = 1, FinetuneEpochs = 1 },
        },
    };

    [Fact]
    public void SearchDeriveAndSparseTrainingRunEndToEndAndExportExactlySparseLayers()
    {
        RunConfig config = Config(TinyRun.WriteData(_temp, trainImages: 32));
        var run = new RunDirectory(_temp.File("run"));
        var logger = new ListLogger();
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, logger).Run(CancellationToken.None));
        Assert.Contains(logger.Lines, l => l.Contains("phases search-pretrain, search-prune, search-finetune, final-pretrain, final-prune, final-finetune"));
        DartsGenotype genotype = DartsGenotype.Parse(File.ReadAllText(Path.Combine(run.Root, "dass-genotype.txt")));
        JsonObject result = JsonNode.Parse(File.ReadAllText(run.Result))!.AsObject();
        Assert.Equal(genotype.ToString(), result["genotype"]!.GetValue<string>());
        Assert.True(result["nonZeroParameters"]!.GetValue<long>() < result["parameters"]!.GetValue<long>() / 5);
        Assert.True(result["nonZeroMacsPerImage"]!.GetValue<long>() < result["macsPerImage"]!.GetValue<long>());
        Assert.Equal(0.9, result["targetSparsity"]!.GetValue<double>());
        Assert.InRange(result["sparsity"]!.GetValue<double>(), 0.89, 0.91); // achieved: each layer's round(0.9 N) of N

        // The exported network stores the masked weights: every sparse layer keeps exactly its top 10 %.
        using DartsNetwork net = DartsModelFile.Read(run.Model);
        Assert.Equal(genotype.ToString(), net.Genotype.ToString());
        Assert.All(SparseNetwork.Densities(net), l => Assert.Equal(TopKMask.Kept(l.Weights, 0.9), (long)Math.Round(l.Density * l.Weights)));
        JsonArray layers = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Root, "arch.json")))!["layers"]!.AsArray();
        Assert.Equal(SparseNetwork.Layers(net).Count, layers.Count);
        using LoadedArchive file = TensorArchive.Read(run.Model); // the model file carries the densities too
        Assert.Equal(layers.ToJsonString(), file.Metadata["layers"]!.ToJsonString());
        ReopenedRun.ComputesAs(net, run); // the genotype comes from the model file: the config has none
    }

    [Theory]
    [InlineData(3, 6, "search.model.")] // search-prune
    [InlineData(12, 15, "final.model.")] // final-prune
    public void APrunePhaseTrainsTheScoresAndBatchNormOnly(long start, long end, string prefix)
    {
        RunConfig config = Config(TinyRun.WriteData(_temp, trainImages: 32));
        var run = new RunDirectory(_temp.File("run"));
        Stop(config, run, start);
        using LoadedArchive before = Latest(run);
        Stop(config, run, end);
        using LoadedArchive after = Latest(run);
        Assert.Equal(start, before.Metadata["step"]!.GetValue<long>());
        Assert.Equal(end, after.Metadata["step"]!.GetValue<long>());
        var names = before.Tensors.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        bool Changed(string n) => !before[n].equal(after[n]).all().item<bool>();
        // Conv and linear weights and the architecture logits stay; the BatchNorms' scales and shifts train, as in HYDRA's code.
        bool isBatchNorm(string n) => n.Contains("bn.") && (n.EndsWith(".weight") || n.EndsWith(".bias"));
        var frozen = names.Where(n => (n.EndsWith(".weight") || n.EndsWith(".bias") || n.Contains("alphas_")) && !isBatchNorm(n)).ToList();
        Assert.NotEmpty(frozen);
        Assert.All(frozen, n => TensorAssert.BitEqual(before[n], after[n], n));
        var batchNorm = names.Where(isBatchNorm).ToList();
        Assert.NotEmpty(batchNorm);
        // Most change: a channel whose inputs are all masked normalises to zero, so its scale gets no gradient.
        Assert.True(batchNorm.Count(Changed) > batchNorm.Count / 2, $"{batchNorm.Count(Changed)} of {batchNorm.Count} BatchNorm parameters changed");
        // Scores train (the global gradient clip can leave the scores of some layers within float rounding of where they were).
        var scores = names.Where(n => n.EndsWith(".scores")).ToList();
        Assert.True(scores.Count(Changed) > scores.Count / 2);
    }

    [Theory]
    [InlineData(7)] // inside search-finetune
    [InlineData(13)] // inside final-prune
    public void StoppingAndResumingEqualsAnUninterruptedRun(long stopAt)
    {
        RunConfig config = Config(TinyRun.WriteData(_temp, trainImages: 32));
        var straight = new RunDirectory(_temp.File($"straight-{stopAt}"));
        new RunTrainer(config, straight, NullLogger.Instance).Run(CancellationToken.None);
        var resumed = new RunDirectory(_temp.File($"resumed-{stopAt}"));
        Stop(config, resumed, stopAt);
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, resumed, NullLogger.Instance).Run(CancellationToken.None));
        using LoadedArchive a = TensorArchive.Read(straight.Model);
        using LoadedArchive b = TensorArchive.Read(resumed.Model);
        foreach (var (name, tensor) in a.Tensors) TensorAssert.Close(tensor, b[name], 1e-6, name);
    }

    [Fact]
    public void TheDenseDartsBaselineSearchesInOneDensePhaseOfTheSameLength()
    {
        var plan = NasPrune.Training.Dass.DassTask.Plan(Config("unused", sparseAware: false).Dass!, new OptimizationConfig());
        Assert.Equal(["search", "final-pretrain", "final-prune", "final-finetune"], plan.Select(p => p.Name));
        Assert.Equal(3, plan[0].Epochs);
        Assert.Equal(0, plan[0].Sparsity(0.9));
        Assert.Equal(0.9, plan[2].Sparsity(0.9));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the dense baseline warms up inside its single search phase
    public void DuringTheArchitectureWarmUpTheSecondHalfTrainsWeightsAndTheLogitsStayPut(bool sparseAware)
    {
        string data = TinyRun.WriteData(_temp, trainImages: 32);
        RunConfig plain = Config(data, sparseAware);
        RunConfig warm = plain with { Dass = plain.Dass! with { Search = plain.Dass.Search with { ArchWarmupEpochs = 1 } } };
        // Step 0 trains weights on half A; step 1 is the architecture step on half B, or a weight step while warming up.
        var (plainAfter0, plainAfter2) = Checkpoints(plain, $"plain-{sparseAware}", 1, 2);
        var (warmAfter0, warmAfter2) = Checkpoints(warm, $"warm-{sparseAware}", 1, 2);
        var (_, warmAfter3) = Checkpoints(warm, $"warm3-{sparseAware}", 1, 3);
        using (plainAfter0) using (plainAfter2) using (warmAfter0) using (warmAfter2) using (warmAfter3)
        {
            var names = warmAfter0.Tensors.Keys.Where(n => n.StartsWith("search.model.", StringComparison.Ordinal)).ToList();
            var alphas = names.Where(n => n.Contains("alphas_")).ToList();
            var weights = names.Where(n => n.EndsWith(".weight") && !n.Contains("alphas_")).ToList();
            Assert.NotEmpty(alphas);
            Assert.All(weights, n => TensorAssert.BitEqual(plainAfter0[n], warmAfter0[n], n)); // the same first step
            Assert.Contains(alphas, n => !plainAfter0[n].equal(plainAfter2[n]).all().item<bool>());
            Assert.All(weights, n => TensorAssert.BitEqual(plainAfter0[n], plainAfter2[n], n));
            Assert.All(alphas, n => TensorAssert.BitEqual(warmAfter0[n], warmAfter3[n], n));
            Assert.Contains(weights, n => !warmAfter0[n].equal(warmAfter2[n]).all().item<bool>());
        }
    }

    [Fact]
    public void AnArchitectureWarmUpLongerThanTheFirstSearchPhaseIsOneClearLine()
    {
        RunConfig config = Config("unused");
        RunConfig tooLong = config with { Dass = config.Dass! with { Search = config.Dass.Search with { ArchWarmupEpochs = 2 } } };
        Assert.Equal(["config: 'dass.search.archWarmupEpochs' (2) must fit in the first search phase (1 epochs: search.pretrainEpochs)"], tooLong.Problems());
        RunConfig dense = Config("unused", sparseAware: false);
        Assert.Empty((dense with { Dass = dense.Dass! with { Search = dense.Dass.Search with { ArchWarmupEpochs = 3 } } }).Problems());
    }

    [Fact]
    public void AGivenGenotypeSkipsTheSearchAndAMissingFileIsOneClearLine()
    {
        RunConfig config = Config(TinyRun.WriteData(_temp, trainImages: 32));
        string genotype = TinyDarts.Genotype().ToString();
        var given = config with { Dass = config.Dass! with { Final = config.Dass.Final with { Genotype = genotype } } };
        var plan = NasPrune.Training.Dass.DassTask.Plan(given.Dass!, given.Training);
        Assert.Equal(["final-pretrain", "final-prune", "final-finetune"], plan.Select(p => p.Name));
        var missing = config with { Dass = config.Dass! with { Final = config.Dass.Final with { Genotype = "@" + _temp.File("none.txt") } } };
        Assert.Contains("dass.final.genotype", Assert.Throws<FileNotFoundException>(() =>
            new RunTrainer(missing, new RunDirectory(_temp.File("missing")), NullLogger.Instance).Run(CancellationToken.None)).Message);
    }

    [Fact]
    public void DassAndTheDartsArchGoTogether()
    {
        RunConfig config = Config("unused");
        Assert.Contains((config with { Model = new ModelConfig { Arch = "resnet20" } }).Problems(), p => p.Contains("'dass'") && p.Contains(ModelConfig.DartsCells));
        Assert.Contains((config with { Dass = null }).Problems(), p => p.Contains("'dass'"));
        Assert.Empty(config.Problems());
    }

    private static void Stop(RunConfig config, RunDirectory run, long step)
    {
        using var stop = new CancellationTokenSource();
        Assert.Equal(TrainingOutcome.Stopped, new RunTrainer(config, run, NullLogger.Instance, new StopAtStep(step, stop)).Run(stop.Token));
    }

    /// <summary>The checkpoints a run writes when stopped after step <paramref name="first"/> and again after <paramref name="second"/>.</summary>
    private (LoadedArchive First, LoadedArchive Second) Checkpoints(RunConfig config, string name, long first, long second)
    {
        var run = new RunDirectory(_temp.File(name));
        Stop(config, run, first);
        LoadedArchive a = Latest(run);
        Stop(config, run, second);
        return (a, Latest(run));
    }

    private static LoadedArchive Latest(RunDirectory run) =>
        TensorArchive.Read(Directory.GetFiles(run.Checkpoints, "ckpt-*.npta").Order().Last());

    public void Dispose() => _temp.Dispose();
}
