using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// One sub-network of an <see cref="OfaSearchSpace"/>: resolution, per-stage depth, per-block kernel and
/// expand ratio. Entries of blocks a stage skips are normalised to the first choice of the space, so
/// two configs that build the same network are equal (value equality, <see cref="Equals(SubnetConfig?)"/>).
/// Text form (canonical, parses back exactly): <c>r28-k35.357.3575.35.357-e34.346.3464.34.346</c>:
/// per stage, one character per active block, so the depth is the group's length. Kernels and expand
/// ratios use one digit when every choice of the space is a single-digit integer, otherwise a
/// comma-separated list inside the group.
/// </summary>
public sealed class SubnetConfig : IEquatable<SubnetConfig>
{
    private readonly int[] _depths;
    private readonly int[] _kernels;
    private readonly double[] _expands;

    public SubnetConfig(OfaSearchSpace space, int resolution, IReadOnlyList<int> depths, IReadOnlyList<int> kernels, IReadOnlyList<double> expands)
    {
        string? error = Check(space, resolution, depths, kernels, expands);
        if (error is not null) throw new ArgumentException($"sub-network config: {error}");
        Space = space;
        Resolution = resolution;
        _depths = depths.ToArray();
        _kernels = kernels.ToArray();
        _expands = expands.ToArray();
        for (int s = 0; s < space.StageCount; s++)
        {
            for (int b = _depths[s]; b < space.BlocksPerStage; b++)
            {
                _kernels[s * space.BlocksPerStage + b] = space.Kernels[0];
                _expands[s * space.BlocksPerStage + b] = space.ExpandRatios[0];
            }
        }
    }

    public OfaSearchSpace Space { get; }
    public int Resolution { get; }
    public IReadOnlyList<int> Depths => _depths;
    public IReadOnlyList<int> Kernels => _kernels;
    public IReadOnlyList<double> Expands => _expands;

    public int Kernel(int stage, int block) => _kernels[stage * Space.BlocksPerStage + block];
    public double Expand(int stage, int block) => _expands[stage * Space.BlocksPerStage + block];
    public bool IsActive(int stage, int block) => block < _depths[stage];

    public static SubnetConfig Largest(OfaSearchSpace space) => Uniform(space, space.Resolutions.Max(), space.Depths.Max(), space.Kernels.Max(), space.ExpandRatios.Max());

    public static SubnetConfig Smallest(OfaSearchSpace space) => Uniform(space, space.Resolutions.Min(), space.Depths.Min(), space.Kernels.Min(), space.ExpandRatios.Min());

    /// <summary>The middle choice of every dimension (the element at index count / 2 of each sorted list).</summary>
    public static SubnetConfig Middle(OfaSearchSpace space)
    {
        static T Mid<T>(IReadOnlyList<T> values) => values.Order().ElementAt(values.Count / 2);
        return Uniform(space, Mid(space.Resolutions), Mid(space.Depths), Mid(space.Kernels), Mid(space.ExpandRatios));
    }

    /// <summary>The same network at another input resolution.</summary>
    public SubnetConfig WithResolution(int resolution) => new(Space, resolution, _depths, _kernels, _expands);

    /// <summary>The same depth, kernel and expand ratio everywhere.</summary>
    public static SubnetConfig Uniform(OfaSearchSpace space, int resolution, int depth, int kernel, double expand) =>
        new(space, resolution, Enumerable.Repeat(depth, space.StageCount).ToArray(),
            Enumerable.Repeat(kernel, space.BlockSlots).ToArray(), Enumerable.Repeat(expand, space.BlockSlots).ToArray());

    public override string ToString()
    {
        var text = new StringBuilder($"r{Resolution.ToString(CultureInfo.InvariantCulture)}-k");
        AppendGroups(text, (s, b) => Format(Kernel(s, b)), SingleDigit(Space.Kernels.Select(k => (double)k)));
        text.Append("-e");
        AppendGroups(text, (s, b) => Format(Expand(s, b)), SingleDigit(Space.ExpandRatios));
        return text.ToString();
    }

