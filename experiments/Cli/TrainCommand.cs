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

/// <summary><c>nasprune train --config FILE --run-dir DIR</c>: validates the config, then runs the job under the host.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "experiment config (JSON)", Required = true };
        var runDir = CommonOptions.RunDir(required: true);
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Train as a resumable hosted job (SIGINT/SIGTERM checkpoint and exit 0)") { config, runDir, device, threads };
        command.SetAction((parse, _) => CommandGuard.RunAsync(async () =>
        {
            RunConfig loaded = ConfigLoader.Load<RunConfig>(parse.GetRequiredValue(config).FullName);
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
