using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Data;
using NasPrune.Training.Loops;
using NasPrune.Training.Shrinking;
using TorchSharp;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune export --supernet CKPT --arch CONFIG --out DIR [--recalibrate N] [--measure]</c>: extracts
/// a sub-network into a standalone directory (arch.json, weights.npta, check.npta).
/// </summary>
public static class ExportCommand
{
    private const ulong RecalibrationSeed = 0;
    private const int EvalBatch = 1000;

    public static Command Create()
    {
        var supernet = new Option<FileInfo>("--supernet") { Description = "supernet file (nasprune supernet init, or a trained one)", Required = true };
        var arch = new Option<string>("--arch") { Description = "sub-network: text form (r28-k...-e...), JSON, or @file", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "directory to write", Required = true };
        var recalibrate = new Option<int>("--recalibrate") { Description = "re-estimate BN statistics on N training images (0: keep)", DefaultValueFactory = _ => 0 };
        var measure = new Option<bool>("--measure") { Description = "measure validation top-1 and store it in arch.json" };
        var dataRoot = CommonOptions.DataRoot();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("export", "Extract a sub-network of a supernet into a standalone directory")
            { supernet, arch, output, recalibrate, measure, dataRoot, device, threads };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            using var context = new CommandContext("export", parse.GetValue(device), parse.GetValue(threads));
            string supernetPath = parse.GetRequiredValue(supernet).FullName;
            var (net, _) = SupernetFile.Read(supernetPath);
            using var _net = net;
            SubnetConfig config = SubnetConfig.ParseAny(net.Space, ReadArch(parse.GetRequiredValue(arch)));
            using StaticOfaNet subnet = SubnetExtractor.Extract(net, config);
            subnet.to(context.Device);

            var provenance = new JsonObject { ["supernet"] = supernetPath, ["supernetSha256"] = AtomicFile.Sha256Hex(supernetPath) };
            int images = parse.GetValue(recalibrate);
            DataSplits? data = images > 0 || parse.GetValue(measure) ? FashionMnist.Load(FashionMnist.ResolveRoot(parse.GetValue(dataRoot))) : null;
            var measurement = data is null ? null : new SubnetMeasurement(data, images, RecalibrationSeed, EvalBatch, context.Device);
            if (images > 0)
            {
                measurement!.Recalibrate(subnet);
                provenance["recalibration"] = measurement.Provenance();
            }
            subnet.eval();
            if (parse.GetValue(measure))
            {
                EvaluationResult r = measurement!.Evaluate(subnet, data!.Validation);
                provenance["validationTop1"] = Math.Round(r.Top1, 4);
                context.Logger.LogInformation("Validation top-1 of {Arch}: {Top1:F2} %", config.ToString(), r.Top1);
            }
            subnet.cpu();
            JsonObject input = Normalization.FashionMnist.ToInputJson("fashion-mnist");
            string outDir = parse.GetRequiredValue(output).FullName;
            SubnetExport.Write(outDir, subnet, input, provenance);
            var (macs, parameters) = SubnetCost.Of(config);
            context.Logger.LogInformation("Exported {Arch} to {Dir}: {MMacs:F2} M MACs, {Params} parameters", config.ToString(), outDir, macs / 1e6, parameters);
            return 0;
        }));
        return command;
    }

    private static string ReadArch(string value) =>
        value.StartsWith('@') ? File.ReadAllText(value[1..]) : value;
}
