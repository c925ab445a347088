using System.CommandLine;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Ofa;
using NasPrune.Training.Configuration;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Runs;
using TorchSharp;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune eval --run-dir DIR | --model DIR [--split test]</c>: evaluates a training run's model, or
/// an exported sub-network (loaded without its supernet; its logits are checked bit for bit against
/// the ones the exporting process stored).
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
        var command = new Command("eval", "Evaluate a trained run or an exported sub-network on a split") { runDir, model, split, dataRoot, device, threads };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            DirectoryInfo? run = parse.GetValue(runDir), exported = parse.GetValue(model);
            if ((run is null) == (exported is null)) throw new ArgumentException("eval: give exactly one of --run-dir or --model");
            using var context = new CommandContext("eval", parse.GetValue(device), parse.GetValue(threads));
            string splitName = parse.GetValue(split)!;
            return exported is not null
                ? EvaluateExport(exported.FullName, splitName, parse.GetValue(dataRoot), context)
                : EvaluateRun(new RunDirectory(run!.FullName), splitName, context);
        }));
        return command;
    }

    private static int EvaluateRun(RunDirectory run, string split, CommandContext context)
    {
        if (Directory.Exists(run.ExportedSubnets))
        {
            // A progressive-shrinking run: its result is the exported sub-networks.
            string? dataRoot = File.Exists(run.Config) ? RunConfigJson.Deserialize(File.ReadAllText(run.Config), run.Config).Data.Root : null;
            int worst = 0;
            foreach (string directory in Directory.GetDirectories(run.ExportedSubnets).Order())
                worst = Math.Max(worst, EvaluateExport(directory, split, dataRoot, context));
            return worst;
        }
        var (config, model, data) = TrainedRun.Open(run, context.Device, context.Logger, out string source);
        using (model.Module)
        {
            EvaluationResult r = Evaluator.Evaluate(model.Module, Pick(data, split), data.Normalization, config.Training.EvalBatchSize, context.Device, model.InputResolution);
            context.Logger.LogInformation("{Run} ({Source}) on {Split} ({Images} images): top-1 {Top1:F2} %, top-5 {Top5:F2} %, loss {Loss:F4}",
                config.Name, source, split, r.Images, r.Top1, r.Top5, r.Loss);
        }
        return 0;
    }

    private static int EvaluateExport(string directory, string split, string? dataRoot, CommandContext context)
    {
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
            EvaluationResult r = Evaluator.Evaluate(net, Pick(data, split), data.Normalization, 1000, context.Device, net.Config.Resolution);
            context.Logger.LogInformation("{Arch} on {Split} ({Images} images): top-1 {Top1:F2} %, top-5 {Top5:F2} %, loss {Loss:F4}",
                net.Config.ToString(), split, r.Images, r.Top1, r.Top5, r.Loss);
            return reproduced ? 0 : NotReproduced;
        }
    }

    private static ImageDataset Pick(DataSplits data, string split) => split switch
    {
        "validation" => data.Validation,
        "train" => data.Train,
        _ => data.Test,
    };
}
