namespace NasPrune.Supernet.Darts;

/// <summary>The derived architecture: the normal and the reduction cell. Text form: two lines, <c>normal: ...</c> and <c>reduce: ...</c>.</summary>
public sealed record DartsGenotype(CellGenotype Normal, CellGenotype Reduce)
{
    public override string ToString() => $"normal: {Normal}\nreduce: {Reduce}";

    public static DartsGenotype Parse(string text, string field = "genotype")
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p.Length == 2 ? p[1] : "");
        if (!lines.TryGetValue("normal", out string? normal) || !lines.TryGetValue("reduce", out string? reduce) || lines.Count != 2)
            throw new ArgumentException($"{field}: needs exactly two lines, 'normal: ...' and 'reduce: ...'");
        return new DartsGenotype(CellGenotype.Parse(normal, field + ".normal"), CellGenotype.Parse(reduce, field + ".reduce"));
    }
}
