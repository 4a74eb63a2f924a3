namespace Microsoft.ML.Attribution.Data;

public sealed partial class DataViewSchema
{
    /// <summary>
    /// Extra facts about a column (slot names, for example), stored as a one-row table: its own <see cref="Schema"/> names the
    /// annotation kinds, and typed getters read their values.
    /// </summary>
    public sealed class Annotations
    {
        private readonly Delegate[] _getters;

        private Annotations(DataViewSchema schema, Delegate[] getters)
        {
            Schema = schema;
            _getters = getters;
        }

        public static Annotations Empty { get; } = new(new DataViewSchema(Array.Empty<DetachedColumn>()), Array.Empty<Delegate>());

        /// <summary>One column per annotation kind.</summary>
        public DataViewSchema Schema { get; }

        public ValueGetter<TValue> GetGetter<TValue>(Column column)
        {
            if (!Schema.Owns(column))
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not an annotation of this set.");
            if (_getters[column.Index] is ValueGetter<TValue> getter)
                return getter;
            throw DataViewErrors.GetterTypeMismatch(column, typeof(TValue));
        }

        /// <summary>Reads the annotation <paramref name="kind"/>; throws <see cref="ArgumentOutOfRangeException"/> if it is absent.</summary>
        public void GetValue<TValue>(string kind, ref TValue value) => GetGetter<TValue>(Schema[kind])(ref value);

        public override string ToString() => Schema.ToString();

        /// <summary>Collects annotation values; a repeated kind replaces the earlier one.</summary>
        public sealed class Builder
        {
            private readonly List<(DetachedColumn Column, Delegate Getter)> _items = new();

            public void Add<TValue>(string kind, DataViewType type, ValueGetter<TValue> getter, Annotations? annotations = null)
            {
                ArgumentNullException.ThrowIfNull(getter);
                Add(kind, type, (Delegate)getter, annotations);
            }

            public void Add(string kind, DataViewType type, Delegate getter, Annotations? annotations = null)
            {
                ArgumentNullException.ThrowIfNull(type);
                ArgumentNullException.ThrowIfNull(getter);
                Type expected = typeof(ValueGetter<>).MakeGenericType(type.RawType);
                if (getter.GetType() != expected)
                    throw new ArgumentException($"Getter for annotation '{kind}' of type {type} must be {DataViewErrors.TypeName(expected)}, got {DataViewErrors.TypeName(getter.GetType())}.", nameof(getter));
                _items.RemoveAll(item => item.Column.Name == kind);
                _items.Add((new DetachedColumn(kind, type, annotations), getter));
            }

            public void AddPrimitiveValue<TValue>(string kind, PrimitiveDataViewType type, TValue value, Annotations? annotations = null) =>
                Add(kind, type, (ref TValue dst) => dst = value, annotations);

            /// <summary>Copies the annotations of <paramref name="annotations"/> whose kind <paramref name="selector"/> accepts.</summary>
            public void Add(Annotations annotations, Func<string, bool> selector)
            {
                ArgumentNullException.ThrowIfNull(annotations);
                ArgumentNullException.ThrowIfNull(selector);
                foreach (Column column in annotations.Schema)
                {
                    if (!column.IsHidden && selector(column.Name))
                        Add(column.Name, column.Type, annotations._getters[column.Index], column.Annotations);
                }
            }

            public Annotations ToAnnotations() =>
                new(new DataViewSchema(_items.Select(i => i.Column)), _items.Select(i => i.Getter).ToArray());
        }
    }
}
