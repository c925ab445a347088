using Microsoft.Extensions.Logging.Abstractions;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Serialization;
using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;

namespace NasPrune.Tests.Training;

public sealed class RunTrainerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void StoppingHalfWayAndResumingEqualsAnUninterruptedRun()
    {
        string data = TinyRun.WriteData(_temp);
        RunConfig config = TinyRun.Config(data);      // 64 images / batch 16 = 4 steps an epoch, 8 steps in all
        var straight = new RunDirectory(_temp.File("straight"));
        Assert.Equal(TrainingOutcome.Completed, Train(config, straight, CancellationToken.None));

        var resumed = new RunDirectory(_temp.File("resumed"));
        using (var stop = new CancellationTokenSource())
        {
            var progress = new StopAtStep(3, stop);         // mid-epoch: not at a checkpoint the epoch end writes anyway
            var outcome = new RunTrainer(config, resumed, NullLogger.Instance, progress).Run(stop.Token);
            Assert.Equal(TrainingOutcome.Stopped, outcome);
        }
        Assert.False(File.Exists(resumed.Model));
        Assert.Equal(TrainingOutcome.Completed, Train(config, resumed, CancellationToken.None));

        using LoadedArchive a = TensorArchive.Read(straight.Model);
        using LoadedArchive b = TensorArchive.Read(resumed.Model);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var (name, tensor) in a.Tensors)
            TensorAssert.Close(tensor, b[name], 1e-6, name);

        var rowsA = MetricsLog.Read(straight.Metrics).Select(r => (r.Step, r.Phase, Math.Round(r.Loss, 5))).ToList();
        var rowsB = MetricsLog.Read(resumed.Metrics).Select(r => (r.Step, r.Phase, Math.Round(r.Loss, 5))).ToList();
        Assert.Equal(rowsA, rowsB);
    }

    [Fact]
    public void DamagedNewestCheckpointFallsBackToThePreviousOne()
    {
        string data = TinyRun.WriteData(_temp);
        RunConfig config = TinyRun.Config(data, epochs: 3);
        var run = new RunDirectory(_temp.File("run"));
        using (var stop = new CancellationTokenSource())
            new RunTrainer(config, run, NullLogger.Instance, new StopAtStep(9, stop)).Run(stop.Token);
        string[] files = Directory.GetFiles(run.Checkpoints, "*.npta").Order().ToArray();
        Assert.Equal(["ckpt-000000008.npta", "ckpt-000000009.npta"], files.Select(Path.GetFileName));

        byte[] bytes = File.ReadAllBytes(files[^1]);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(files[^1], bytes);

        var logger = new ListLogger();
        Assert.Equal(TrainingOutcome.Completed, new RunTrainer(config, run, logger).Run(CancellationToken.None));
        Assert.Contains(logger.Lines, l => l.Contains("ckpt-000000009.npta") && l.Contains("damaged"));
        Assert.Contains(logger.Lines, l => l.Contains("starting at step 8"));
        // The one epoch this process trained (the third) says how busy other processes kept the CPUs meanwhile.
        if (OperatingSystem.IsLinux())
            Assert.Matches(@"^Information: Epoch 3: other processes kept [0-9.]+ of [0-9]+ CPUs busy", Assert.Single(logger.Lines, l => l.Contains("other processes kept")));
    }

    [Fact]
    public void ResumingWithADifferentConfigIsRefusedNamingTheField()
    {
        string data = TinyRun.WriteData(_temp);
        RunConfig config = TinyRun.Config(data, epochs: 1);
        var run = new RunDirectory(_temp.File("run"));
        Train(config, run, CancellationToken.None);
        var changed = config with { Training = config.Training with { Lr = 0.2 } };
        var e = Assert.Throws<RunMismatchException>(() => Train(changed, run, CancellationToken.None));
        Assert.Contains("training.lr", e.Message);
        // Operational fields may change on resume.
        Assert.Equal(TrainingOutcome.Completed, Train(config with { Threads = 2, LogEverySteps = 3, Training = config.Training with { EvalBatchSize = 7 } }, run, CancellationToken.None));
    }

    [Fact]
    public void MissingDataWritesNothingToTheRunDirectory()
    {
        RunConfig config = TinyRun.Config(_temp.File("nowhere"));
        var run = new RunDirectory(_temp.File("run"));
        var e = Assert.Throws<NasPrune.Training.Data.DatasetException>(() => Train(config, run, CancellationToken.None));
        Assert.Contains("nowhere", e.Message);
        Assert.False(Directory.Exists(run.Root));
    }

    [Fact]
    public void ADivergingRunStopsWithOneLineBeforeItCheckpointsNaN()
    {
        RunConfig config = TinyRun.Config(TinyRun.WriteData(_temp), epochs: 3);
        config = config with { Training = config.Training with { Lr = 1e30, WarmupEpochs = 0 } };
        var run = new RunDirectory(_temp.File("diverging"));
        var e = Assert.Throws<TrainingDivergedException>(() => Train(config, run, CancellationToken.None));
        Assert.Contains("lower training.lr", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(run.Result));
        foreach (string checkpoint in Directory.Exists(run.Checkpoints) ? Directory.GetFiles(run.Checkpoints, "*.npta") : [])
        {
            using LoadedArchive archive = TensorArchive.Read(checkpoint);
            Assert.Null(NonFinite.FirstName(archive.Tensors));
        }
    }

    [Fact]
    public void ACheckWritesNothingAndSaysWhereARunWouldStartOrResume()
    {
        string data = TinyRun.WriteData(_temp);
        RunConfig config = TinyRun.Config(data);      // 8 steps in one phase
        var run = new RunDirectory(_temp.File("checked"));

        RunCheck fresh = new RunTrainer(config, run, NullLogger.Instance).Check();
        Assert.Equal((8L, 0L, false), (fresh.TotalSteps, fresh.StartStep, fresh.Complete));
        Assert.Equal([2], fresh.Phases.Select(p => p.Epochs));
        Assert.False(Directory.Exists(run.Root));

        using (var stop = new CancellationTokenSource())
            new RunTrainer(config, run, NullLogger.Instance, new StopAtStep(3, stop)).Run(stop.Token);
        var before = Snapshot(run.Root);
        RunCheck stopped = new RunTrainer(config, run, NullLogger.Instance).Check();
        Assert.Equal((3L, false), (stopped.StartStep, stopped.Complete));
        Assert.Equal(before, Snapshot(run.Root));

        // A changed config is refused by the check exactly as by the run.
        var changed = config with { Training = config.Training with { Lr = 0.2 } };
        Assert.Contains("training.lr", Assert.Throws<RunMismatchException>(() => new RunTrainer(changed, run, NullLogger.Instance).Check()).Message);

        Assert.Equal(TrainingOutcome.Completed, Train(config, run, CancellationToken.None));
        Assert.True(new RunTrainer(config, run, NullLogger.Instance).Check().Complete);
    }

    /// <summary>Every file under a folder with its length and SHA-256.</summary>
    private static List<(string, long, string)> Snapshot(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order()
            .Select(f => (Path.GetRelativePath(root, f), new FileInfo(f).Length, AtomicFile.Sha256Hex(f))).ToList();

    private static TrainingOutcome Train(RunConfig config, RunDirectory run, CancellationToken token) =>
        new RunTrainer(config, run, NullLogger.Instance).Run(token);

    public void Dispose() => _temp.Dispose();
}
