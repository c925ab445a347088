using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Configuration;
using NasPrune.Experiments.Tuning;
using NasPrune.Search.Tuning;
using NasPrune.Training.Configuration;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune tune --config FILE [--workers N]</c>: a hyper-parameter study over a training config. With N
/// workers, N processes share the study's SQLite file (each with cores / N threads); rerunning continues
/// the study (trials of crashed workers are marked failed). Writes trials.csv and tune.png.
/// </summary>
public static class TuneCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "tuning config (experiments/tune/*.json)", Required = true };
        var workers = new Option<int>("--workers") { Description = "worker processes sharing the study", DefaultValueFactory = _ => 1 };
        var worker = new Option<bool>("--worker") { Description = "run as one worker of a study (started by --workers)", Hidden = true };
        var command = new Command("tune", "Tune a training config's hyper-parameters (TPE or random, with pruning)") { config, workers, worker };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            string path = parse.GetRequiredValue(config).FullName;
            TuneConfig tune = ConfigLoader.Load<TuneConfig>(path);
            int count = parse.GetValue(workers);
            if (count < 1) throw new ArgumentException($"--workers: needs at least 1, got {count}");
            Directory.CreateDirectory(tune.Directory);
            int threads = Math.Max(1, Environment.ProcessorCount / count);
            using var context = new CommandContext("tune", "cpu", threads, tune.Seed);
            using var stop = new StopSignal();
            if (parse.GetValue(worker))
            {
                new TuneWorker(tune, context.Logger, threads).Run(stop.Token);
                return 0;
            }
            var children = Enumerable.Range(1, count - 1).Select(_ => Process.Start(WorkerStart(path))!).ToList();
            new TuneWorker(tune, context.Logger, threads).Run(stop.Token);
            foreach (Process child in children)
            {
                child.WaitForExit();
                child.Dispose();
            }
            using var storage = new SqliteStorage(Path.Combine(tune.Directory, TuneWorker.StudyFile));
            RunConfig baseConfig = ConfigLoader.Load<RunConfig>(tune.BaseConfig, environmentPrefix: null);
            var (rows, saved) = TuneReport.Write(tune, storage.Trials(), baseConfig.Training.Epochs);
            var best = rows.Where(r => r.State == nameof(TrialState.Complete)).MaxBy(r => r.Value);
            context.Logger.LogInformation("Study {Name}: {Complete} complete, {Pruned} pruned, {Failed} failed; best validation top-1 {Best:F2} % with {Params}; the pruner saved {Saved:P1} of the epochs",
                tune.Name, rows.Count(r => r.State == "Complete"), rows.Count(r => r.State == "Pruned"), rows.Count(r => r.State == "Failed"),
                best?.Value ?? double.NaN, best?.Params ?? "-", saved);
            return 0;
        }));
        return command;
    }

    /// <summary>This executable again as a worker: through the dotnet host (dotnet nasprune.dll) or the app host.</summary>
    private static ProcessStartInfo WorkerStart(string configPath)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(TuneCommand).Assembly.Location);
        foreach (string argument in new[] { "tune", "--config", configPath, "--worker" }) start.ArgumentList.Add(argument);
        return start;
    }
}
