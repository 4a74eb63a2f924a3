namespace Microsoft.ML.Attribution.Data;

/// <summary>Something that can write itself into a model file (see <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/>).</summary>
public interface ICanSaveModel
{
    /// <summary>
    /// Writes what is needed to rebuild this object: <see cref="ModelSaveContext.SetKind"/> with the kind a
    /// <see cref="LoadableTransformerAttribute"/> (or <see cref="ModelOperationsCatalog.RegisterLoader"/>) maps back to a loader, then properties.
    /// </summary>
    void Save(ModelSaveContext ctx);
}
