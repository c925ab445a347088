using System.CommandLine;
using NasPrune.Experiments.Reports;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune compare RUN_DIR... [--baseline NETWORK] [--out FILE.csv] [--png FILE.png]</c>: finished runs side by
/// side (a Markdown table on stdout, the rows as CSV, accuracy against non-zero parameters as a picture), as the
/// results reports show them.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var runs = new Argument<DirectoryInfo[]>("run-dirs") { Description = "finished run directories (each with result.json)", Arity = ArgumentArity.OneOrMore };
        var baseline = new Option<string?>("--baseline") { Description = "the network the others are measured against, e.g. fmnist-tas-resnet20/unpruned" };
        var output = new Option<FileInfo?>("--out") { Description = "also write the rows as CSV" };
        var plot = new Option<FileInfo?>("--png") { Description = "also draw test top-1 against non-zero parameters (PNG)" };
        var command = new Command("compare", "Compare finished runs: accuracy, MACs, parameters, non-zero counts") { runs, baseline, output, plot };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var rows = RunComparison.Rows(parse.GetRequiredValue(runs).Select(d => d.FullName), parse.GetValue(baseline));
            Console.Write(RunComparison.Markdown(rows));
            if (parse.GetValue(output) is { } csv) RunComparison.WriteCsv(csv.FullName, rows);
            if (parse.GetValue(plot) is { } png) RunComparison.WritePlot(png.FullName, rows);
            return 0;
        }));
        return command;
    }
}
