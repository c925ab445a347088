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
/// [--device D] [--threads N] [--stop-after PHASE] [--check]</c>. The config is loaded, validated and checked by the command's own rule before
/// anything is written; SIGINT/SIGTERM checkpoint and exit 0; the run's pictures are drawn at the end. With --check it
/// stops before the first step and writes nothing (<see cref="RunTrainer.Check"/>).
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
        var checkOnly = new Option<bool>("--check")
        {
            Description = "validate the config and every file it names, build the task, load the newest checkpoint, show the plan; write nothing",
        };
        var stopAfter = new Option<string?>("--stop-after")
        {
            Description = "stop (checkpointed) once this phase is complete, e.g. 'base' or 'teacher'; the same command without it continues the run",
        };
        var command = new Command(name, description) { config, runDir, device, threads, stopAfter, checkOnly };
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
            if (parse.GetValue(checkOnly))
            {
                using var context = new CommandContext(name, loaded.Device, loaded.Threads, loaded.Seed);
                new RunTrainer(loaded, run, context.Logger).Check();
                return 0;
            }
            run.Create();
            var reports = new RunReports(loaded.Name);
            int code = await JobHost.RunAsync(run.Log, services => new TrainingJob(loaded, run,
                services.GetRequiredService<ILogger<RunTrainer>>(),
                ConsoleProgress.IsInteractive ? new ConsoleProgress() : null, reports, parse.GetValue(stopAfter)));
            if (code == 0 && File.Exists(run.Result)) reports.WriteAll(run);
            return code;
        }));
        return command;
    }
}
