using System.Globalization;
using System.Reflection;

namespace Microsoft.ML.Attribution.Methods;

/// <summary>
/// Applies "key=value" settings (CLI --option method.key=value, transform options) to an options record:
/// keys are kebab-case property names (steps, noise-level, memory-budget-mb); values parse by the property's type
/// (numbers, booleans, enums in kebab-case, comma-separated arrays). Unknown keys or bad values name what was wrong.
/// </summary>
public static class OptionsBinder
{
    public static T Bind<T>(T defaults, IReadOnlyDictionary<string, string>? settings) where T : class
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (settings is null || settings.Count == 0) return defaults;
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && IsSupported(p.PropertyType))
            .ToDictionary(p => Normalize(p.Name), p => p);
        // Records are immutable: bind onto a copy made by the compiler-generated clone.
        var clone = (T)typeof(T).GetMethod("<Clone>$")!.Invoke(defaults, null)!;
        foreach (var (key, text) in settings)
        {
            if (!properties.TryGetValue(Normalize(key), out PropertyInfo? property))
                throw new ArgumentException($"Unknown option '{key}' for {typeof(T).Name}. Known: {string.Join(", ", properties.Values.Select(p => Kebab(p.Name)).Order())}.");
            object? value;
            try
            {
                value = Parse(text, property.PropertyType);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new ArgumentException($"Option '{key}': cannot read '{text}' as {Describe(property.PropertyType)}.", e);
            }
            property.SetValue(clone, value);
        }
        return clone;
    }

    /// <summary>"Steps" → "steps", "MemoryBudgetMb" → "memory-budget-mb".</summary>
    public static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Normalize(string key) => key.Replace("-", "").Replace("_", "").ToLowerInvariant();

    private static bool IsSupported(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(double[]) || t == typeof(long[]) || t == typeof(int[]);
    }

    private static object? Parse(string text, Type type)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying != null)
            return text.Trim().Length == 0 || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? null : Parse(text, underlying);
        CultureInfo c = CultureInfo.InvariantCulture;
        if (type == typeof(string)) return text;
        if (type == typeof(int)) return int.Parse(text, c);
        if (type == typeof(long)) return long.Parse(text, c);
        if (type == typeof(double)) return ParseDouble(text);
        if (type == typeof(float)) return (float)ParseDouble(text);
        if (type == typeof(bool)) return text.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new FormatException(),
        };
        if (type.IsEnum)
        {
            string wanted = Normalize(text);
            foreach (string name in Enum.GetNames(type))
                if (Normalize(name) == wanted) return Enum.Parse(type, name);
            throw new ArgumentException($"expected one of {string.Join(", ", Enum.GetNames(type).Select(Kebab))}");
        }
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (type == typeof(double[])) return parts.Select(ParseDouble).ToArray();
        if (type == typeof(long[])) return parts.Select(p => long.Parse(p, c)).ToArray();
        if (type == typeof(int[])) return parts.Select(p => int.Parse(p, c)).ToArray();
        throw new FormatException();
    }

    private static double ParseDouble(string text) => text.Trim().ToLowerInvariant() switch
    {
        "inf" or "+inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Describe(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(t).Select(Kebab))}" : t == typeof(double[]) ? "comma-separated numbers" : t.Name.ToLowerInvariant();
    }
}
