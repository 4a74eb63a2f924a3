using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attribution.DataViews;

/// <summary>Typed-getter plumbing for code that only knows a column's type at run time.</summary>
internal static class GetterUtils
{
    private static readonly MethodInfo s_getGetter = typeof(GetterUtils).GetMethod(nameof(GetGetterTyped), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConcurrentDictionary<Type, Func<DataViewRow, DataViewSchema.Column, Delegate>> s_getters = new();

    /// <summary><c>row.GetGetter&lt;RawType&gt;(column)</c> as a <see cref="Delegate"/>.</summary>
    public static Delegate GetGetterAsDelegate(DataViewRow row, DataViewSchema.Column column)
    {
        Func<DataViewRow, DataViewSchema.Column, Delegate> get = s_getters.GetOrAdd(column.Type.RawType,
            static t => s_getGetter.MakeGenericMethod(t).CreateDelegate<Func<DataViewRow, DataViewSchema.Column, Delegate>>());
        return get(row, column);
    }

    /// <summary>Throws unless <paramref name="row"/> may serve <typeparamref name="TValue"/> getters for <paramref name="column"/>.</summary>
    public static void CheckGetterRequest<TValue>(DataViewRow row, DataViewSchema.Column column)
    {
        if (!row.Schema.Owns(column))
            throw DataViewErrors.ForeignColumn(column);
        if (!row.IsColumnActive(column))
            throw DataViewErrors.InactiveColumn(column);
        if (typeof(TValue) != column.Type.RawType)
            throw DataViewErrors.GetterTypeMismatch(column, typeof(TValue));
    }

    /// <summary>The active flags for <paramref name="columnsNeeded"/>, which must all belong to <paramref name="schema"/>.</summary>
    public static bool[] GetActive(DataViewSchema schema, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[schema.Count];
        foreach (DataViewSchema.Column column in columnsNeeded)
        {
            if (!schema.Owns(column))
                throw DataViewErrors.ForeignColumn(column, nameof(columnsNeeded));
            active[column.Index] = true;
        }
        return active;
    }

    public static InvalidOperationException NoCurrentRow() =>
        new("The cursor has no current row: call MoveNext first (and only read while it returns true).");

    private static Delegate GetGetterTyped<TValue>(DataViewRow row, DataViewSchema.Column column) => row.GetGetter<TValue>(column);
}
