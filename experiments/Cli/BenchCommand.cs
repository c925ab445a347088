using System.CommandLine;
using NasPrune.Experiments.Bench;
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

    private static void Print(IEnumerable<BenchRow> rows, string title)
    {
        var table = new Table().Title(title).AddColumns("figure", "config", "value", "unit");
        foreach (BenchRow r in rows) table.AddRow(r.Figure, r.Config, r.Value.ToString("G5", System.Globalization.CultureInfo.InvariantCulture), r.Unit);
        AnsiConsole.Write(table);
    }
}
