using System.Text.Json;
using System.Text.Json.Nodes;

namespace NasPrune.Training.Configuration;

/// <summary>
/// The run's config as stored in its run directory (camelCase JSON), and the check that a resumed run
/// uses the config it started with. Fields that do not change what is trained (device, threads, log and
/// checkpoint cadence, the evaluation batch size) may differ on resume.
/// </summary>
public static class RunConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // Files and terminals read by people: keep '+', quotes and non-ASCII as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// How a config is stored: the shared options, without get-only properties. Those are derived (IsSupernet,
    /// FirstPhaseEpochs, ...), not fields, and the config loader refuses them as unknown when a run's config.json
    /// is given back as --config.
    /// </summary>
    private static readonly JsonSerializerOptions ConfigOptions = new(Options) { IgnoreReadOnlyProperties = true };

    /// <summary>
    /// Dotted paths that may change on resume. The evaluation batch size is one: evaluation never feeds back
    /// into training, and the batch that suits a machine is a property of the machine (its caches and allocator),
    /// so a run under way may move to a better one. Its figures can then differ in the last bits of a float sum.
    /// </summary>
    private static readonly string[] OperationalFields = ["device", "threads", "logEverySteps", "checkpoints", "training.evalBatchSize"];

    public static string Serialize(RunConfig config) => JsonSerializer.Serialize(config, ConfigOptions);

    public static RunConfig Deserialize(string json, string source) =>
        JsonSerializer.Deserialize<RunConfig>(json, ConfigOptions) ?? throw new InvalidDataException($"{source}: empty config");

    /// <summary>The first field (dotted path) whose value differs between the two configs, ignoring operational fields; null if none.</summary>
    public static string? FirstDifference(RunConfig stored, RunConfig current)
    {
        JsonObject a = Comparable(stored), b = Comparable(current);
        return FirstDifference(a, b, "");
    }

    private static JsonObject Comparable(RunConfig config)
    {
        JsonObject node = JsonSerializer.SerializeToNode(config, ConfigOptions)!.AsObject();
        foreach (string field in OperationalFields)
        {
            string[] path = field.Split('.');
            JsonObject? parent = node;
            foreach (string key in path[..^1]) parent = parent?[key] as JsonObject;
            parent?.Remove(path[^1]);
        }
        return node;
    }

    private static string? FirstDifference(JsonNode? a, JsonNode? b, string path)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (string key in oa.Select(kv => kv.Key).Union(ob.Select(kv => kv.Key)))
            {
                string? found = FirstDifference(oa[key], ob[key], path.Length == 0 ? key : $"{path}.{key}");
                if (found is not null) return found;
            }
            return null;
        }
        return JsonNode.DeepEquals(Unset(a), Unset(b)) ? null : $"{path}: {a?.ToJsonString() ?? "null"} then, {b?.ToJsonString() ?? "null"} now";
    }

    /// <summary>
    /// An empty string means the same as null (every optional path or text field is read as "null or empty":
    /// unset). The config loader reads a JSON null as an empty string, so a run's stored config, given back
    /// as --config, must compare equal to itself.
    /// </summary>
    private static JsonNode? Unset(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) && text.Length == 0 ? null : node;
}
