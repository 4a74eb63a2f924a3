using System.Text.Json.Nodes;
using Microsoft.ML.Attribution.Transforms;

namespace Microsoft.ML.Attribution.Persistence;

/// <summary>Rebuilds our transformers from their saved kind and options (the one place that knows every kind).</summary>
internal static class PersistentTransformers
{
    public static ITransformer Load(string kind, JsonObject options, ModelArchiveReader archive) => kind switch
    {
        ExplainTransformer.PersistedKind => ExplainTransformer.Load(options, archive),
        PointingGameTransformer.PersistedKind => PointingGameTransformer.Load(options),
        HeatmapTransformer.PersistedKind => HeatmapTransformer.Load(options),
        PixelNormalizingTransformer.PersistedKind => PixelNormalizingTransformer.Load(options),
        _ => throw archive.Corrupt($"it holds a transformer of unknown kind '{kind}' (saved by a newer version of Microsoft.ML.Attribution?)"),
    };
}
