namespace Microsoft.ML.Attribution.Data;

/// <summary>A forward-only, single-threaded cursor over the rows of a data view.</summary>
public abstract class DataViewRowCursor : DataViewRow
{
    /// <summary>Advances to the next row; returns false (and sets <see cref="DataViewRow.Position"/> to -1) at the end.</summary>
    public abstract bool MoveNext();
}
