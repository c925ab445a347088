using System.CommandLine;
using NasPrune.Experiments.Reports;

namespace NasPrune.Experiments.Cli;

/// <summary>
/// <c>nasprune compare-predictions REFERENCE.csv OTHER.csv... [--out FILE.csv]</c>: networks evaluated on the same split
/// (<c>nasprune eval --predictions</c>) against the first, image by image: the accuracy difference with its 95 % interval
/// and McNemar's exact test, so a results table can say whether a gap is larger than the test set's noise.
/// </summary>
public static class ComparePredictionsCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("predictions") { Description = "predictions files of one split (nasprune eval --predictions), the reference first", Arity = ArgumentArity.OneOrMore };
        var output = new Option<FileInfo?>("--out") { Description = "also write the rows as CSV" };
        var command = new Command("compare-predictions", "Compare networks' predictions on one split, image by image (paired difference, McNemar's test)") { files, output };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var rows = PredictionComparison.Rows(parse.GetRequiredValue(files).Select(f => f.FullName).ToList());
            Console.Write(PredictionComparison.Markdown(rows));
            if (parse.GetValue(output) is { } csv) PredictionComparison.WriteCsv(csv.FullName, rows);
            return 0;
        }));
        return command;
    }
}
