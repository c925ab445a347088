using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using NasPrune.Supernet.Serialization;

namespace NasPrune.Experiments.Reports;

/// <summary>
/// The finished runs of an experiment side by side, from their result.json: one row per trained network
/// (a progressive-shrinking run gives its exported sub-networks, a TAS run its unpruned base network too),
/// with accuracy, MACs, parameters and their non-zero counts, and the change against a baseline row.
/// This is how the results reports' tables are made, so they can be regenerated from the runs.
/// </summary>
public static class RunComparison
{
    public static IReadOnlyList<ComparisonRow> Rows(IEnumerable<string> runDirectories, string? baseline)
    {
        var rows = runDirectories.SelectMany(Read).ToList();
        if (rows.Count == 0) throw new ArgumentException("no runs to compare: give one or more run directories");
        var duplicate = rows.GroupBy(r => r.Network).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"two runs give the network '{duplicate.Key}': compare run directories with different names");
        if (baseline is null) return rows;

        ComparisonRow reference = rows.FirstOrDefault(r => r.Network == baseline)
            ?? throw new ArgumentException($"--baseline: '{baseline}' is not one of the networks compared ({string.Join(", ", rows.Select(r => r.Network))})");
        return rows.Select(r => r with
        {
            Top1Change = Math.Round(r.TestTop1 - reference.TestTop1, 2),
            FewerMacs = Math.Round(1 - (double)r.NonZeroMacs / reference.NonZeroMacs, 4),
        }).ToList();
    }

    /// <summary>The rows of one run directory; a run that has not finished is an error naming it.</summary>
    public static IEnumerable<ComparisonRow> Read(string runDirectory)
    {
        string path = Path.Combine(runDirectory, "result.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{runDirectory}: no result.json (the run has not finished)");
        JsonObject result = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path}: not a JSON object");
        string run = Path.GetFileName(Path.TrimEndingDirectorySeparator(runDirectory));
        double? hours = Number(result, "trainingSeconds") is double s ? Math.Round(s / 3600, 2) : null;

        if (result["subnets"] is JsonObject subnets)
        {
            foreach (var (name, node) in subnets)
                if (node is JsonObject subnet)
                    yield return Row($"{run}/{name}", Text(subnet, "arch"), subnet, "macs", "params", path, hours);
            yield break;
        }
        if (result["unpruned"] is JsonObject unpruned)
            yield return Row($"{run}/unpruned", Text(result, "arch"), unpruned, "macs", "parameters", path, hours: null);
        string arch = Text(result, "tasArchitecture") ?? Text(result, "genotype")?.ReplaceLineEndings(" ") ?? Text(result, "arch") ?? "";
        yield return Row(run, arch, result, "macsPerImage", "parameters", path, hours);
    }

    private static ComparisonRow Row(string network, string? arch, JsonObject node, string macsField, string paramsField, string path, double? hours)
    {
        double top1 = node["test"] is JsonObject test && Number(test, "top1") is double t
            ? t : throw new InvalidDataException($"{path}: '{network}' has no test.top1");
        long macs = (long)(Number(node, macsField) ?? throw new InvalidDataException($"{path}: '{network}' has no {macsField}"));
        long parameters = (long)(Number(node, paramsField) ?? throw new InvalidDataException($"{path}: '{network}' has no {paramsField}"));
        // Dense networks store every weight: their non-zero counts are the totals.
        long nonZeroParameters = (long)(Number(node, "nonZeroParameters") ?? parameters);
        long nonZeroMacs = (long)(Number(node, "nonZeroMacsPerImage") ?? macs);
        double? validation = node["validation"] is JsonObject v ? Number(v, "top1") : null;
        return new ComparisonRow(network, arch ?? "", top1, validation, macs, nonZeroMacs, parameters, nonZeroParameters, hours);
    }

    private static double? Number(JsonObject node, string field) =>
        node[field] is JsonValue value && value.TryGetValue(out double number) ? number : null;

    private static string? Text(JsonObject node, string field) =>
        node[field] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public static void WriteCsv(string path, IEnumerable<ComparisonRow> rows) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream);
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            csv.WriteRecords(rows);
        });

    /// <summary>Test accuracy against non-zero parameters, one labelled point per network: where the pruning reports' trade-off shows.</summary>
    public static string WritePlot(string path, IEnumerable<ComparisonRow> rows) =>
        ScatterReport.Write(path, "Test top-1 vs non-zero parameters", "non-zero parameters (thousands)", "test top-1 (%)",
            rows.Select(r => new ScatterSeries(r.Network, [r.NonZeroParameters / 1e3], [r.TestTop1])));

    /// <summary>A Markdown table for the results reports (MACs and parameters in millions and thousands).</summary>
    public static string Markdown(IReadOnlyList<ComparisonRow> rows)
    {
        bool relative = rows.Any(r => r.Top1Change is not null);
        bool sparse = rows.Any(r => r.NonZeroParameters != r.Parameters || r.NonZeroMacs != r.Macs);
        var header = new List<string> { "network", "test top-1 %", "val top-1 %", "M MACs", "k params" };
        if (sparse) header.AddRange(["non-zero M MACs", "non-zero k params"]);
        if (relative) header.AddRange(["top-1 change", "fewer (non-zero) MACs"]);
        header.AddRange(["training h", "architecture"]);

        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (ComparisonRow r in rows)
        {
            var cells = new List<string> { r.Network, F(r.TestTop1, "F2"), F(r.ValidationTop1, "F2"), F(r.Macs / 1e6, "F2"), F(r.Parameters / 1e3, "F1") };
            if (sparse) cells.AddRange([F(r.NonZeroMacs / 1e6, "F2"), F(r.NonZeroParameters / 1e3, "F1")]);
            if (relative) cells.AddRange([r.Top1Change is double d ? d.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "", F(r.FewerMacs * 100, "F1") + " %"]);
            cells.AddRange([F(r.TrainingHours, "F2"), $"`{r.Architecture}`"]);
            text.AppendLine("| " + string.Join(" | ", cells.Select(EscapePipes)) + " |");
        }
        return text.ToString();
    }

    /// <summary>A "|" inside a cell (DARTS genotypes and TAS architectures have them) would split it, even in a code span.</summary>
    private static string EscapePipes(string cell) => cell.Replace("|", "\\|");

    private static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}
