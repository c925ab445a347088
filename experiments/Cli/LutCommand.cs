using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NasPrune.Experiments.Configuration;
using NasPrune.Experiments.Reports;
using NasPrune.LatencyTables.Checks;
using NasPrune.LatencyTables.Devices;
using NasPrune.LatencyTables.Operators;
using NasPrune.LatencyTables.Tables;
using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Serialization;
using NasPrune.Training.Configuration;
using NasPrune.Training.Models;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune lut build --device FILE --space NAME --out FILE.csv</c> (resumable) and
/// <c>nasprune lut check --device FILE --lut FILE.csv [--supernet FILE] [--out DIR]</c> (accuracy report with a PNG) and
/// <c>nasprune lut profile --device FILE --lut FILE.csv --arch ARCH... [--supernet FILE] [--out FILE.csv]</c> (per-part times inside networks).
/// </summary>
public static class LutCommand
{
    public static Command Create() => new("lut", "Per-device latency lookup tables") { Build(), Check(), Profile() };

    /// <summary>A device profile file, validated like every config.</summary>
    public static DeviceProfile LoadDevice(string path) => ConfigLoader.Load<DeviceProfile>(path, environmentPrefix: null);

    /// <summary>The search space a --space / --width pair names (built-in name or JSON file), shaped for Fashion-MNIST.</summary>
    public static OfaSearchSpace ResolveSpace(string space, double width) =>
        ModelFactory.Space(new ModelConfig { Space = space, WidthMultiplier = width }, 1, 10);

