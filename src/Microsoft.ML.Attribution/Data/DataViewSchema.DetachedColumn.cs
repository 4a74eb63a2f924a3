namespace Microsoft.ML.Attribution.Data;

public sealed partial class DataViewSchema
{
    /// <summary>A column that is not (yet) part of a schema: how transformers describe the columns they add.</summary>
    public readonly struct DetachedColumn
    {
        public DetachedColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(type);
            Name = name;
            Type = type;
            Annotations = annotations ?? Annotations.Empty;
        }

        public DetachedColumn(Column column)
            : this(column.Name, column.Type, column.Annotations)
        {
        }

        public string Name { get; }

        public DataViewType Type { get; }

        public Annotations Annotations { get; }

        public override string ToString() => $"{Name}: {Type}";
    }
}
