using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Supernet.Serialization;
using NasPrune.Supernet.Tas;
using NasPrune.Tests.Supernet.Ofa;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training.Tas;

public sealed class TasTaskTests : IDisposable
{
    private readonly TempFolder _temp = new();

    /// <summary>ResNet-8 on 64 synthetic images, batch 16: base, search and final one epoch (4 steps) each.</summary>
    private RunConfig Config(string data) => TinyRun.Config(data, epochs: 1) with
    {
        Tas = new TasConfig
        {
            Search = new TasSearchConfig { Epochs = 1, FlopsTarget = 0.5, TauMax = 5, TauMin = 1 },
            Final = new TasFinalConfig { Epochs = 1 },
        },
    };

    [Fact]
    public void BaseSearchDeriveAndDistilRunEndToEnd()
    {
        RunConfig config = Config(TinyRun.WriteData(_temp));
        var run = new RunDirectory(_temp.File("run"));
        var logger = new ListLogger();
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, logger).Run(CancellationToken.None));
        TasArchitecture architecture = TasArchitecture.Parse(File.ReadAllText(Path.Combine(run.Root, "tas-architecture.txt")));
        JsonObject result = JsonNode.Parse(File.ReadAllText(run.Result))!.AsObject();
        // A derived network outside target +- tolerance (of the real MACs, projections included) is reported, one inside is not.
        double share = 1 - result["fewerMacs"]!.GetValue<double>();
        bool outside = Math.Abs(share - 0.5) > 0.05 * 0.5 + 1e-3;
        bool inside = Math.Abs(share - 0.5) < 0.05 * 0.5 - 1e-3;
        if (outside || inside) Assert.Equal(outside, logger.Lines.Any(l => l.StartsWith("Warning: Search ended outside the cost band")));
        Assert.Equal(architecture.ToString(), result["tasArchitecture"]!.GetValue<string>());
        Assert.Equal(architecture.Macs(1, 10, 28), result["macsPerImage"]!.GetValue<long>());
        // One argmax line per search epoch (here 1), then one line naming what was derived and where it went.
        Assert.Single(logger.Lines, l => l.Contains("Search: argmax"));
        Assert.Contains($"Search derived {architecture} ", Assert.Single(logger.Lines, l => l.Contains("Search derived")));
        using var net = new TasResNet(architecture, 1, 10);
        using LoadedArchive model = TensorArchive.Read(run.Model);
        ModuleState.Load(net, model.Tensors, "", run.Model);
        net.eval();
        Assert.Equal(architecture.Macs(1, 10, 28), MacCounter.Count(net, randn(2, 1, 28, 28)));
        ReopenedRun.ComputesAs(net, run); // the derived shape comes from the model file, not the config's resnet8
        Assert.True(File.Exists(Path.Combine(run.Root, "base.npta")));
        Assert.NotNull(result["unpruned"]?["test"]);

        // eval --base reopens the unpruned network: the one whose test figure the run reported.
        var (_, unpruned, data) = TrainedRun.OpenBase(run, CPU, out string baseSource);
        Assert.Equal(Path.Combine(run.Root, TrainedRun.TasBaseFile), baseSource);
        using (unpruned.Module)
        {
            EvaluationResult test = Evaluator.Evaluate(unpruned.Module, data.Test, data.Normalization, config.Training.EvalBatchSize, CPU);
            Assert.Equal(result["unpruned"]!["test"]!["top1"]!.GetValue<double>(), Math.Round(test.Top1, 4));
            Assert.Equal(result["unpruned"]!["test"]!["loss"]!.GetValue<double>(), Math.Round(test.Loss, 6));
        }
    }

    [Theory]
    [InlineData(6)]   // inside the search
    [InlineData(10)]  // inside the final training
    public void StoppingAndResumingEqualsAnUninterruptedRun(long stopAt)
    {
        RunConfig config = Config(TinyRun.WriteData(_temp));
        var straight = new RunDirectory(_temp.File($"straight-{stopAt}"));
        new RunTrainer(config, straight, NullLogger.Instance).Run(CancellationToken.None);
        var resumed = new RunDirectory(_temp.File($"resumed-{stopAt}"));
        using (var stop = new CancellationTokenSource())
            Assert.Equal(TrainingOutcome.Stopped, new RunTrainer(config, resumed, NullLogger.Instance, new StopAtStep(stopAt, stop)).Run(stop.Token));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, resumed, NullLogger.Instance).Run(CancellationToken.None));
        Assert.Equal(File.ReadAllText(Path.Combine(straight.Root, "tas-architecture.txt")), File.ReadAllText(Path.Combine(resumed.Root, "tas-architecture.txt")));
        using LoadedArchive a = TensorArchive.Read(straight.Model);
        using LoadedArchive b = TensorArchive.Read(resumed.Model);
        foreach (var (name, tensor) in a.Tensors) TensorAssert.Close(tensor, b[name], 1e-6, name);
    }

    [Fact]
    public void StopAfterBaseMakesTheUninterruptedRunsBaseNetworkAndTheRunContinuesWithoutIt()
    {
        RunConfig config = Config(TinyRun.WriteData(_temp));
        var straight = new RunDirectory(_temp.File("straight"));
        new RunTrainer(config, straight, NullLogger.Instance).Run(CancellationToken.None);
        var staged = new RunDirectory(_temp.File("staged"));
        Assert.Equal(TrainingOutcome.Stopped, new RunTrainer(config, staged, NullLogger.Instance, stopAfterPhase: "base").Run(CancellationToken.None));
        string baseFile = Path.Combine(staged.Root, "base.npta");
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight.Root, "base.npta")), File.ReadAllBytes(baseFile));
        Assert.False(File.Exists(Path.Combine(staged.Root, "tas-architecture.txt"))); // the search did not start
        Assert.False(File.Exists(staged.Result));
        var unfinished = Assert.Throws<FileNotFoundException>(() => TrainedRun.Open(staged, CPU, NullLogger.Instance, out _));
        Assert.Equal($"--run-dir: '{staged.Root}' has no model.npta yet; a TAS run's network is known once it has finished", unfinished.Message);
        // Asked again, it has nothing to do; without the option it runs to the uninterrupted run's end.
        var logger = new ListLogger();
        Assert.Equal(TrainingOutcome.Stopped, new RunTrainer(config, staged, logger, stopAfterPhase: "base").Run(CancellationToken.None));
        Assert.Contains(logger.Lines, l => l.Contains("is past phase 'base'"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, staged, NullLogger.Instance).Run(CancellationToken.None));
        using LoadedArchive a = TensorArchive.Read(straight.Model);
        using LoadedArchive b = TensorArchive.Read(staged.Model);
        foreach (var (name, tensor) in a.Tensors) TensorAssert.Close(tensor, b[name], 1e-6, name);

        var e = Assert.Throws<ArgumentException>(() =>
            new RunTrainer(config, new RunDirectory(_temp.File("typo")), NullLogger.Instance, stopAfterPhase: "bsae").Run(CancellationToken.None));
        Assert.Equal("--stop-after: 'bsae' is not a phase of this run (its phases: base, search, final)", e.Message);
        Assert.False(Directory.Exists(_temp.File("typo"))); // refused before anything is written
    }

    [Fact]
    public void AGivenArchitectureTrainedFromScratchSkipsBaseAndSearch()
    {
        RunConfig config = Config(TinyRun.WriteData(_temp));
        string file = _temp.File("arch.txt");
        File.WriteAllText(file, "stem8|6-12|12-24|24-48\n");
        config = config with { Tas = config.Tas! with { Final = new TasFinalConfig { Epochs = 1, Distill = false, Architecture = "@" + file } } };
        var run = new RunDirectory(_temp.File("scratch"));
        var logger = new ListLogger();
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, logger).Run(CancellationToken.None));
        Assert.Contains(logger.Lines, l => l.Contains("phases final;"));
        JsonObject result = JsonNode.Parse(File.ReadAllText(run.Result))!.AsObject();
        Assert.Equal("stem8|6-12|12-24|24-48", result["tasArchitecture"]!.GetValue<string>());
        Assert.False(result["distilled"]!.GetValue<bool>());
        Assert.Null(result["unpruned"]); // no base network was trained or given: an untrained one is no result
        var noBase = Assert.Throws<FileNotFoundException>(() => TrainedRun.OpenBase(run, CPU, out _));
        Assert.StartsWith($"--base: '{Path.Combine(run.Root, TrainedRun.TasBaseFile)}' does not exist", noBase.Message);
        var missing = config with { Tas = config.Tas! with { Final = config.Tas.Final with { Architecture = "@" + _temp.File("none.txt") } } };
        Assert.Contains("tas.final.architecture", Assert.Throws<FileNotFoundException>(() =>
            new RunTrainer(missing, new RunDirectory(_temp.File("missing")), NullLogger.Instance).Run(CancellationToken.None)).Message);
    }

    public void Dispose() => _temp.Dispose();
}
