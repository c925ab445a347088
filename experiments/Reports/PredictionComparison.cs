using System.Globalization;
using System.Text;
using NasPrune.Supernet.Serialization;

namespace NasPrune.Experiments.Reports;

/// <summary>One network against the reference, image by image (<see cref="PairedComparison"/>), as a table row.</summary>
public sealed record PredictionComparisonRow(string Network, int Images, double Top1, double Change, double Low95, double High95,
    int OnlyItRight, int OnlyReferenceRight, double PValue);

/// <summary>
/// <c>nasprune compare-predictions</c>: several networks' predictions on one split, each against the first's
/// (the reference), as a Markdown table and optionally CSV.
/// </summary>
public static class PredictionComparison
{
    /// <param name="files">The reference first; each file is named in the table by its file name without extension.</param>
    public static IReadOnlyList<PredictionComparisonRow> Rows(IReadOnlyList<string> files)
    {
        if (files.Count < 2) throw new ArgumentException("compare-predictions: give the reference's predictions file and at least one other");
        var names = files.Select(f => Path.GetFileNameWithoutExtension(f)).ToList();
        if (names.Distinct().Count() != names.Count)
            throw new ArgumentException($"compare-predictions: two files have the name '{names.GroupBy(n => n).First(g => g.Count() > 1).Key}'; rename one (the table names each network by its file name)");
        var reference = PredictionsFile.Read(files[0]);
        var rows = new List<PredictionComparisonRow> { Row(names[0], PairedComparison.Of(reference, reference, names[0], names[0])) };
        for (int i = 1; i < files.Count; i++)
            rows.Add(Row(names[i], PairedComparison.Of(PredictionsFile.Read(files[i]), reference, names[i], names[0])));
        return rows;
    }

    private static PredictionComparisonRow Row(string name, PairedComparison c) =>
        new(name, c.Images, Math.Round(c.Top1A, 2), Math.Round(c.Difference, 2), Math.Round(c.Difference - c.HalfWidth95, 2),
            Math.Round(c.Difference + c.HalfWidth95, 2), c.OnlyA, c.OnlyB, c.PValue);

    public static string Markdown(IReadOnlyList<PredictionComparisonRow> rows)
    {
        string reference = rows[0].Network;
        var text = new StringBuilder();
        text.AppendLine($"| network | top-1 % | change vs {reference} (points) | 95 % interval | right where {reference} is wrong | wrong where {reference} is right | p (McNemar, exact) |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            string[] cells = r.Network == reference
                ? [r.Network, F(r.Top1, "F2"), "reference", "", "", "", ""]
                : [r.Network, F(r.Top1, "F2"), Signed(r.Change), $"{Signed(r.Low95)} to {Signed(r.High95)}", F(r.OnlyItRight, "N0"), F(r.OnlyReferenceRight, "N0"), F(r.PValue, "G3")];
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        text.AppendLine($"{rows[0].Images:N0} images. The interval and p describe this set's sampling noise only, not a retrained network's (another seed).");
        return text.ToString();
    }

    public static void WriteCsv(string path, IReadOnlyList<PredictionComparisonRow> rows) => CsvTable.Write(path, rows);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
    private static string Signed(double points) => points.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
}
