using System.ComponentModel;

namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Where transforms are found: each feature adds extension methods in a static <c>XxxCatalog</c> class, output column first, e.g.
/// <c>public static FooEstimator DoFoo(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null)</c>.
/// </summary>
public sealed class TransformsCatalog
{
    internal TransformsCatalog(AttributionContext context) => Context = context;

    /// <summary>
    /// The owning context, for extension methods in other assemblies (ML.NET keeps the equivalent internal, which only its own packages can
    /// reach). Hidden from IntelliSense because pipelines have no use for it.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public AttributionContext Context { get; }
}
