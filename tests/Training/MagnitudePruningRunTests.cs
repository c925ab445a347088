using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Supernet.Models;
using NasPrune.Supernet.Pruning;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training;

public sealed class MagnitudePruningRunTests : IDisposable
{
    private const int StepsPerEpoch = 4; // TinyRun: 64 images in batches of 16
    private readonly TempFolder _temp = new();
    private readonly string _data;

    public MagnitudePruningRunTests() => _data = TinyRun.WriteData(_temp);

    [Fact]
    public void GlobalMagnitudePrunesTheBaseToTheTargetAndFineTuningKeepsItExact()
    {
        string baseModel = TrainBase();
        RunConfig config = Config(epochs: 2, new PruningConfig { Method = PruningConfig.GlobalMagnitude, BaseModel = baseModel, Sparsity = 0.9, MinKeep = 0.05 });
        var run = new RunDirectory(_temp.File("global"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, NullLogger.Instance).Run(CancellationToken.None));

        using LoadedArchive model = TensorArchive.Read(run.Model);
        var weights = Prunable(model, "");
        long total = weights.Sum(w => w.Weight.numel());
        long zeros = Zeros(weights);
        Assert.Equal((long)Math.Round(0.9 * total), zeros);
        foreach (var (name, weight) in weights)
            Assert.True(weight.count_nonzero().item<long>() >= Math.Ceiling(0.05 * weight.numel()), $"{name} keeps fewer than minKeep");

        // The mask is fixed at the start: every checkpoint's zeros are the mask's, and the weights still trained.
        using LoadedArchive first = Checkpoint(run, StepsPerEpoch);
        using LoadedArchive last = Checkpoint(run, 2 * StepsPerEpoch);
        using LoadedArchive base_ = TensorArchive.Read(baseModel);
        foreach (var (name, weight) in weights)
        {
            TensorAssert.BitEqual(first["masks." + name].eq(0), weight.eq(0), $"{name}: zeros vs the first mask");
            TensorAssert.BitEqual(first["masks." + name], last["masks." + name], $"{name}: the mask while fine-tuning");
            TensorAssert.BitEqual(first["model." + name].eq(0), weight.eq(0), $"{name}: zeros during fine-tuning");
        }
        Assert.False(model["stages.0_0.conv1.weight"].eq(base_["stages.0_0.conv1.weight"].mul(first["masks.stages.0_0.conv1.weight"])).all().item<bool>());

        JsonObject result = JsonNode.Parse(File.ReadAllText(run.Result))!.AsObject();
        Assert.Equal("global-magnitude", result["method"]!.GetValue<string>());
        Assert.Equal(0.9, result["targetSparsity"]!.GetValue<double>());
        Assert.Equal(Math.Round((double)zeros / total, 6), result["sparsity"]!.GetValue<double>());
        Assert.Equal(total, result["prunableWeights"]!.GetValue<long>());
        long parameters = model.Tensors.Where(kv => !kv.Key.Contains("running_", StringComparison.Ordinal) && !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Sum(kv => kv.Value.numel());
        Assert.Equal(parameters - zeros, result["nonZeroParameters"]!.GetValue<long>());
        long macs = result["macsPerImage"]!.GetValue<long>(), nonZeroMacs = result["nonZeroMacsPerImage"]!.GetValue<long>();
        Assert.Equal(ResNetSpec.FromName("resnet8", 1, 10).Macs(28), macs);
        Assert.InRange(nonZeroMacs, 1, macs / 2);
        Assert.Equal(nonZeroMacs, result["layers"]!.AsArray().Sum(l => l!["nonZeroMacs"]!.GetValue<long>()));

        // The run evaluates again from its directory with the zeros in place.
        var (_, reopened, _) = TrainedRun.Open(run, CPU, NullLogger.Instance, out _);
        using (reopened.Module)
            Assert.Equal(zeros, reopened.Module.named_parameters().Where(p => MagnitudeMasks.IsPrunable(p.name, p.parameter))
                .Sum(p => p.parameter.numel() - p.parameter.count_nonzero().item<long>()));
    }

    [Fact]
    public void GradualMagnitudeFollowsTheCubicScheduleAtEpochEnds()
    {
        // From scratch: 0 before, 0.8 (1 - (1 - e / 3)^3) at the end of epoch e = 1..3, 0.8 after.
        RunConfig config = Config(epochs: 4, new PruningConfig { Method = PruningConfig.GradualMagnitude, Sparsity = 0.8, EndEpoch = 3 });
        var run = new RunDirectory(_temp.File("gradual"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, NullLogger.Instance).Run(CancellationToken.None));
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            using LoadedArchive checkpoint = Checkpoint(run, epoch * StepsPerEpoch);
            var weights = Prunable(checkpoint, "model.");
            long total = weights.Sum(w => w.Weight.numel());
            double expected = 0.8 * (1 - Math.Pow(1 - Math.Min(epoch, 3) / 3.0, 3));
            Assert.Equal((long)Math.Round(expected * total), Zeros(weights));
        }
        JsonObject result = JsonNode.Parse(File.ReadAllText(run.Result))!.AsObject();
        Assert.Equal("gradual-magnitude", result["method"]!.GetValue<string>());
        Assert.Equal(0.8, result["sparsity"]!.GetValue<double>(), 4);
    }

