using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Ofa;
using NasPrune.Experiments.Reports;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune eval --run-dir DIR [--base] | --model DIR [--split test] [--batch-size N]</c>: evaluates a training run's model (with
/// <c>--base</c>, the unpruned network a TAS or pruning run started from), or
/// an exported sub-network (loaded without its supernet; its logits are checked bit for bit against
/// the ones the exporting process stored). With <c>--resolutions 20,24,28,32</c> it measures the network at each
/// of those input sizes instead, after BN recalibration at each (<see cref="ResolutionSweep"/>), and can write the table as CSV.
/// <c>--predictions FILE.csv</c> also writes each image's predicted class, for <c>nasprune compare-predictions</c>.
/// </summary>
public static class EvalCommand
{
    public const int NotReproduced = 3;

    public static Command Create()
    {
        var runDir = CommonOptions.RunDir(required: false);
        var model = new Option<DirectoryInfo?>("--model") { Description = "exported sub-network directory (nasprune export)" };
        var split = new Option<string>("--split") { Description = "test, validation or train", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "validation", "train");
        var dataRoot = CommonOptions.DataRoot();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var resolutions = new Option<string?>("--resolutions")
        { Description = "comma-separated input sizes: evaluate at each, after BN recalibration there (e.g. 20,24,28,32)" };
        var recalibrate = new Option<int>("--recalibrate")
        { Description = "BN recalibration images per resolution (with --resolutions)", DefaultValueFactory = _ => RecalibrationImages.DefaultCount };
        var seed = new Option<ulong?>("--seed") { Description = "shuffle seed of the recalibration images (default: the run's seed; 0 for --model)" };
        var csv = new Option<FileInfo?>("--csv") { Description = "write the --resolutions table to this CSV file" };
        var batchSize = new Option<int?>("--batch-size")
        { Description = $"images per forward pass (default: the run's training.evalBatchSize; {OptimizationConfig.DefaultEvalBatchSize} for --model)" };
        var predictions = new Option<FileInfo?>("--predictions")
        { Description = "also write each image's label and predicted class to this CSV file (for nasprune compare-predictions)" };
        var baseNetwork = new Option<bool>("--base")
        { Description = "with --run-dir of a TAS or pruning run: evaluate the unpruned network it started from instead of its result" };
        var command = new Command("eval", "Evaluate a trained run or an exported sub-network on a split")
        { runDir, model, split, dataRoot, device, threads, resolutions, recalibrate, seed, csv, batchSize, predictions, baseNetwork };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            DirectoryInfo? run = parse.GetValue(runDir), exported = parse.GetValue(model);
            if ((run is null) == (exported is null)) throw new ArgumentException("eval: give exactly one of --run-dir or --model");
            bool unpruned = parse.GetValue(baseNetwork);
            if (unpruned && run is null) throw new ArgumentException("--base: only with --run-dir (of a TAS or pruning run)");
            Sweep? sweep = null;
            if (parse.GetValue(resolutions) is string sizes)
            {
                RecalibrationImages.CheckCount(parse.GetValue(recalibrate));
                sweep = new Sweep(ResolutionSweep.Parse(sizes), parse.GetValue(recalibrate), parse.GetValue(seed), parse.GetValue(csv)?.FullName);
            }
            else if (parse.GetValue(csv) is not null) throw new ArgumentException("--csv: only with --resolutions");
            string? predictionsPath = parse.GetValue(predictions)?.FullName;
            if (predictionsPath is not null && sweep is not null)
                throw new ArgumentException("--predictions: not with --resolutions (it writes the predictions of one evaluation)");
            int? batch = parse.GetValue(batchSize);
            if (batch is < 1 or > OptimizationConfig.MaxEvalBatchSize)
                throw new ArgumentException($"--batch-size: {batch} is not allowed; give 1 to {OptimizationConfig.MaxEvalBatchSize} images");
            using var context = new CommandContext("eval", parse.GetValue(device), parse.GetValue(threads));
            string splitName = parse.GetValue(split)!;
            return exported is not null
                ? EvaluateExport(exported.FullName, new Request(splitName, sweep, batch, predictionsPath), parse.GetValue(dataRoot), context)
                : EvaluateRun(new RunDirectory(run!.FullName), new Request(splitName, sweep, batch, predictionsPath), unpruned, context);
        }));
        return command;
    }

    /// <summary>What --resolutions asked for.</summary>
    private sealed record Sweep(IReadOnlyList<int> Resolutions, int RecalibrationImages, ulong? Seed, string? Csv);

    /// <summary>What to evaluate on, and how: the split, a resolution sweep or one evaluation, its batch, where its predictions go.</summary>
    private sealed record Request(string Split, Sweep? Sweep, int? BatchSize, string? Predictions);

    private static int EvaluateRun(RunDirectory run, Request request, bool unpruned, CommandContext context)
    {
        var (split, sweep, batchSize, _) = request;
        if (!unpruned && Directory.Exists(run.ExportedSubnets))
        {
            // A progressive-shrinking run: its result is the exported sub-networks.
            string? dataRoot = File.Exists(run.Config) ? RunConfigJson.Deserialize(File.ReadAllText(run.Config), run.Config).Data.Root : null;
            int worst = 0;
            if (sweep?.Csv is not null) throw new ArgumentException("--csv: a progressive-shrinking run has several sub-networks; give one with --model");
            if (request.Predictions is not null) throw new ArgumentException("--predictions: a progressive-shrinking run has several sub-networks; give one with --model");
            foreach (string directory in Directory.GetDirectories(run.ExportedSubnets).Order())
                worst = Math.Max(worst, EvaluateExport(directory, request, dataRoot, context));
            return worst;
        }
        var (config, model, data) = unpruned ? TrainedRun.OpenBase(run, context.Device, out string source) : TrainedRun.Open(run, context.Device, context.Logger, out source);
        int batch = batchSize ?? config.Training.EvalBatchSize;
        using (model.Module)
        {
            if (sweep is not null)
            {
                SweepResolutions(model.Module, config.Name, data, split, sweep, sweep.Seed ?? (ulong)config.Seed, batch, context);
                return 0;
            }
            EvaluateAndLog(model.Module, $"{config.Name} ({source})", data, split, batch, model.InputResolution, request.Predictions, context);
        }
        return 0;
    }

    /// <param name="request">Its batch size unset: <see cref="OptimizationConfig.DefaultEvalBatchSize"/> (an export carries no config).</param>
    private static int EvaluateExport(string directory, Request request, string? dataRoot, CommandContext context)
    {
        var (split, sweep, batchSize, predictions) = request;
        int batch = batchSize ?? OptimizationConfig.DefaultEvalBatchSize;
        var (net, _) = SubnetExport.Read(directory);
        using (net)
        {
            bool reproduced = SubnetExport.ReproducesExport(directory, net);
            if (reproduced) context.Logger.LogInformation("Logits on the stored probe input are bit-identical to the exporting process's");
            else
                context.Logger.LogWarning("Logits on the stored probe input are NOT identical to the exporting process's: this build computes "
                    + "the network differently (another CPU or libtorch, or a NasPrune fix such as the 1x1 convolution of 0ba8479); the figures below are this build's");
            DataSplits data = FashionMnist.Load(FashionMnist.ResolveRoot(dataRoot));
            net.to(context.Device);
            if (sweep is not null)
            {
                SweepResolutions(net, net.Config.ToString(), data, split, sweep, sweep.Seed ?? 0, batch, context);
                return reproduced ? 0 : NotReproduced;
            }
            EvaluateAndLog(net, net.Config.ToString(), data, split, batch, net.Config.Resolution, predictions, context);
            return reproduced ? 0 : NotReproduced;
        }
    }

    /// <summary>Evaluates on the split and logs the figures with the time the forward passes took (start-up and data loading left out).</summary>
    private static void EvaluateAndLog(nn.Module<Tensor, Tensor> net, string name, DataSplits data, string split, int batch, int? resolution,
        string? predictionsPath, CommandContext context)
    {
        ImageDataset images = Pick(data, split);
        List<int>? predicted = predictionsPath is null ? null : new List<int>(images.Count);
        var clock = Stopwatch.StartNew();
        EvaluationResult r = Evaluator.Evaluate(net, images, data.Normalization, batch, context.Device, resolution, predicted);
        double seconds = clock.Elapsed.TotalSeconds;
        context.Logger.LogInformation("{Name} on {Split} ({Images} images): top-1 {Top1:F2} %, top-5 {Top5:F2} %, loss {Loss:F4}; {Seconds:F1} s at batch {Batch} ({Rate:F0} images/s)",
            name, split, r.Images, r.Top1, r.Top5, r.Loss, seconds, batch, r.Images / seconds);
        if (predicted is null) return;
        PredictionsFile.Write(predictionsPath!, images, predicted);
        context.Logger.LogInformation("Wrote each image's prediction to {Path}", predictionsPath);
    }

    private static void SweepResolutions(nn.Module<Tensor, Tensor> net, string name, DataSplits data, string split, Sweep sweep, ulong seed,
        int evalBatchSize, CommandContext context)
    {
        var rows = ResolutionSweep.Run(net, data, Pick(data, split), sweep.Resolutions, sweep.RecalibrationImages, seed, evalBatchSize, context.Device,
            row => context.Logger.LogInformation("{Name} on {Split} at resolution {Resolution} (BN recalibrated on {Recalibration} train images, seed {Seed}): top-1 {Top1:F2} %, top-5 {Top5:F2} %, loss {Loss:F4}",
                name, split, row.Resolution, sweep.RecalibrationImages, seed, row.Top1, row.Top5, row.Loss));
        if (sweep.Csv is not null)
        {
            CsvTable.Write(sweep.Csv, rows);
            context.Logger.LogInformation("Wrote {Csv}", sweep.Csv);
        }
    }

    private static ImageDataset Pick(DataSplits data, string split) => split switch
    {
        "validation" => data.Validation,
        "train" => data.Train,
        _ => data.Test,
    };
}
