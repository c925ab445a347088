using System.Globalization;
using CsvHelper;

namespace NasPrune.Experiments.Bench;

/// <summary>
/// Lines up two benchmark CSVs of the same shape (ours and a peer's) and says, per figure, by what
/// factor NasPrune is better: images/s higher is better; ms and supernet/extracted ratios lower.
/// Figures that are not speeds (counts, differences) are listed without a verdict.
/// </summary>
public static class BenchComparison
{
    public sealed record Line(string Figure, string Config, double Ours, double Peer, string Unit, double? Advantage);

    public static IReadOnlyList<Line> Compare(string oursCsv, string peerCsv)
    {
        Dictionary<(string, string), BenchRow> peer = Read(peerCsv).ToDictionary(r => (r.Figure, r.Config));
        return Read(oursCsv)
            .Where(r => peer.ContainsKey((r.Figure, r.Config)))
            .Select(r =>
            {
                double p = peer[(r.Figure, r.Config)].Value;
                double? advantage = r.Unit switch
                {
                    "images/s" => r.Value / p,
                    "ms" or "ratio" => p / r.Value,
                    _ => null,
                };
                return new Line(r.Figure, r.Config, r.Value, p, r.Unit, advantage);
            })
            .ToList();
    }

    public static string ToMarkdown(IEnumerable<Line> lines)
    {
        var text = new System.Text.StringBuilder("| figure | config | NasPrune | OFA reference | unit | NasPrune better by |\n| --- | --- | ---: | ---: | --- | ---: |\n");
        foreach (Line l in lines)
        {
            string verdict = l.Advantage is double a ? $"{a:0.00}x{(a < 1 ? " (slower)" : "")}" : "-";
            text.Append(CultureInfo.InvariantCulture, $"| {l.Figure} | {l.Config} | {l.Ours:G4} | {l.Peer:G4} | {l.Unit} | {verdict} |\n");
        }
        return text.ToString();
    }

    private static List<BenchRow> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"bench compare: '{path}' does not exist");
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Context.RegisterClassMap<BenchRowMap>();
        return csv.GetRecords<BenchRow>().ToList();
    }

    /// <summary>The peer writes lower-case headers (figure,config,value,unit); ours match by name, case-insensitively.</summary>
    private sealed class BenchRowMap : CsvHelper.Configuration.ClassMap<BenchRow>
    {
        public BenchRowMap()
        {
            Parameter("Figure").Name("figure", "Figure");
            Parameter("Config").Name("config", "Config");
            Parameter("Value").Name("value", "Value");
            Parameter("Unit").Name("unit", "Unit");
        }
    }
}
