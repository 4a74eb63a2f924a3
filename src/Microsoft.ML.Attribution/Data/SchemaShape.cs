using System.Collections;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// What an estimator can know about a schema before seeing data: names, scalar/vector kind, item types, key-ness and annotation names.
/// Unlike a <see cref="DataViewSchema"/> it carries no vector dimensions and no hidden columns.
/// </summary>
public sealed partial class SchemaShape : IReadOnlyList<SchemaShape.Column>
{
    private readonly Column[] _columns;

    public SchemaShape(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
        foreach (Column column in _columns)
        {
            if (!column.IsValid)
                throw new ArgumentException("SchemaShape columns must be created with the Column constructor.", nameof(columns));
        }
    }

    public int Count => _columns.Length;

    public Column this[int index] => _columns[index];

    /// <summary>Finds the column called <paramref name="name"/> (the last one if several).</summary>
    public bool TryFindColumn(string name, out Column column)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = _columns.Length - 1; i >= 0; i--)
        {
            if (_columns[i].Name == name)
            {
                column = _columns[i];
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <summary>The shape of <paramref name="schema"/>'s visible columns.</summary>
    public static SchemaShape Create(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var columns = new List<Column>(schema.Count);
        foreach (DataViewSchema.Column column in schema)
        {
            if (column.IsHidden)
                continue;
            var annotations = new List<Column>();
            foreach (DataViewSchema.Column annotation in column.Annotations.Schema)
            {
                if (!annotation.IsHidden)
                    annotations.Add(FromType(annotation.Name, annotation.Type, null));
            }
            columns.Add(FromType(column.Name, column.Type, new SchemaShape(annotations)));
        }
        return new SchemaShape(columns);
    }

    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join("; ", _columns.Select(c => $"{c.Name}: {c.GetTypeString()}"));

    private static Column FromType(string name, DataViewType type, SchemaShape? annotations)
    {
        Column.VectorKind kind = Column.VectorKind.Scalar;
        if (type is VectorDataViewType vector)
        {
            kind = vector.IsKnownSize ? Column.VectorKind.Vector : Column.VectorKind.VariableVector;
            type = vector.ItemType;
        }
        bool isKey = false;
        if (type is KeyDataViewType)
        {
            isKey = true;
            type = NumberDataViewType.FromRawType(type.RawType)!;
        }
        return new Column(name, kind, type, isKey, annotations);
    }
}