    private static Command Build()
    {
        var device = new Option<FileInfo>("--device") { Description = "device profile (experiments/devices/*.json)", Required = true };
        var space = new Option<string>("--space") { Description = "search space: built-in name or JSON file", DefaultValueFactory = _ => OfaSearchSpace.DefaultName };
        var width = new Option<double>("--width") { Description = "width multiplier", DefaultValueFactory = _ => 0.5 };
        var output = new Option<FileInfo>("--out") { Description = "table to write (CSV; metadata beside it)", Required = true };
        var command = new Command("build", "Measure every operator of the space on this device (resumable)") { device, space, width, output };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            DeviceProfile profile = LoadDevice(parse.GetRequiredValue(device).FullName);
            OfaSearchSpace definition = ResolveSpace(parse.GetValue(space)!, parse.GetValue(width));
            using var context = new CommandContext("lut", profile.Device, profile.Threads);
            using var stop = new StopSignal();
            using var neighbours = new NeighbourWatch(context.Logger, profile.Threads, "the latency table build");
            string path = parse.GetRequiredValue(output).FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var progress = new SynchronousProgress<LutProgress>(p =>
            {
                if (p.Done % 25 == 0 || p.Done == p.Total)
                    context.Logger.LogInformation("Measured {Done}/{Total} operators (last {Key}: {Ms:F4} ms)", p.Done, p.Total, p.Key, p.MedianMs);
            });
            LatencyTable? table = new LutBuilder(definition, profile).Build(path, progress, stop.Token);
            if (table is null)
            {
                context.Logger.LogInformation("Stopped; rerun the same command to resume {Path}", path);
                return 0;
            }
            context.Logger.LogInformation("Latency table {Path}: {Count} operators on {Device}, operator scale {Scale:F3}, per-network constants {Constants}",
                path, table.Count, profile.Name, table.Metadata.Calibration.OperatorScale,
                string.Join(", ", table.Metadata.Calibration.ConstantsMs.OrderBy(kv => kv.Key).Select(kv => string.Create(CultureInfo.InvariantCulture, $"r{kv.Key} {kv.Value:F4} ms"))));
            return 0;
        }));
        return command;
    }

    private static Command Check()
    {
        var device = new Option<FileInfo>("--device") { Description = "device profile the table was built with", Required = true };
        var lut = new Option<FileInfo>("--lut") { Description = "latency table (CSV)", Required = true };
        var networks = new Option<int>("--networks") { Description = "random sub-networks to measure", DefaultValueFactory = _ => LatencyCheck.DefaultNetworks };
        var output = new Option<DirectoryInfo?>("--out") { Description = "report folder (default: beside the table)" };
        var supernet = new Option<FileInfo?>("--supernet") { Description = "extract the networks from this trained supernet (default: fresh random weights)" };
        var command = new Command("check", "Measure random sub-networks end to end and compare with the table's predictions") { device, lut, networks, output, supernet };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            string lutPath = parse.GetRequiredValue(lut).FullName;
            var (profile, table) = LoadTable(parse.GetRequiredValue(device), lutPath);
            int count = parse.GetValue(networks);
            if (count < 2) throw new ArgumentException($"--networks: needs at least 2, got {count}");
            using OfaSupernet? weights = LoadWeights(parse.GetValue(supernet), table);
            using var context = new CommandContext("lut", profile.Device, profile.Threads);
            using var neighbours = new NeighbourWatch(context.Logger, profile.Threads, "the latency check");
            string folder = parse.GetValue(output)?.FullName ?? Path.ChangeExtension(lutPath, null) + "-check";
            Directory.CreateDirectory(folder);
            var progress = new SynchronousProgress<int>(done => { if (done % 10 == 0) context.Logger.LogInformation("Measured {Done}/{Total} networks", done, count); });
            IReadOnlyList<LatencyCheckRow> rows = LatencyCheck.Run(table, count, progress: progress,
                network: weights is null ? null : config => SubnetExtractor.Extract(weights, config));
            LatencyCheckSummary summary = LatencyCheckSummary.Of(rows) with
            {
                Weights = parse.GetValue(supernet)?.FullName ?? LatencyCheckSummary.RandomWeights,
                OthersBusyCpus = neighbours.OthersBusyCpusSoFar(),
            };
            CsvTable.Write(Path.Combine(folder, "networks.csv"), rows);
            AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(summary, RunConfigJson.Options));
            ScatterReport.Write(Path.Combine(folder, "predicted-vs-measured.png"),
                string.Create(CultureInfo.InvariantCulture, $"{profile.Name}: LUT prediction, MAPE {summary.MapePercent:F2} %, {100 * summary.ShareWithin10Percent:F0} % within +-10 %"),
                table.Metadata.Speed is null ? "measured latency (ms)" : "measured latency at the table's speed (ms)", "predicted latency (ms)",
                [new ScatterSeries($"{rows.Count} random sub-networks ({(weights is null ? "random weights" : "extracted from the supernet")})", rows.Select(r => r.MeasuredMs).ToList(), rows.Select(r => r.PredictedMs).ToList())],
                identityLine: true);
            context.Logger.LogInformation(
                "LUT check on {Device} ({Networks} networks): MAPE {Mape:F2} % (as timed, before scaling to the table's speed: {RawMape:F2} %), within +-10 %: {Within:P1}, worst {Worst:F1} %, Spearman {Rho:F3}, Kendall {Tau:F3}; report in {Folder}",
                profile.Name, summary.Networks, summary.MapePercent, summary.RawMapePercent, summary.ShareWithin10Percent, summary.WorstErrorPercent, summary.Spearman, summary.KendallTau, folder);
            return 0;
        }));
        return command;
    }

    private static Command Profile()
    {
        var device = new Option<FileInfo>("--device") { Description = "device profile the table was built with", Required = true };
        var lut = new Option<FileInfo>("--lut") { Description = "latency table (CSV)", Required = true };
        var archs = new Option<string[]>("--arch") { Description = "sub-network(s) to profile (arch strings, e.g. from search.csv)", Required = true, AllowMultipleArgumentsPerToken = true };
        var supernet = new Option<FileInfo?>("--supernet") { Description = "extract the networks from this trained supernet (default: fresh random weights)" };
        var output = new Option<FileInfo?>("--out") { Description = "CSV to write (default: <table>-profile.csv beside the table)" };
        var command = new Command("profile", "Time each part of sub-networks inside the running network, beside the table's price for it") { device, lut, archs, supernet, output };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            string lutPath = parse.GetRequiredValue(lut).FullName;
            var (profile, table) = LoadTable(parse.GetRequiredValue(device), lutPath);
            OfaSearchSpace space = table.Metadata.Space;
            List<SubnetConfig> configs = parse.GetRequiredValue(archs).Select(a => SubnetConfig.ParseAny(space, a)).ToList();
            using OfaSupernet? weights = LoadWeights(parse.GetValue(supernet), table);
            using var context = new CommandContext("lut", profile.Device, profile.Threads);
            using var neighbours = new NeighbourWatch(context.Logger, profile.Threads, "the profile");
            var rows = new List<InSituRow>();
            foreach (SubnetConfig config in configs)
            {
                using StaticOfaNet net = weights is null ? NetworkBench.RandomNetwork(config) : SubnetExtractor.Extract(weights, config);
                IReadOnlyList<InSituRow> parts = InSituProfile.Run(table, net);
                rows.AddRange(parts);
                double inSitu = parts.Sum(r => r.InSituMs), predicted = table.PredictMs(config);
                context.Logger.LogInformation("{Arch}: {InSitu:F3} ms measured (table's speed), {Predicted:F3} ms predicted; most under-priced parts: {Worst}",
                    config, inSitu, predicted, string.Join(", ", parts.Where(r => r.Ratio is not null).OrderByDescending(r => r.Ratio).Take(3)
                        .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} x{r.Ratio:F2}"))));
            }
            string path = parse.GetValue(output)?.FullName ?? Path.ChangeExtension(lutPath, null) + "-profile.csv";
            CsvTable.Write(path, rows);
            context.Logger.LogInformation("Per-part profile of {Count} networks in {Path}", configs.Count, path);
            return 0;
        }));
        return command;
    }

    /// <summary>A finished table and the device profile it must have been measured with.</summary>
    private static (DeviceProfile Profile, LatencyTable Table) LoadTable(FileInfo deviceFile, string lutPath)
    {
        DeviceProfile profile = LoadDevice(deviceFile.FullName);
        LatencyTable table = LatencyTable.Read(lutPath);
        if (table.Metadata.Profile.Hash() != profile.Hash())
            throw new ArgumentException($"--device: '{profile.Name}' is not the profile the table was measured with ('{table.Metadata.Profile.Name}')");
        return (profile, table);
    }

    /// <summary>The trained supernet to extract networks from (null: none given), of the table's space.</summary>
    private static OfaSupernet? LoadWeights(FileInfo? file, LatencyTable table)
    {
        if (file is null) return null;
        OfaSupernet weights = SupernetFile.Read(file.FullName).Supernet;
        if (table.Covers(weights.Space)) return weights;
        weights.Dispose();
        throw new ArgumentException($"--supernet: its search space ({weights.Space.Name}, width {weights.Space.WidthMultiplier}) is not the one the table was built for ({table.Metadata.Space.Name}, width {table.Metadata.Space.WidthMultiplier})");
    }
}
