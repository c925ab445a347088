using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Supernet.Models;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;

namespace NasPrune.Tests.Training;

public sealed class PruningRunTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void ATrainedNetworkIsPrunedToTheTargetAndFineTuned()
    {
        string data = TinyRun.WriteData(_temp);
        var trained = new RunDirectory(_temp.File("base"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(TinyRun.Config(data, epochs: 1), trained, NullLogger.Instance).Run(CancellationToken.None));

        RunConfig config = TinyRun.Config(data, epochs: 1) with { Pruning = new PruningConfig { BaseModel = trained.Model, FlopsTarget = 0.5 } };
        var pruned = new RunDirectory(_temp.File("pruned"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, pruned, NullLogger.Instance).Run(CancellationToken.None));
        JsonObject result = JsonNode.Parse(File.ReadAllText(pruned.Result))!.AsObject();
        long full = ResNetSpec.FromName("resnet8", 1, 10).Macs(28);
        long macs = result["macsPerImage"]!.GetValue<long>();
        Assert.InRange(macs, full * 0.4, full * 0.5);

        // The run evaluates again from its directory (the pruned shape is rebuilt from the base model).
        var (_, model, _) = TrainedRun.Open(pruned, TorchSharp.torch.CPU, NullLogger.Instance, out _);
        using (model.Module) Assert.Equal(macs, model.Macs(28));

        // eval --base: the unpruned network the pruning started from, bit-equal to the base run's own model.
        var (_, unpruned, _) = TrainedRun.OpenBase(pruned, TorchSharp.torch.CPU, out string source);
        Assert.Equal(trained.Model, source);
        using (unpruned.Module) ReopenedRun.ComputesAs(unpruned.Module, trained);

        // A run that started from nothing has no base network.
        var error = Assert.Throws<ArgumentException>(() => TrainedRun.OpenBase(trained, TorchSharp.torch.CPU, out _));
        Assert.Equal($"--base: '{trained.Root}' has no base network (only a TAS run or a pruning run from a base model has one)", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}
