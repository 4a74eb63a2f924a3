namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Copies columns (<c>Transforms.CopyColumns</c>). Fitting learns nothing; it checks that the input columns exist and records their types.
/// </summary>
public sealed class ColumnCopyingEstimator : IEstimator<ColumnCopyingTransformer>
{
    private readonly (string OutputColumnName, string InputColumnName)[] _columns;

    public ColumnCopyingEstimator(string outputColumnName, string inputColumnName)
        : this((outputColumnName, inputColumnName))
    {
    }

    public ColumnCopyingEstimator(params (string outputColumnName, string inputColumnName)[] columns) =>
        _columns = CheckColumns(columns);

    public ColumnCopyingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var types = new DataViewType?[_columns.Length];
        for (int i = 0; i < _columns.Length; i++)
        {
            string inputName = _columns[i].InputColumnName;
            DataViewSchema.Column column = input.Schema.GetColumnOrNull(inputName) ?? throw DataViewErrors.MissingInputColumn(inputName);
            types[i] = column.Type;
        }
        return new ColumnCopyingTransformer(_columns, types);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var result = inputSchema.ToList();
        foreach ((string output, string inputName) in _columns)
        {
            if (!inputSchema.TryFindColumn(inputName, out SchemaShape.Column input))
                throw DataViewErrors.MissingInputColumn(inputName);
            var copy = new SchemaShape.Column(output, input.Kind, input.ItemType, input.IsKey, input.Annotations);
            // Shapes have no hidden columns: a reused name replaces the old entry in place.
            int existing = result.FindIndex(c => c.Name == output);
            if (existing >= 0)
                result[existing] = copy;
            else
                result.Add(copy);
        }
        return new SchemaShape(result);
    }

    internal static (string, string)[] CheckColumns((string outputColumnName, string inputColumnName)[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0)
            throw new ArgumentException("At least one column pair is required.", nameof(columns));
        foreach ((string output, string input) in columns)
        {
            ArgumentException.ThrowIfNullOrEmpty(output, "outputColumnName");
            ArgumentException.ThrowIfNullOrEmpty(input, "inputColumnName");
        }
        return ((string, string)[])columns.Clone();
    }
}