    [Theory]
    [InlineData(PruningConfig.GlobalMagnitude)]
    [InlineData(PruningConfig.GradualMagnitude)]
    public void StoppingMidEpochAndResumingEqualsAnUninterruptedRun(string method)
    {
        var pruning = method == PruningConfig.GlobalMagnitude
            ? new PruningConfig { Method = method, BaseModel = TrainBase(), Sparsity = 0.8 }
            : new PruningConfig { Method = method, Sparsity = 0.8, EndEpoch = 2, UpdatesPerEpoch = 2 }; // masks change at steps 2, 4, 6, 8
        RunConfig config = Config(epochs: 3, pruning);
        var straight = new RunDirectory(_temp.File("straight"));
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, straight, NullLogger.Instance).Run(CancellationToken.None));

        // Stopped before a mask update and again after the last one, where only the checkpointed masks keep the zeros.
        var resumed = new RunDirectory(_temp.File("resumed"));
        foreach (long at in new[] { 5L, 9L })
        {
            using var stop = new CancellationTokenSource();
            Assert.Equal(TrainingOutcome.Stopped, new RunTrainer(config, resumed, NullLogger.Instance, new StopAtStep(at, stop)).Run(stop.Token));
        }
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, resumed, NullLogger.Instance).Run(CancellationToken.None));

        using LoadedArchive a = TensorArchive.Read(straight.Model);
        using LoadedArchive b = TensorArchive.Read(resumed.Model);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var (name, tensor) in a.Tensors)
        {
            TensorAssert.Close(tensor, b[name], 1e-6, name);
            TensorAssert.BitEqual(tensor.eq(0), b[name].eq(0), $"{name}: zeros");
        }
        var rowsA = MetricsLog.Read(straight.Metrics).Select(r => (r.Step, r.Phase, Math.Round(r.Loss, 5))).ToList();
        var rowsB = MetricsLog.Read(resumed.Metrics).Select(r => (r.Step, r.Phase, Math.Round(r.Loss, 5))).ToList();
        Assert.Equal(rowsA, rowsB);
    }

    private RunConfig Config(int epochs, PruningConfig pruning) =>
        TinyRun.Config(_data, epochs) with { Pruning = pruning, Checkpoints = new CheckpointConfig { EveryMinutes = 0, Keep = 100 } };

    private string TrainBase()
    {
        var run = new RunDirectory(_temp.File("base"));
        if (!File.Exists(run.Model))
            Assert.Equal(TrainingOutcome.Completed, new RunTrainer(TinyRun.Config(_data, epochs: 1), run, NullLogger.Instance).Run(CancellationToken.None));
        return run.Model;
    }

    private static LoadedArchive Checkpoint(RunDirectory run, long step) => TensorArchive.Read(Path.Combine(run.Checkpoints, $"ckpt-{step:D9}.npta"));

    /// <summary>The prunable weights of a stored model (names without <paramref name="prefix"/>).</summary>
    private static List<(string Name, Tensor Weight)> Prunable(LoadedArchive archive, string prefix) =>
        archive.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && MagnitudeMasks.IsPrunable(kv.Key[prefix.Length..], kv.Value))
            .Select(kv => (kv.Key[prefix.Length..], kv.Value)).OrderBy(w => w.Item1, StringComparer.Ordinal).ToList();

    private static long Zeros(IEnumerable<(string Name, Tensor Weight)> weights) =>
        weights.Sum(w => w.Weight.numel() - w.Weight.count_nonzero().item<long>());

    public void Dispose() => _temp.Dispose();
}