    /// <summary>Parses the text form; errors name the part and the allowed values.</summary>
    public static SubnetConfig Parse(OfaSearchSpace space, string text)
    {
        string[] parts = text.Trim().Split('-');
        if (parts.Length != 3 || !parts[0].StartsWith('r') || !parts[1].StartsWith('k') || !parts[2].StartsWith('e'))
            throw new ArgumentException($"arch '{text}': expected r<resolution>-k<kernels per stage>-e<expand ratios per stage>, e.g. {Largest(space)}");
        if (!int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int resolution))
            throw new ArgumentException($"arch '{text}': resolution '{parts[0][1..]}' is not a number; allowed: {string.Join(", ", space.Resolutions)}");
        List<List<string>> kernels = ParseGroups(parts[1][1..], space, text, "kernels");
        List<List<string>> expands = ParseGroups(parts[2][1..], space, text, "expand ratios");
        var depths = new int[space.StageCount];
        var k = Enumerable.Repeat(space.Kernels[0], space.BlockSlots).ToArray();
        var e = Enumerable.Repeat(space.ExpandRatios[0], space.BlockSlots).ToArray();
        for (int s = 0; s < space.StageCount; s++)
        {
            if (kernels[s].Count != expands[s].Count)
                throw new ArgumentException($"arch '{text}': stage {s} has {kernels[s].Count} kernels but {expands[s].Count} expand ratios");
            depths[s] = kernels[s].Count;
            for (int b = 0; b < depths[s] && b < space.BlocksPerStage; b++)
            {
                k[s * space.BlocksPerStage + b] = ParseNumber<int>(kernels[s][b], text, $"stage {s} kernel");
                e[s * space.BlocksPerStage + b] = ParseNumber<double>(expands[s][b], text, $"stage {s} expand ratio");
            }
        }
        try
        {
            return new SubnetConfig(space, resolution, depths, k, e);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException($"arch '{text}': {error.Message["sub-network config: ".Length..]}");
        }
    }

    public JsonObject ToJson() => new()
    {
        ["resolution"] = Resolution,
        ["depths"] = new JsonArray(_depths.Select(d => (JsonNode)d).ToArray()),
        ["kernels"] = new JsonArray(_kernels.Select(d => (JsonNode)d).ToArray()),
        ["expands"] = new JsonArray(_expands.Select(d => (JsonNode)d).ToArray()),
        ["text"] = ToString(),
    };

    /// <summary>Reads the JSON form (resolution, depths, kernels, expands; "text" is ignored).</summary>
    public static SubnetConfig FromJson(OfaSearchSpace space, JsonNode node)
    {
        JsonObject o = node as JsonObject ?? throw new ArgumentException("sub-network config: expected a JSON object");
        foreach (var (key, _) in o)
            if (key is not ("resolution" or "depths" or "kernels" or "expands" or "text"))
                throw new ArgumentException($"sub-network config: unknown field '{key}'; allowed: resolution, depths, kernels, expands, text");
        try
        {
            return new SubnetConfig(space,
                o["resolution"]?.GetValue<int>() ?? throw new ArgumentException("sub-network config: 'resolution' is required"),
                Array(o, "depths").Select(n => n!.GetValue<int>()).ToArray(),
                Array(o, "kernels").Select(n => n!.GetValue<int>()).ToArray(),
                Array(o, "expands").Select(n => n!.GetValue<double>()).ToArray());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"sub-network config: a value has the wrong type ({e.Message})");
        }
    }

    /// <summary>Reads either the text form or the JSON form (a string starting with '{').</summary>
    public static SubnetConfig ParseAny(OfaSearchSpace space, string textOrJson) =>
        textOrJson.TrimStart().StartsWith('{')
            ? FromJson(space, JsonNode.Parse(textOrJson) ?? throw new ArgumentException("arch: empty JSON"))
            : Parse(space, textOrJson);

    public bool Equals(SubnetConfig? other) =>
        other is not null && Resolution == other.Resolution && _depths.SequenceEqual(other._depths)
        && _kernels.SequenceEqual(other._kernels) && _expands.SequenceEqual(other._expands);

    public override bool Equals(object? obj) => Equals(obj as SubnetConfig);

    // Value equality for the operators too: without them, == compares references, and two parses of
    // the same text would differ.
    public static bool operator ==(SubnetConfig? a, SubnetConfig? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(SubnetConfig? a, SubnetConfig? b) => !(a == b);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static string? Check(OfaSearchSpace space, int resolution, IReadOnlyList<int> depths, IReadOnlyList<int> kernels, IReadOnlyList<double> expands)
    {
        if (!space.Resolutions.Contains(resolution))
            return $"resolution {resolution} is not allowed; allowed: {string.Join(", ", space.Resolutions)}";
        if (depths.Count != space.StageCount) return $"depths: {space.StageCount} values needed, got {depths.Count}";
        if (kernels.Count != space.BlockSlots) return $"kernels: {space.BlockSlots} values needed, got {kernels.Count}";
        if (expands.Count != space.BlockSlots) return $"expands: {space.BlockSlots} values needed, got {expands.Count}";
        for (int s = 0; s < depths.Count; s++)
        {
            if (!space.Depths.Contains(depths[s]))
                return $"depths[{s}] = {depths[s]} is not allowed; allowed: {string.Join(", ", space.Depths)}";
            for (int b = 0; b < depths[s]; b++)
            {
                int i = s * space.BlocksPerStage + b;
                if (!space.Kernels.Contains(kernels[i]))
                    return $"kernels[{i}] (stage {s} block {b}) = {kernels[i]} is not allowed; allowed: {string.Join(", ", space.Kernels)}";
                if (!space.ExpandRatios.Contains(expands[i]))
                    return $"expands[{i}] (stage {s} block {b}) = {Format(expands[i])} is not allowed; allowed: {string.Join(", ", space.ExpandRatios.Select(Format))}";
            }
        }
        return null;
    }

    private void AppendGroups(StringBuilder text, Func<int, int, string> value, bool singleDigit)
    {
        for (int s = 0; s < Space.StageCount; s++)
        {
            if (s > 0) text.Append('.');
            for (int b = 0; b < _depths[s]; b++)
            {
                if (b > 0 && !singleDigit) text.Append(',');
                text.Append(value(s, b));
            }
        }
    }

    private static List<List<string>> ParseGroups(string groups, OfaSearchSpace space, string text, string what)
    {
        string[] stages = groups.Split('.');
        if (stages.Length != space.StageCount)
            throw new ArgumentException($"arch '{text}': {what} need {space.StageCount} stage groups separated by '.', got {stages.Length}");
        return stages.Select(g => g.Contains(',') ? g.Split(',').ToList() : g.Select(c => c.ToString()).ToList()).ToList();
    }

    private static T ParseNumber<T>(string value, string text, string what) where T : IParsable<T> =>
        T.TryParse(value, CultureInfo.InvariantCulture, out T? parsed)
            ? parsed
            : throw new ArgumentException($"arch '{text}': {what} '{value}' is not a number");

    private static bool SingleDigit(IEnumerable<double> choices) => choices.All(c => c == Math.Floor(c) && c is >= 0 and <= 9);

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static JsonArray Array(JsonObject o, string name) =>
        o[name] as JsonArray ?? throw new ArgumentException($"sub-network config: '{name}' must be a list");
}
