namespace Microsoft.ML.Attribution.Data;

public sealed partial class SchemaShape
{
    /// <summary>
    /// The data-free description of one column. The constructor is public (ML.NET's is internal, which blocks third-party estimators).
    /// </summary>
    public readonly struct Column
    {
        /// <summary>Whether a column is a scalar, a vector of known size, or a vector of unknown size.</summary>
        public enum VectorKind
        {
            Scalar,
            Vector,
            VariableVector,
        }

        public readonly string Name;

        public readonly VectorKind Kind;

        /// <summary>The scalar item type: never a vector, and for keys the underlying number type.</summary>
        public readonly DataViewType ItemType;

        public readonly bool IsKey;

        /// <summary>The shapes of the column's annotations (only their names and types).</summary>
        public readonly SchemaShape Annotations;

        public Column(string name, VectorKind vecKind, DataViewType itemType, bool isKey, SchemaShape? annotations = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(itemType);
            if (itemType is KeyDataViewType)
                throw new ArgumentException("Item type cannot be a key: pass its number type and isKey: true.", nameof(itemType));
            if (itemType is VectorDataViewType)
                throw new ArgumentException("Item type cannot be a vector: pass its item type and a vector kind.", nameof(itemType));
            if (isKey && !KeyDataViewType.IsValidDataType(itemType.RawType))
                throw new ArgumentException($"The item type must be valid for a key, got {itemType}.", nameof(itemType));
            Name = name;
            Kind = vecKind;
            ItemType = itemType;
            IsKey = isKey;
            Annotations = annotations ?? new SchemaShape(Array.Empty<Column>());
        }

        internal bool IsValid => Name is not null;

        /// <summary>Whether a column of shape <paramref name="source"/> can be used where this shape is expected (same kind, key-ness and item type, and this column's annotations present).</summary>
        public bool IsCompatibleWith(Column source)
        {
            if (Name != source.Name || Kind != source.Kind || IsKey != source.IsKey || !ItemType.Equals(source.ItemType))
                return false;
            foreach (Column annotation in Annotations)
            {
                if (!source.Annotations.TryFindColumn(annotation.Name, out Column actual) || !annotation.IsCompatibleWith(actual))
                    return false;
            }
            return true;
        }

        /// <summary>"Single", "Vector&lt;Single&gt;", "VarVector&lt;Single&gt;", "Key&lt;UInt32&gt;" and so on.</summary>
        public string GetTypeString()
        {
            string item = IsKey ? $"Key<{ItemType}>" : ItemType.ToString()!;
            return Kind switch
            {
                VectorKind.Vector => $"Vector<{item}>",
                VectorKind.VariableVector => $"VarVector<{item}>",
                _ => item,
            };
        }

        public override string ToString() => $"{Name}: {GetTypeString()}";
    }
}
