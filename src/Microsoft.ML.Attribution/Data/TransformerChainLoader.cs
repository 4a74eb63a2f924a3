using System.Text.Json.Nodes;

namespace Microsoft.ML.Attribution.Data;

/// <summary>Rebuilds a saved <see cref="TransformerChain{TLastTransformer}"/> (a generic class cannot carry the loader itself).</summary>
[LoadableTransformer(Kind)]
internal static class TransformerChainLoader
{
    public const string Kind = "TransformerChain";

    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1);
        JsonArray steps = ctx.Properties["steps"] as JsonArray ?? throw new InvalidDataException("A saved TransformerChain has no \"steps\" array.");
        var transformers = new List<ITransformer>();
        var scopes = new List<TransformerScope>();
        try
        {
            foreach (JsonNode? step in steps)
            {
                if (step is null)
                    throw new InvalidDataException("A saved TransformerChain has a null step.");
                transformers.Add(ctx.LoadNested(step));
                string scope = (string?)step["scope"] ?? nameof(TransformerScope.Everything);
                scopes.Add(Enum.TryParse(scope, out TransformerScope parsed) ? parsed : throw new InvalidDataException($"Unknown transformer scope '{scope}'."));
            }
        }
        catch
        {
            // Steps loaded so far may hold native resources (networks).
            foreach (ITransformer loaded in transformers)
                (loaded as IDisposable)?.Dispose();
            throw;
        }
        return new TransformerChain<ITransformer>(transformers, scopes);
    }
}
