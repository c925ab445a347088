using System.Globalization;
using System.Text.Json.Nodes;

namespace NasPrune.Experiments.Tuning;

/// <summary>Sets fields of a JSON config by dotted camelCase path (creating objects on the way), for trials' configs.</summary>
public static class ConfigPatch
{
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        string[] parts = path.Split('.');
        JsonObject node = root;
        foreach (string part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = new JsonObject();
                node[part] = child;
            }
            node = child;
        }
        node[parts[^1]] = value;
    }

    /// <summary>A categorical choice as JSON: a number, true/false, or text.</summary>
    public static JsonNode Value(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? JsonValue.Create(number)
        : bool.TryParse(text, out bool flag) ? JsonValue.Create(flag)
        : JsonValue.Create(text);
}
