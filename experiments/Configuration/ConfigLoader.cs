using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace NasPrune.Experiments.Configuration;

/// <summary>
/// Reads a JSON config through Microsoft.Extensions.Configuration, with environment overrides
/// (<c>NASPRUNE_training__epochs=5</c>), and binds it strictly (<see cref="StrictBinder"/>): unknown
/// fields, wrong types and out-of-range values are <see cref="ConfigException"/>s naming the field.
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "NASPRUNE_";

    public static T Load<T>(string path, string? environmentPrefix = EnvironmentPrefix) where T : class, new()
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new ConfigException($"config: file '{path}' does not exist");
        CheckJson(File.ReadAllText(full), path);
        var builder = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false);
        if (environmentPrefix is not null) builder.AddInMemoryCollection(Overrides(environmentPrefix));
        return StrictBinder.Bind<T>(builder.Build());
    }

    /// <summary>
    /// The environment's overrides (prefix stripped, <c>__</c> as the section separator), without the
    /// variables that share the prefix but are not config fields: <c>NASPRUNE_DATA</c> (the data folder)
    /// would otherwise be refused as an unknown field <c>data</c>, <c>NASPRUNE_MALLOC</c> (see
    /// <c>NativeAllocator</c>) as <c>malloc</c>.
    /// </summary>
    private static Dictionary<string, string?> Overrides(string prefix) =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => (Name: (string)e.Key, Value: e.Value as string))
            .Where(e => e.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && e.Name.Length > prefix.Length
                        && !NotConfigFields.Contains(e.Name[prefix.Length..], StringComparer.OrdinalIgnoreCase))
            .ToDictionary(e => e.Name[prefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter), e => e.Value);

    /// <summary>Names after the prefix that belong to other settings.</summary>
    private static readonly string[] NotConfigFields =
        [.. new[] { NasPrune.Training.Data.FashionMnist.EnvironmentVariable, NasPrune.Supernet.Runtime.NativeAllocator.SettingVariable }
            .Select(name => name[EnvironmentPrefix.Length..])];

    /// <summary>Binds JSON text (no environment overrides); for tests and embedded configs.</summary>
    public static T LoadFromJson<T>(string json, string source = "config") where T : class, new()
    {
        CheckJson(json, source);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return StrictBinder.Bind<T>(new ConfigurationBuilder().AddJsonStream(stream).Build());
    }

    private static void CheckJson(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ConfigException($"config '{source}': the top level must be a JSON object");
        }
        catch (JsonException e)
        {
            string reason = e.Message.Split(" LineNumber", 2)[0].Split(". Path", 2)[0].TrimEnd('.');
            throw new ConfigException($"config '{source}': invalid JSON at line {(e.LineNumber ?? 0) + 1}: {reason}");
        }
    }
}
