using Microsoft.ML.Attribution.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>Schema-shape plumbing shared by the estimators of this folder.</summary>
internal static class SchemaShapes
{
    public static SchemaShape.Column Text(string name) =>
        new(name, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false);

    public static SchemaShape.Column Scalar(string name, DataViewType type) =>
        new(name, SchemaShape.Column.VectorKind.Scalar, type, false);

    public static SchemaShape.Column Vector(string name, DataViewType itemType, bool knownSize = true) =>
        new(name, knownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector, itemType, false);

    /// <summary>The input shape plus <paramref name="added"/>; shapes have no hidden columns, so a reused name replaces the old entry in place.</summary>
    public static SchemaShape Append(SchemaShape input, params SchemaShape.Column[] added)
    {
        var result = input.ToList();
        foreach (SchemaShape.Column column in added)
        {
            int existing = result.FindIndex(c => c.Name == column.Name);
            if (existing >= 0)
                result[existing] = column;
            else
                result.Add(column);
        }
        return new SchemaShape(result);
    }

    /// <summary>The input column, or the standard "Could not find input column" error.</summary>
    public static SchemaShape.Column Find(SchemaShape shape, string name) =>
        shape.TryFindColumn(name, out SchemaShape.Column column) ? column : throw DataViewErrors.MissingInputColumn(name);

    /// <summary>The input column, or the standard "Could not find input column" error.</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string name) =>
        schema.GetColumnOrNull(name) ?? throw DataViewErrors.MissingInputColumn(name);

    /// <summary>A float vector column (known or unknown size), or the standard schema-mismatch error.</summary>
    public static SchemaShape.Column RequireFloatVector(SchemaShape shape, string name)
    {
        SchemaShape.Column column = Find(shape, name);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || !column.ItemType.Equals(NumberDataViewType.Single) || column.IsKey)
            throw DataViewErrors.SchemaMismatch(name, "Vector<Single>", column.GetTypeString());
        return column;
    }
}
