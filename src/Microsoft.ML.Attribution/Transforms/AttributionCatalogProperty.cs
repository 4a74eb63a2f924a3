namespace Microsoft.ML.Attribution.Transforms;

/// <summary>
/// <c>mlContext.Transforms.Attribution</c>, for readers who like to see where a transform comes from:
/// <c>mlContext.Transforms.Attribution.Dmbp(…)</c> is <c>mlContext.Transforms.Dmbp(…)</c>. ML.NET's sub-catalogs have internal
/// constructors, so the property is the same catalog, on which <see cref="AttributionCatalog"/>'s extension methods hang.
/// </summary>
public static class AttributionCatalogProperty
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>The transforms catalog itself, named for the attribution transforms (Explain, Dmbp, Rsp, Clrp, Sglrp, PointingGame, Heatmap, NormalizePixels).</summary>
        public TransformsCatalog Attribution => catalog;
    }
}
