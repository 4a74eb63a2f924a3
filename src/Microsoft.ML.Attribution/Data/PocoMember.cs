using System.Linq.Expressions;
using System.Reflection;

namespace Microsoft.ML.Attribution.Data;

/// <summary>A public field or property of a row class that maps to a column, with the column name and type it implies.</summary>
internal sealed class PocoMember
{
    private PocoMember(MemberInfo member, Type memberType, string columnName, PocoMemberKind kind, Type itemType, DataViewType naturalType)
    {
        Member = member;
        MemberType = memberType;
        ColumnName = columnName;
        Kind = kind;
        ItemType = itemType;
        NaturalType = naturalType;
    }

    public MemberInfo Member { get; }

    public Type MemberType { get; }

    public string ColumnName { get; }

    public PocoMemberKind Kind { get; }

    /// <summary>The item raw type for vectors; the member's raw value type for scalars.</summary>
    public Type ItemType { get; }

    /// <summary>The column type a view built from this member has.</summary>
    public DataViewType NaturalType { get; }

    /// <summary>The raw type of a column this member can be read from.</summary>
    public Type ColumnRawType => NaturalType.RawType;

    public bool CanRead => Member is FieldInfo || (Member is PropertyInfo p && p.GetMethod is { IsPublic: true });

    public bool CanWrite => Member is FieldInfo { IsInitOnly: false, IsLiteral: false } || (Member is PropertyInfo p && p.SetMethod is { IsPublic: true });

    /// <summary>The mapped members of <paramref name="rowType"/>: public instance fields, then properties, in declaration order.</summary>
    public static IReadOnlyList<PocoMember> Discover(Type rowType, bool forWriting)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
        IEnumerable<MemberInfo> fields = rowType.GetFields(flags).OrderBy(f => f.MetadataToken);
        IEnumerable<MemberInfo> properties = rowType.GetProperties(flags).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.MetadataToken);
        var members = new List<PocoMember>();
        foreach (MemberInfo info in fields.Concat(properties))
        {
            if (info.IsDefined(typeof(NoColumnAttribute), inherit: true))
                continue;
            PocoMember member = Create(rowType, info);
            if (forWriting ? member.CanWrite : member.CanRead)
                members.Add(member);
        }
        return members;
    }

    public Func<TRow, TMember> CompileGetter<TRow, TMember>()
    {
        ParameterExpression row = Expression.Parameter(typeof(TRow), "row");
        return Expression.Lambda<Func<TRow, TMember>>(Expression.MakeMemberAccess(row, Member), row).Compile();
    }

    public Action<TRow, TMember> CompileSetter<TRow, TMember>()
    {
        ParameterExpression row = Expression.Parameter(typeof(TRow), "row");
        ParameterExpression value = Expression.Parameter(typeof(TMember), "value");
        return Expression.Lambda<Action<TRow, TMember>>(Expression.Assign(Expression.MakeMemberAccess(row, Member), value), row, value).Compile();
    }

    private static PocoMember Create(Type rowType, MemberInfo info)
    {
        Type memberType = info is FieldInfo f ? f.FieldType : ((PropertyInfo)info).PropertyType;
        string columnName = info.GetCustomAttribute<ColumnNameAttribute>(inherit: true)?.Name ?? info.Name;
        var vectorType = info.GetCustomAttribute<VectorTypeAttribute>(inherit: true);
        var typeAttribute = info.GetCustomAttribute<DataViewTypeAttribute>(inherit: true);
        string where = $"member '{info.Name}' of '{rowType.Name}'";

        if (typeAttribute is not null)
        {
            DataViewType type = typeAttribute.GetDataViewType(memberType);
            if (type.RawType != memberType)
                throw Unsupported(where, memberType, $"{typeAttribute.GetType().Name} gives {type}, whose values are {DataViewErrors.TypeName(type.RawType)}");
            return new PocoMember(info, memberType, columnName, PocoMemberKind.Scalar, memberType, type);
        }

        if (memberType.IsArray && memberType.GetArrayRank() == 1 || memberType.IsGenericType && memberType.GetGenericTypeDefinition() == typeof(VBuffer<>))
        {
            bool isArray = memberType.IsArray;
            Type item = isArray ? memberType.GetElementType()! : memberType.GetGenericArguments()[0];
            bool isString = isArray && item == typeof(string);
            PrimitiveDataViewType itemType = (isString ? TextDataViewType.Instance : ScalarType(item))
                ?? throw Unsupported(where, memberType, "vector items must be numbers, Boolean or text");
            int[] dims = vectorType is null || vectorType.Dimensions.Length == 0 ? [0] : vectorType.Dimensions;
            PocoMemberKind kind = isString ? PocoMemberKind.StringArray : isArray ? PocoMemberKind.Array : PocoMemberKind.VBuffer;
            return new PocoMember(info, memberType, columnName, kind, isString ? typeof(ReadOnlyMemory<char>) : item, new VectorDataViewType(itemType, dims));
        }

        if (vectorType is not null)
            throw Unsupported(where, memberType, "[VectorType] needs an array or VBuffer member");
        if (memberType == typeof(string))
            return new PocoMember(info, memberType, columnName, PocoMemberKind.String, typeof(ReadOnlyMemory<char>), TextDataViewType.Instance);
        PrimitiveDataViewType scalar = ScalarType(memberType) ?? throw Unsupported(where, memberType,
            "supported are numbers, Boolean, String, ReadOnlyMemory<char>, DataViewRowId, arrays or VBuffers of those, or a DataViewTypeAttribute");
        return new PocoMember(info, memberType, columnName, PocoMemberKind.Scalar, memberType, scalar);
    }

    private static PrimitiveDataViewType? ScalarType(Type type) =>
        type == typeof(bool) ? BooleanDataViewType.Instance
        : type == typeof(ReadOnlyMemory<char>) ? TextDataViewType.Instance
        : type == typeof(DataViewRowId) ? RowIdDataViewType.Instance
        : NumberDataViewType.FromRawType(type);

    private static ArgumentOutOfRangeException Unsupported(string where, Type memberType, string why) =>
        new("TRow", $"Cannot map {where} of type {DataViewErrors.TypeName(memberType)} to a column: {why}.");
}
