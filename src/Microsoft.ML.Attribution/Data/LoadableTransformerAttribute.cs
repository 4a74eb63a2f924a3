namespace Microsoft.ML.Attribution.Data;

/// <summary>
/// Marks a transformer class that model files can rebuild: <see cref="Kind"/> is the name its <see cref="ICanSaveModel.Save"/> writes, and the
/// class must have <c>public static ITransformer Load(ModelLoadContext ctx)</c> (found by reflection, as ML.NET's <c>LoadableClass</c> is).
/// Classes in other assemblies register with <see cref="ModelOperationsCatalog.RegisterLoader"/> instead.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LoadableTransformerAttribute : Attribute
{
    public LoadableTransformerAttribute(string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        Kind = kind;
    }

    public string Kind { get; }
}
