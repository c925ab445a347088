using System.CommandLine;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Logging;
using NasPrune.Supernet.Runtime;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using Serilog.Extensions.Logging;

namespace NasPrune.Experiments.Cli;

/// <summary><c>nasprune eval --run-dir DIR [--split test]</c>: evaluates a run's model on one split.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var runDir = CommonOptions.RunDir(required: true);
        var split = new Option<string>("--split") { Description = "test, validation or train", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "validation", "train");
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Evaluate a trained run on a split") { runDir, split, device, threads };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            using var serilog = LoggingSetup.CreateConsoleLogger();
            using var factory = new SerilogLoggerFactory(serilog);
            ILogger logger = factory.CreateLogger("eval");
            var run = new RunDirectory(parse.GetRequiredValue(runDir).FullName);
            var torchDevice = DeviceSelector.Parse(parse.GetValue(device) ?? "cpu");
            TorchSetup.Configure(parse.GetValue(threads) ?? 2, seed: 0);
            var (config, model, data) = TrainedRun.Open(run, torchDevice, logger, out string source);
            using (model)
            {
                ImageDataset set = parse.GetValue(split) switch
                {
                    "validation" => data.Validation,
                    "train" => data.Train,
                    _ => data.Test,
                };
                EvaluationResult r = Evaluator.Evaluate(model, set, data.Normalization, config.Training.EvalBatchSize, torchDevice);
                logger.LogInformation("{Run} ({Source}) on {Split} ({Images} images): top-1 {Top1:F2} %, top-5 {Top5:F2} %, loss {Loss:F4}",
                    config.Name, source, parse.GetValue(split), r.Images, r.Top1, r.Top5, r.Loss);
            }
            return 0;
        }));
        return command;
    }
}
