using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace NasPrune.Experiments.Configuration;

/// <summary>
/// Binds configuration onto records and classes by reflection, refusing what it does not understand.
/// Supported: objects with a parameterless constructor and public settable or init properties (absent
/// fields keep their initial values), nested objects, int, long, double, float, bool, string, enums,
/// their Nullable forms, and arrays / IReadOnlyList / List of any of these. Keys are the camelCase
/// property names (configuration keys are case-insensitive). After binding, [Range] (with exclusive bounds), [AllowedValues],
/// [RegularExpression], [MinLength] and [Required] are checked, then <see cref="IValidatableObject"/> (rules across fields). Every problem is a
/// <see cref="ConfigException"/> with one line: the dotted field path and what is allowed.
/// </summary>
public static class StrictBinder
{
    public static T Bind<T>(IConfiguration configuration) where T : class, new() =>
        (T)BindObject(typeof(T), configuration.GetChildren().ToList(), "");

    private static object BindObject(Type type, List<IConfigurationSection> children, string path)
    {
        object instance = Activator.CreateInstance(type)
            ?? throw new InvalidOperationException($"{type.Name} needs a parameterless constructor");
        var properties = Properties(type);
        foreach (IConfigurationSection child in children)
        {
            string childPath = Join(path, child.Key);
            PropertyInfo property = properties.GetValueOrDefault(child.Key)
                ?? throw new ConfigException($"config: unknown field '{childPath}'; allowed fields of '{(path.Length == 0 ? "the top level" : path)}': {string.Join(", ", properties.Values.Select(CamelName).Order())}");
            property.SetValue(instance, BindValue(property.PropertyType, child, Join(path, CamelName(property))));
        }
        foreach (PropertyInfo property in properties.Values) CheckAttributes(property, property.GetValue(instance), Join(path, CamelName(property)));
        if (instance is IValidatableObject validatable
            && validatable.Validate(new ValidationContext(instance)).FirstOrDefault()?.ErrorMessage is { } problem)
            throw new ConfigException(problem.StartsWith("config:", StringComparison.Ordinal) ? problem : $"config: '{path}': {problem}");
        return instance;
    }

    private static object? BindValue(Type type, IConfigurationSection section, string path)
    {
        var children = section.GetChildren().ToList();
        Type? nullable = Nullable.GetUnderlyingType(type);
        if (children.Count == 0 && string.IsNullOrEmpty(section.Value) && (nullable is not null || !type.IsValueType) && type != typeof(string))
            return null;
        Type target = nullable ?? type;

        if (ListElement(target) is { } element)
        {
            if (children.Count == 0 && string.IsNullOrEmpty(section.Value)) return EmptyList(target, element);
            if (children.Count == 0) throw Wrong(path, "a list", section.Value);
            var items = Array.CreateInstance(element, children.Count);
            foreach (IConfigurationSection item in children)
            {
                if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= children.Count)
                    throw Wrong(path, "a list", "an object");
                items.SetValue(BindValue(element, item, $"{path}[{index}]"), index);
            }
            return target.IsArray || target.IsInterface ? items : Activator.CreateInstance(target, items);
        }
        if (IsScalar(target))
        {
            if (children.Count > 0) throw Wrong(path, Describe(target), "an object or a list");
            return ParseScalar(target, section.Value ?? "", path);
        }
        if (section.Value is not null && children.Count == 0) throw Wrong(path, "an object", section.Value);
        return BindObject(target, children, path);
    }

    private static object ParseScalar(Type type, string text, string path)
    {
        var culture = CultureInfo.InvariantCulture;
        if (type == typeof(string)) return text;
        if (type == typeof(bool)) return bool.TryParse(text, out bool b) ? b : throw Wrong(path, "true or false", text);
        if (type == typeof(int)) return int.TryParse(text, NumberStyles.Integer, culture, out int i) ? i : throw Wrong(path, "an integer", text);
        if (type == typeof(long)) return long.TryParse(text, NumberStyles.Integer, culture, out long l) ? l : throw Wrong(path, "an integer", text);
        if (type == typeof(double)) return double.TryParse(text, NumberStyles.Float, culture, out double d) ? d : throw Wrong(path, "a number", text);
        if (type == typeof(float)) return float.TryParse(text, NumberStyles.Float, culture, out float f) ? f : throw Wrong(path, "a number", text);
        if (type.IsEnum)
        {
            return Enum.GetNames(type).FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } name
                ? Enum.Parse(type, name)
                : throw Wrong(path, Describe(type), text);
        }
        throw new InvalidOperationException($"{path}: type {type.Name} is not supported by the config binder");
    }

    private static void CheckAttributes(PropertyInfo property, object? value, string path)
    {
        if (property.GetCustomAttribute<RequiredAttribute>() is not null && (value is null || value is string { Length: 0 }))
            throw new ConfigException($"config: '{path}' is required");
        if (value is null) return;
        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            double min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture), max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
            if (number < min || number > max || (range.MinimumIsExclusive && number == min) || (range.MaximumIsExclusive && number == max))
                throw new ConfigException($"config: '{path}' must be in {(range.MinimumIsExclusive ? "(" : "[")}{Format(range.Minimum)}, {Format(range.Maximum)}{(range.MaximumIsExclusive ? ")" : "]")}, got {Format(value)}");
        }
        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed && !allowed.Values.Contains(value))
            throw new ConfigException($"config: '{path}' must be one of: {string.Join(", ", allowed.Values)}; got '{value}'");
        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern && value is string text
            && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern.Pattern))
            throw new ConfigException($"config: '{path}' must match {pattern.Pattern}; got '{text}'");
        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength && value is ICollection collection && collection.Count < minLength.Length)
            throw new ConfigException($"config: '{path}' needs at least {minLength.Length} item(s), got {collection.Count}");
    }

    private static Dictionary<string, PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static Type? ListElement(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        Type definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyList<>) || definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IEnumerable<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static object EmptyList(Type target, Type element) =>
        target.IsArray || target.IsInterface ? Array.CreateInstance(element, 0) : Activator.CreateInstance(target)!;

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);

    private static string Describe(Type type) =>
        type.IsEnum ? $"one of: {string.Join(", ", Enum.GetNames(type).Select(ToCamel))}"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) ? "an integer"
        : type == typeof(string) ? "a string"
        : "a number";

    private static ConfigException Wrong(string path, string expected, string? got) =>
        new($"config: '{path}' must be {expected}, got \"{got}\"");

    private static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static string CamelName(PropertyInfo property) => ToCamel(property.Name);

    private static string ToCamel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static string Join(string path, string key) => path.Length == 0 ? ToCamel(key) : $"{path}.{ToCamel(key)}";
}
