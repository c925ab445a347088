using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Configuration;
using NasPrune.Experiments.Hosting;
using NasPrune.Experiments.Reports;
using NasPrune.Supernet.Runtime;
using NasPrune.Training.Configuration;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// A command that runs a config as a resumable hosted job (<c>train</c>, <c>prune</c>): <c>--config FILE --run-dir DIR
/// [--device D] [--threads N]</c>. The config is loaded, validated and checked by the command's own rule before
/// anything is written; SIGINT/SIGTERM checkpoint and exit 0; the run's pictures are drawn at the end.
/// </summary>
public static class RunCommand
{
    /// <param name="check">The command's rule on the config, throwing a <see cref="ConfigException"/>; null: any valid config.</param>
    public static Command Create(string name, string description, Action<RunConfig>? check = null)
    {
        var config = new Option<FileInfo>("--config") { Description = "experiment config (JSON)", Required = true };
        var runDir = CommonOptions.RunDir(required: true);
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command(name, description) { config, runDir, device, threads };
        command.SetAction((parse, _) => CommandGuard.RunAsync(async () =>
        {
            RunConfig loaded = ConfigLoader.Load<RunConfig>(parse.GetRequiredValue(config).FullName);
            check?.Invoke(loaded);
            loaded = loaded with
            {
                Device = parse.GetValue(device) ?? loaded.Device,
                Threads = parse.GetValue(threads) ?? loaded.Threads,
            };
            DeviceSelector.Parse(loaded.Device, "device");
            var run = new RunDirectory(parse.GetRequiredValue(runDir).FullName);
            run.Create();
            var reports = new RunReports(loaded.Name);
            int code = await JobHost.RunAsync(run.Log, services => new TrainingJob(loaded, run,
                services.GetRequiredService<ILogger<RunTrainer>>(),
                ConsoleProgress.IsInteractive ? new ConsoleProgress() : null, reports));
            if (code == 0 && File.Exists(run.Result)) reports.WriteAll(run);
            return code;
        }));
        return command;
    }
}
