namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// The order of the extracted planes (ML.NET's values). Each extracted channel takes the next plane in the order named; channels not
/// extracted are skipped, so RGB with <see cref="ARGB"/> gives R, G, B.
/// </summary>
public enum ColorsOrder : byte
{
    ARGB = 1,
    ARBG = 2,
    ABRG = 3,
    ABGR = 4,
    AGRB = 5,
    AGBR = 6,
}
