using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>Whether a column value belongs to a schema (ML.NET's columns are plain values that do not know their schema).</summary>
internal static class SchemaMembership
{
    public static bool Owns(this DataViewSchema schema, DataViewSchema.Column column) =>
        (uint)column.Index < (uint)schema.Count
        && schema[column.Index].Name == column.Name
        && schema[column.Index].Type.Equals(column.Type);
}
