using System.Text.Json.Nodes;

namespace Microsoft.ML.Attribution.Persistence;

/// <summary>A transformer of ours that <see cref="AttributionModelCatalog.SaveWithAttribution"/> can write: its kind and its options.</summary>
internal interface IPersistentTransformer
{
    /// <summary>The name <see cref="PersistentTransformers.Load"/> rebuilds it by.</summary>
    string Kind { get; }

    /// <summary>The options that rebuild it; files it needs (ONNX models) go into <paramref name="archive"/>.</summary>
    JsonObject Describe(ModelArchiveWriter archive);
}
