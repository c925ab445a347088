using NasPrune.Tests.TestSupport;
using NasPrune.Training.Configuration;
using NasPrune.Training.Runs;

namespace NasPrune.Tests.Experiments;

/// <summary>The real executable under signals: SIGTERM checkpoints and exits 0; kill -9 resumes from the last checkpoint.</summary>
public sealed class TrainCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void SigtermFinishesTheStepCheckpointsAndExitsZeroThenTheRunResumes()
    {
        var (configPath, run) = Prepare(epochs: 40);
        using (var process = NasPruneProcess.Start("train", "--config", configPath, "--run-dir", run.Root))
        {
            WaitFor(() => TrainRows(run) >= 2, process);
            process.Signal(NasPruneProcess.SigTerm);
            Assert.Equal(0, process.WaitForExit(TimeSpan.FromMinutes(1)));
        }
        string log = File.ReadAllText(run.Log);
        Assert.Contains("Stopped at step", log);
        Assert.NotEmpty(Directory.GetFiles(run.Checkpoints, "*.npta"));
        Assert.False(File.Exists(run.Result));

        var (code, output) = NasPruneProcess.Run("train", "--config", configPath, "--run-dir", run.Root);
        Assert.True(code == 0, output);
        Assert.True(File.Exists(run.Result));
        Assert.Contains("Resuming from checkpoint", File.ReadAllText(run.Log));
    }

    [Fact]
    public void KillNineLosesAtMostTheStepsSinceTheLastCheckpoint()
    {
        var (configPath, run) = Prepare(epochs: 40);
        using (var process = NasPruneProcess.Start("train", "--config", configPath, "--run-dir", run.Root))
        {
            WaitFor(() => Directory.Exists(run.Checkpoints) && Directory.GetFiles(run.Checkpoints, "*.sha256").Length > 0, process);
            process.Signal(NasPruneProcess.SigKill);
            process.WaitForExit(TimeSpan.FromMinutes(1));
        }
        var (code, output) = NasPruneProcess.Run("train", "--config", configPath, "--run-dir", run.Root);
        Assert.True(code == 0, output);
        var rows = MetricsLog.Read(run.Metrics);
        // Rows written after the checkpoint by the killed process were dropped and written again once.
        Assert.Equal(rows.Count, rows.Select(r => (r.Step, r.Phase)).Distinct().Count());
        Assert.Equal(40 * 4, rows.Where(r => r.Phase == "train").Max(r => r.Step));
    }

    [Fact]
    public void BadConfigValueGivesOneLineExitTwoAndWritesNothing()
    {
        string configPath = _temp.File("bad.json");
        File.WriteAllText(configPath, """{ "training": { "epochs": 0 } }""");
        string runDir = _temp.File("run");
        var (code, output) = NasPruneProcess.Run("train", "--config", configPath, "--run-dir", runDir);
        Assert.Equal(2, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.Contains("training.epochs", lines[0]);
        Assert.False(Directory.Exists(runDir));
    }

    private (string ConfigPath, RunDirectory Run) Prepare(int epochs)
    {
        string data = TinyRun.WriteData(_temp);
        RunConfig config = TinyRun.Config(data, epochs) with { Checkpoints = new CheckpointConfig { EveryMinutes = 0, Keep = 2 } };
        string path = _temp.File("config.json");
        File.WriteAllText(path, RunConfigJson.Serialize(config));
        return (path, new RunDirectory(_temp.File("run")));
    }

    private static int TrainRows(RunDirectory run)
    {
        if (!File.Exists(run.Metrics)) return 0;
        using var stream = new FileStream(run.Metrics, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Count(l => l.Contains(",train,"));
    }

    private static void WaitFor(Func<bool> condition, NasPruneProcess process)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            if (process.HasExited) throw new InvalidOperationException($"nasprune exited early:\n{process.Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not met; output:\n{process.Output}");
            Thread.Sleep(50);
        }
    }

    public void Dispose() => _temp.Dispose();
}
