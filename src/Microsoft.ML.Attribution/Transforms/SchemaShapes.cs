using System.Reflection;
using Microsoft.ML.Attribution.DataViews;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// Schema-shape plumbing shared by the estimators of this folder. ML.NET keeps <see cref="SchemaShape.Column"/>'s constructor internal,
/// yet <c>EstimatorChain.Fit</c> asks every estimator for its output shape before fitting, so a downstream <c>Concatenate</c> or trainer
/// only accepts our columns if we report them: the one non-public constructor is called through reflection (a test guards it).
/// </summary>
internal static class SchemaShapes
{
    private static readonly ConstructorInfo s_columnConstructor = typeof(SchemaShape.Column)
        .GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)])
        ?? throw new MissingMethodException("SchemaShape.Column(string, VectorKind, DataViewType, bool, SchemaShape) is not in this version of Microsoft.ML; Microsoft.ML.Attribution is built for 6.0.");

    public static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey = false, SchemaShape? annotations = null) =>
        (SchemaShape.Column)s_columnConstructor.Invoke([name, kind, itemType, isKey, annotations]);

    public static SchemaShape.Column Text(string name) => Column(name, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance);

    public static SchemaShape.Column Scalar(string name, DataViewType type) => Column(name, SchemaShape.Column.VectorKind.Scalar, type);

    public static SchemaShape.Column Vector(string name, DataViewType itemType, bool knownSize = true) =>
        Column(name, knownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector, itemType);

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
    public static SchemaShape.Column Find(SchemaShape shape, string name)
    {
        foreach (SchemaShape.Column column in shape)
        {
            if (column.Name == name)
                return column;
        }
        throw DataViewErrors.MissingInputColumn(name);
    }

    /// <summary>The input column, or the standard "Could not find input column" error.</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string name) =>
        schema.GetColumnOrNull(name) ?? throw DataViewErrors.MissingInputColumn(name);

    /// <summary>A float vector column (known or unknown size), or the standard schema-mismatch error.</summary>
    public static SchemaShape.Column RequireFloatVector(SchemaShape shape, string name, string expected = "Vector<Single>")
    {
        SchemaShape.Column column = Find(shape, name);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || !column.ItemType.Equals(NumberDataViewType.Single) || column.IsKey)
            throw DataViewErrors.SchemaMismatch(name, expected, Describe(column));
        return column;
    }

    /// <summary>A column shape as ML.NET spells types in its messages: Single, Vector&lt;Single&gt;, Key&lt;UInt32&gt;, Image.</summary>
    public static string Describe(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType}>" : column.ItemType.ToString()!;
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => item,
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            _ => $"VarVector<{item}>",
        };
    }
}
