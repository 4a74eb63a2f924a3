namespace Microsoft.ML.Attribution.Data;

public sealed partial class DataViewSchema
{
    /// <summary>Collects columns in order and makes a schema; a repeated name hides every earlier column of that name.</summary>
    public sealed class Builder
    {
        private readonly List<DetachedColumn> _columns = new();

        public void AddColumn(string name, DataViewType type, Annotations? annotations = null) =>
            _columns.Add(new DetachedColumn(name, type, annotations));

        public void AddColumns(IEnumerable<DetachedColumn> columns)
        {
            ArgumentNullException.ThrowIfNull(columns);
            _columns.AddRange(columns);
        }

        /// <summary>Adds columns of another schema (hidden ones included, which stay hidden because order is kept).</summary>
        public void AddColumns(IEnumerable<Column> columns)
        {
            ArgumentNullException.ThrowIfNull(columns);
            foreach (Column column in columns)
                _columns.Add(new DetachedColumn(column));
        }

        public DataViewSchema ToSchema() => new(_columns);
    }
}
