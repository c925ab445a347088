using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Reports;
using NasPrune.Predictors.Accuracy;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Shrinking;
using TorchSharp;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune predictor data --supernet FILE --out FILE.csv --count N</c> (resumable: measured
/// sub-networks, BN-recalibrated, on the validation split) and
/// <c>nasprune predictor train --data FILE.csv --supernet FILE --out FILE.npta</c> (held-out RMSE and Kendall tau).
/// </summary>
public static class PredictorCommand
{
    public static Command Create() => new("predictor", "The accuracy predictor: measured data and training") { Data(), Train() };

    /// <summary>The i-th sub-network of the data set: the largest, the smallest, then uniform draws, each from its own seed.</summary>
    public static SubnetConfig SampleAt(OfaSearchSpace space, long seed, int index) => index switch
    {
        0 => SubnetConfig.Largest(space),
        1 => SubnetConfig.Smallest(space),
        _ => SubnetSampler.Sample(space, SplitMix64.Mix((ulong)seed, (ulong)index, 0xDA7A)),
    };

    private static Command Data()
    {
        var supernet = new Option<FileInfo>("--supernet") { Description = "trained supernet file", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "CSV of measured sub-networks (appended; rerun to continue)", Required = true };
        var count = new Option<int>("--count") { Description = "sub-networks in all", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "sampling seed", DefaultValueFactory = _ => 0 };
        var recalibrate = new Option<int>("--recalibrate") { Description = "BN recalibration images", DefaultValueFactory = _ => RecalibrationImages.DefaultCount };
        var validation = new Option<int>("--validation-images") { Description = "validation images measured (0: all 10,000)", DefaultValueFactory = _ => 0 };
        var dataRoot = CommonOptions.DataRoot();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("data", "Measure random sub-networks of a supernet on the validation split (resumable CSV)")
            { supernet, output, count, seed, recalibrate, validation, dataRoot, device, threads };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            int total = parse.GetValue(count), images = parse.GetValue(validation);
            if (total < 2) throw new ArgumentException($"--count: needs at least 2, got {total}");
            using var context = new CommandContext("predictor", parse.GetValue(device), parse.GetValue(threads));
            using var stop = new StopSignal();
            var (net, _) = SupernetFile.Read(parse.GetRequiredValue(supernet).FullName);
            using var _net = net;
            net.to(context.Device);
            DataSplits data = FashionMnist.Load(FashionMnist.ResolveRoot(parse.GetValue(dataRoot)));
            ImageDataset split = images > 0 && images < data.Validation.Count ? data.Validation.Slice("validation", 0, images) : data.Validation;
            var measurement = new SubnetMeasurement(data, parse.GetValue(recalibrate), 0, 250, context.Device);
            string path = parse.GetRequiredValue(output).FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            List<AccuracySample> done = CsvTable.ReadForAppend<AccuracySample>(path);
            long seedValue = parse.GetValue(seed);
            for (int i = 0; i < done.Count; i++)
                if (SubnetConfig.Parse(net.Space, done[i].Arch) != SampleAt(net.Space, seedValue, i))
                    throw new InvalidDataException($"--out: row {i + 1} of '{path}' is not this --seed's sample; use a new file or the original seed");
            using var appender = new CsvAppender<AccuracySample>(path);
            for (int i = done.Count; i < total && !stop.Token.IsCancellationRequested; i++)
            {
                using var scope = torch.NewDisposeScope(); // one network's tensors, whatever the callee leaves
                SubnetConfig config = SampleAt(net.Space, seedValue, i);
                EvaluationResult r = measurement.Measure(net, config, split);
                var (macs, parameters) = SubnetCost.Of(config);
                appender.Write(new AccuracySample { Arch = config.ToString(), Top1 = Math.Round(r.Top1, 4), Macs = macs, Params = parameters });
                if ((i + 1) % 10 == 0 || i + 1 == total)
                    context.Logger.LogInformation("Measured {Done}/{Total} sub-networks (last {Arch}: {Top1:F2} %)", i + 1, total, config.ToString(), r.Top1);
            }
            return 0;
        }));
        return command;
    }

    private static Command Train()
    {
        var data = new Option<FileInfo>("--data") { Description = "CSV from predictor data", Required = true };
        var supernet = new Option<FileInfo>("--supernet") { Description = "the supernet the data was measured on (its search space)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "predictor file to write", Required = true };
        var seed = new Option<long>("--seed") { Description = "split and initialisation seed", DefaultValueFactory = _ => 0 };
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Fit the accuracy predictor; report held-out RMSE and Kendall tau") { data, supernet, output, seed, threads };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            using var context = new CommandContext("predictor", "cpu", parse.GetValue(threads), parse.GetValue(seed));
            string dataPath = parse.GetRequiredValue(data).FullName;
            if (!File.Exists(dataPath)) throw new FileNotFoundException($"--data: '{dataPath}' does not exist");
            var (net, _) = SupernetFile.Read(parse.GetRequiredValue(supernet).FullName);
            OfaSearchSpace space = net.Space;
            net.Dispose();
            var samples = CsvTable.Read<AccuracySample>(dataPath).Select((s, i) =>
            {
                try { return (SubnetConfig.Parse(space, s.Arch), s.Top1); }
                catch (ArgumentException e) { throw new InvalidDataException($"{dataPath}: row {i + 1}: {e.Message}"); }
            }).ToList();
            var (predictor, report) = PredictorTraining.Fit(space, samples, new PredictorTrainingOptions { Seed = parse.GetValue(seed) });
            using (predictor)
            {
                string path = parse.GetRequiredValue(output).FullName;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var summary = new JsonObject
                {
                    ["data"] = dataPath,
                    ["trainRows"] = report.TrainRows,
                    ["earlyStopRows"] = report.EarlyStopRows,
                    ["heldOutRows"] = report.HeldOutRows,
                    ["epochs"] = report.Epochs,
                    ["heldOutRmse"] = Math.Round(report.HeldOutRmse, 4),
                    ["heldOutKendall"] = Math.Round(report.HeldOutKendall, 4),
                };
                predictor.Save(path, summary);
                string folder = Path.ChangeExtension(path, null) + "-report";
                Directory.CreateDirectory(folder);
                AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), summary.ToJsonString(RunConfigJson.Options));
                CsvTable.Write(Path.Combine(folder, "held-out.csv"), report.HeldOut.Select(h => new { h.Arch, h.Measured, Predicted = Math.Round(h.Predicted, 4) }));
                ScatterReport.Write(Path.Combine(folder, "predicted-vs-measured.png"),
                    string.Create(CultureInfo.InvariantCulture, $"accuracy predictor: held-out RMSE {report.HeldOutRmse:F3} points, Kendall {report.HeldOutKendall:F3}"),
                    "measured validation top-1 (%)", "predicted top-1 (%)",
                    [new ScatterSeries($"{report.HeldOutRows} held-out sub-networks", report.HeldOut.Select(h => h.Measured).ToList(), report.HeldOut.Select(h => h.Predicted).ToList())],
                    identityLine: true);
                context.Logger.LogInformation("Predictor {Path}: trained on {Train} rows ({Epochs} epochs); held-out ({HeldOut} rows) RMSE {Rmse:F3} points, Kendall {Tau:F3}",
                    path, report.TrainRows, report.Epochs, report.HeldOutRows, report.HeldOutRmse, report.HeldOutKendall);
            }
            return 0;
        }));
        return command;
    }
}
