using System.CommandLine;
using NasPrune.Experiments.Bench;
using NasPrune.Experiments.Tuning;
using NasPrune.Supernet.Darts;
using NasPrune.Supernet.Models;
using NasPrune.Supernet.Serialization;
using NasPrune.Supernet.Sparse;
using NasPrune.Training.Runs;
using static TorchSharp.torch;
using TorchSharp;
using NasPrune.Search.Tuning;
using NasPrune.Search.Tuning.Benchmarks;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Runtime;
using Spectre.Console;

namespace NasPrune.Experiments.Cli;

/// <summary><c>nasprune bench</c>: matmul GFLOP/s and the ResNet-20 training step's speed and efficiency, to CSV.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "CSV to write", DefaultValueFactory = _ => new FileInfo("bench.csv") };
        var batch = new Option<int>("--batch") { Description = "training batch size", DefaultValueFactory = _ => 128 };
        var repeats = new Option<int>("--repeats") { Description = "timed repetitions (median reported)", DefaultValueFactory = _ => 10 };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Measure this machine and the training step; write CSV") { output, batch, repeats, device, threads };
        command.Subcommands.Add(CreateSupernet());
        command.Subcommands.Add(CreateCompare());
        command.Subcommands.Add(CreateSamplers());
        command.Subcommands.Add(CreateSparse());
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var torchDevice = DeviceSelector.Parse(parse.GetValue(device) ?? "cpu");
            TorchSetup.Configure(parse.GetValue(threads) ?? 2, seed: 0);
            if (parse.GetValue(batch) < 1 || parse.GetValue(repeats) < 1)
                throw new ArgumentException("--batch and --repeats: must be at least 1");
            var rows = MachineBench.Run(torchDevice, parse.GetValue(batch), matmulSize: 2048, parse.GetValue(repeats));
            BenchCsv.Write(parse.GetValue(output)!.FullName, rows);
            Print(rows, $"threads {TorchSetup.Threads}, device {torchDevice.type}");
            return 0;
        }));
        return command;
    }

    /// <summary><c>nasprune bench supernet</c>: the peer benchmark's figures (training speed, in-supernet vs extracted latency).</summary>
    private static Command CreateSupernet()
    {
        var output = new Option<FileInfo>("--out") { Description = "CSV to write", DefaultValueFactory = _ => new FileInfo("bench-supernet.csv") };
        var supernet = new Option<FileInfo?>("--supernet") { Description = "supernet file (default: a fresh width-0.5 supernet)" };
        var batch = new Option<int>("--batch") { Description = "training / large eval batch", DefaultValueFactory = _ => 128 };
        var repeats = new Option<int>("--repeats") { Description = "timed repetitions (median reported)", DefaultValueFactory = _ => 10 };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("supernet", "In-supernet vs extracted latency and supernet training speed; write CSV") { output, supernet, batch, repeats, device, threads };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            using var context = new CommandContext("bench", parse.GetValue(device), parse.GetValue(threads));
            using var neighbours = new NeighbourWatch(context.Logger, TorchSetup.Threads, "the benchmark");
            FileInfo? file = parse.GetValue(supernet);
            using OfaSupernet net = file is null ? new OfaSupernet(OfaSearchSpace.Default(0.5)) : SupernetFile.Read(file.FullName).Supernet;
            var rows = SupernetBench.Run(net, context.Device, parse.GetValue(batch), parse.GetValue(repeats));
            BenchCsv.Write(parse.GetValue(output)!.FullName, rows);
            Print(rows, $"supernet {net.Space.Name} width {net.Space.WidthMultiplier}, threads {TorchSetup.Threads}");
            return 0;
        }));
        return command;
    }

    /// <summary><c>nasprune bench compare --ours A.csv --peer B.csv</c>: a Markdown table of the two, with NasPrune's advantage per figure.</summary>
    private static Command CreateCompare()
    {
        var ours = new Option<FileInfo>("--ours") { Description = "NasPrune's CSV", Required = true };
        var peer = new Option<FileInfo>("--peer") { Description = "the peer's CSV (figure,config,value,unit)", Required = true };
        var command = new Command("compare", "Compare two benchmark CSVs figure by figure (Markdown)") { ours, peer };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            Console.Write(BenchComparison.ToMarkdown(BenchComparison.Compare(parse.GetRequiredValue(ours).FullName, parse.GetRequiredValue(peer).FullName)));
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// <c>nasprune bench sparse --model FILE | --run-dir DIR</c>: a trained sparse network run dense vs with the
    /// sparse kernel: a DASS run's DARTS cell network (model.npta), or a magnitude-pruned ResNet run.
    /// </summary>
    private static Command CreateSparse()
    {
        var model = new Option<FileInfo?>("--model") { Description = "a DASS run's model.npta (DARTS cell network)" };
        var runDir = new Option<DirectoryInfo?>("--run-dir") { Description = "a magnitude-pruned ResNet run (nasprune prune)" };
        var output = new Option<FileInfo>("--out") { Description = "CSV to write (and NAME-layers.csv beside it: each layer timed dense and sparse)", DefaultValueFactory = _ => new FileInfo("bench-sparse.csv") };
        var batches = new Option<string>("--batches") { Description = "comma-separated batch sizes", DefaultValueFactory = _ => "1,32" };
        var size = new Option<int>("--size") { Description = "input height and width", DefaultValueFactory = _ => 28 };
        var repeats = new Option<int>("--repeats") { Description = "timed repetitions (median reported)", DefaultValueFactory = _ => 50 };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("sparse", "Latency of a sparse network run dense vs with the sparse kernel; write CSV") { model, runDir, output, batches, size, repeats, device, threads };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            FileInfo? file = parse.GetValue(model);
            DirectoryInfo? run = parse.GetValue(runDir);
            if ((file is null) == (run is null)) throw new ArgumentException("bench sparse: give exactly one of --model (a DARTS cell network file) or --run-dir (a magnitude-pruned ResNet run)");
            using var context = new CommandContext("bench", parse.GetValue(device), parse.GetValue(threads));
            int[] sizes = parse.GetValue(batches)!.Split(',').Select(b => int.TryParse(b, out int v) && v > 0 ? v : throw new ArgumentException($"--batches: '{b}' is not a positive integer")).ToArray();
            int side = parse.GetValue(size);
            SparseBenchTarget target = file is not null ? OpenDarts(file.FullName, context) : OpenPrunedResNet(run!.FullName, context);
            using var neighbours = new NeighbourWatch(context.Logger, TorchSetup.Threads, "the benchmark");
            using (target.Net)
            {
                var (rows, layers) = SparseBench.Run(target, parse.GetValue(size), sizes, context.Device, parse.GetValue(repeats));
                string csv = parse.GetValue(output)!.FullName;
                BenchCsv.Write(csv, rows);
                // Beside it, each layer as the tuner timed it: where the kernel gains and where it loses.
                CsvTable.Write(Path.ChangeExtension(csv, null) + "-layers.csv", layers);
                Print(rows, $"{target.Source}, threads {TorchSetup.Threads}");
            }
            return 0;
        }));
        return command;
    }

    private static SparseBenchTarget OpenDarts(string path, CommandContext context)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--model: '{path}' does not exist");
        DartsNetwork net = DartsModelFile.Read(path);
        net.to(context.Device);
        return new SparseBenchTarget(net, net.Spec.InChannels, on => SparseNetwork.UseSparseKernels(net, on), () => SparseNetwork.KernelSwitches(net), path);
    }

    private static SparseBenchTarget OpenPrunedResNet(string path, CommandContext context)
    {
        var (_, model, data) = TrainedRun.Open(new RunDirectory(path), context.Device, context.Logger, out string source);
        if (model.Module is not CifarResNet net)
        {
            model.Module.Dispose();
            throw new ArgumentException($"--run-dir: '{path}' did not train a ResNet (the sparse kernel covers DARTS cell networks via --model and ResNets)");
        }
        return new SparseBenchTarget(net, data.Train.Channels, net.UseSparseKernels, net.SparseKernelSwitches, $"{path} ({source})");
    }

    /// <summary><c>nasprune bench samplers</c>: TPE vs random on standard test functions (median best so far over seeds).</summary>
    private static Command CreateSamplers()
    {
        var output = new Option<DirectoryInfo>("--out-dir") { Description = "folder for samplers.csv and the PNGs", DefaultValueFactory = _ => new DirectoryInfo("samplers") };
        var trials = new Option<int>("--trials") { Description = "trials per study", DefaultValueFactory = _ => 100 };
        var seeds = new Option<int>("--seeds") { Description = "studies (seeds) per sampler", DefaultValueFactory = _ => 20 };
        var functions = new Option<string>("--functions") { Description = $"comma-separated: {string.Join(", ", TestFunction.All.Select(f => f.Name))}", DefaultValueFactory = _ => "branin,hartmann6" };
        var command = new Command("samplers", "TPE vs random sampling on standard test functions; write CSV and PNGs") { output, trials, seeds, functions };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var chosen = parse.GetValue(functions)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(TestFunction.Named).ToList();
            var samplers = new Dictionary<string, Func<ulong, ISampler>> { ["tpe"] = s => new TpeSampler(s), ["random"] = s => new RandomSampler(s) };
            int count = parse.GetValue(trials), seedCount = parse.GetValue(seeds);
            var rows = chosen.SelectMany(f => SamplerComparison.Run(f, samplers, count, seedCount)).ToList();
            SamplerReport.Write(parse.GetValue(output)!.FullName, rows, seedCount);
            var table = new Table().Title($"median best value over {seedCount} seeds (known minimum in parentheses)").AddColumns("function", "trials", "tpe", "random");
            foreach (var group in rows.Where(r => r.Trials % 10 == 0 || r.Trials == count).GroupBy(r => (r.Function, r.Trials)))
                table.AddRow($"{group.Key.Function} ({group.First().KnownMinimum:G6})", group.Key.Trials.ToString(), $"{group.Single(r => r.Sampler == "tpe").Median:F4}", $"{group.Single(r => r.Sampler == "random").Median:F4}");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static void Print(IEnumerable<BenchRow> rows, string title)
    {
        var table = new Table().Title(title).AddColumns("figure", "config", "value", "unit");
        foreach (BenchRow r in rows) table.AddRow(r.Figure, r.Config, r.Value.ToString("G5", System.Globalization.CultureInfo.InvariantCulture), r.Unit);
        AnsiConsole.Write(table);
    }
}
