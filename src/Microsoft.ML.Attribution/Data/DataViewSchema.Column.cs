namespace Microsoft.ML.Attribution.Data;

public sealed partial class DataViewSchema
{
    /// <summary>One column of a schema. Only schemas create columns, so a column always knows its index.</summary>
    public readonly struct Column
    {
        internal Column(string name, int index, bool isHidden, DataViewType type, Annotations annotations)
        {
            Name = name;
            Index = index;
            IsHidden = isHidden;
            Type = type;
            Annotations = annotations;
        }

        public string Name { get; }

        /// <summary>The position in the schema, which is what getters are keyed on.</summary>
        public int Index { get; }

        /// <summary>True when a later column has the same name.</summary>
        public bool IsHidden { get; }

        public DataViewType Type { get; }

        public Annotations Annotations { get; }

        public override string ToString()
        {
            string text = $"{Name}: {Type}";
            if (Annotations is { Schema.Count: > 0 })
                text += " {" + string.Join(", ", Annotations.Schema.Select(a => a.Name)) + "}";
            return text;
        }
    }
}
