using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Methods;
using Spectre.Console;

namespace Attribution.Cli.Commands;

/// <summary>`attribution methods`: every registered method with a one-line description and its options (key=default).</summary>
internal static class MethodsCommand
{
    public static Command Create()
    {
        var command = new Command("methods", "List the attribution methods, what they do, and their options.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumns("method", "description", "map reduction", "options (--option method.key=value)");
            foreach (string name in MethodRegistry.Names)
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(MethodRegistry.Describe(name)),
                    ChannelReductionDefaults.For(name).ToString(), Markup.Escape(DescribeOptions(name)));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// "key=default, …" from the method's options record. The registry does not record which record a method binds, so it is found by the
    /// naming convention (method "integrated-gradients" → IntegratedGradientsOptions; "lrp-*" → LrpOptions; the SmoothGrad family →
    /// SmoothGradOptions); a method without one has no options.
    /// </summary>
    internal static string DescribeOptions(string method)
    {
        Type? type = OptionsTypeOf(method);
        if (type is null)
            return "(none)";
        object? defaults = null;
        try
        {
            defaults = Activator.CreateInstance(type);
        }
        catch (Exception e) when (e is MissingMethodException or TargetInvocationException)
        {
            // No parameterless constructor: list the keys without defaults.
        }
        IEnumerable<string> options = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && IsSettable(p.PropertyType))
            .Select(p => $"{OptionsBinder.Kebab(p.Name)}={Format(defaults is null ? null : p.GetValue(defaults))}");
        return string.Join(", ", options);
    }

    private static Type? OptionsTypeOf(string method)
    {
        Type[] candidates = typeof(MethodOptions).Assembly.GetTypes().Where(t => t.IsClass && t.IsPublic && t.Name.EndsWith("Options", StringComparison.Ordinal)).ToArray();
        Type? Find(string name) => candidates.FirstOrDefault(t => string.Equals(t.Name, name.Replace("-", "") + "Options", StringComparison.OrdinalIgnoreCase));
        string family = method switch
        {
            "vargrad" or "smoothgrad-squared" => "smoothgrad",
            _ when method.StartsWith("lrp-", StringComparison.Ordinal) => "lrp",
            _ => method,
        };
        return Find(method) ?? Find(family);
    }

    private static bool IsSettable(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(double[]) || t == typeof(long[]) || t == typeof(int[]);
    }

    private static string Format(object? value) => value switch
    {
        null => "none",
        Enum e => OptionsBinder.Kebab(e.ToString()),
        bool b => b ? "true" : "false",
        Array a => string.Join(",", a.Cast<object>().Select(Format)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
