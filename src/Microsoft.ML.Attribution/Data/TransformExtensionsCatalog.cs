namespace Microsoft.ML.Attribution.Data;

/// <summary>General-purpose transforms on <see cref="TransformsCatalog"/>.</summary>
public static class TransformExtensionsCatalog
{
    /// <summary>
    /// Copies <paramref name="inputColumnName"/> to a new column <paramref name="outputColumnName"/>. If the output name already exists,
    /// the earlier column becomes hidden.
    /// </summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ColumnCopyingEstimator(outputColumnName, inputColumnName);
    }
}
