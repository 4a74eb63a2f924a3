using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>The exceptions and messages shared by views, cursors and transformers, so they read the same everywhere.</summary>
internal static class DataViewErrors
{
    public static InvalidOperationException InactiveColumn(DataViewSchema.Column column) =>
        new($"Column '{column.Name}' (index {column.Index}) is not active in this row: include it in the columns passed when opening the cursor.");

    public static InvalidOperationException GetterTypeMismatch(DataViewSchema.Column column, Type requested) =>
        new($"Invalid TValue in GetGetter for column '{column.Name}' of type {column.Type}: expected {TypeName(column.Type.RawType)}, got {TypeName(requested)}.");

    public static ArgumentOutOfRangeException ForeignColumn(DataViewSchema.Column column, string paramName = "column") =>
        new(paramName, $"Column '{column.Name}' (index {column.Index}) does not belong to this row's schema.");

    public static ArgumentOutOfRangeException MissingInputColumn(string name, string paramName = "inputSchema") =>
        new(paramName, $"Could not find input column '{name}'");

    public static ArgumentOutOfRangeException SchemaMismatch(string name, string expected, string actual, string paramName = "inputSchema") =>
        new(paramName, $"Schema mismatch for input column '{name}': expected {expected}, got {actual}");

    /// <summary>C#-like spelling of a CLR type, such as <c>VBuffer&lt;Single&gt;</c>, for messages.</summary>
    public static string TypeName(Type type)
    {
        if (!type.IsGenericType)
            return type.Name;
        string name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
            name = name[..tick];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }
}
