using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Experiments.Configuration;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using static TorchSharp.torch;

namespace NasPrune.Tests.Training;

public sealed class GradientClippingTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _data;

    public GradientClippingTests() => _data = TinyRun.WriteData(_temp);

    [Fact]
    public void TrainingGradClipBoundsTheNormOfEachStepsUpdate()
    {
        // Plain SGD (no momentum, no decay): a step moves the parameters by lr x the (clipped) gradient.
        const double clip = 1e-4, lr = 0.05;
        double clipped = SecondStepUpdateNorm("clipped", clip), unclipped = SecondStepUpdateNorm("unclipped", null);
        Assert.InRange(clipped, 0.5 * lr * clip, lr * clip * 1.001); // cosine lr of the second of 4 steps: 0.043
        Assert.True(unclipped > 100 * clipped, $"unclipped update {unclipped:G3} vs clipped {clipped:G3}");
    }

    [Fact]
    public void GradClipWithProgressiveShrinkingTasOrDassIsOneLine()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromJson<RunConfig>(
            """{ "model": { "arch": "darts-cells" }, "training": { "gradClip": 5 }, "dass": { "sparsity": 0.9 } }"""));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("'training.gradClip' applies to plain training and magnitude pruning", e.Message);
    }

    /// <summary>L2 norm of the change of every trained parameter (not BatchNorm statistics) made by step 2.</summary>
    private double SecondStepUpdateNorm(string name, double? clip)
    {
        RunConfig tiny = TinyRun.Config(_data, epochs: 1);
        RunConfig config = tiny with
        {
            Training = tiny.Training with { Momentum = 0, Nesterov = false, WeightDecay = 0, WarmupEpochs = 0, GradClip = clip },
            Checkpoints = new CheckpointConfig { EveryMinutes = 0, Keep = 100 },
        };
        var run = new RunDirectory(_temp.File(name));
        var states = new List<LoadedArchive>();
        foreach (long at in new[] { 1L, 2L })
        {
            using var stop = new CancellationTokenSource();
            Assert.Equal(TrainingOutcome.Stopped, new RunTrainer(config, run, NullLogger.Instance, new StopAtStep(at, stop)).Run(stop.Token));
            states.Add(TensorArchive.Read(Directory.GetFiles(run.Checkpoints, "ckpt-*.npta").Order().Last()));
        }
        using LoadedArchive first = states[0], second = states[1];
        Assert.Equal(1, first.Metadata["step"]!.GetValue<long>());
        Assert.Equal(2, second.Metadata["step"]!.GetValue<long>());
        using var scope = NewDisposeScope();
        var trained = first.Tensors.Keys.Where(k => k.StartsWith("model.", StringComparison.Ordinal) && !k.Contains("running_") && !k.EndsWith("num_batches_tracked")).ToList();
        Assert.NotEmpty(trained);
        return Math.Sqrt(trained.Sum(k => second[k].sub(first[k]).square().sum().item<float>()));
    }

    public void Dispose() => _temp.Dispose();
}
