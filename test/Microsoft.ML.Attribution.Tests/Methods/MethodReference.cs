using System.Text.Json;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>
/// Maps the Debian-torch reference (tools/make_method_references.py, written from methods.md and the papers) computed
/// on the peer-small model for the methods no peer library has: RectGrad, Occlusion, RISE, EBP, c-MWP.
/// </summary>
internal static class MethodReference
{
    public static Tensor Load(string name) => Npy.Load(MethodFixtures.Fixture("method-reference", name + ".npy"));

    /// <summary>A string parameter the script recorded for <paramref name="method"/> (e.g. a layer name).</summary>
    public static string Parameter(string method, string key)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(MethodFixtures.Fixture("method-reference", "reference.json")));
        return json.RootElement.GetProperty("methods").GetProperty(method).GetProperty(key).GetString()!;
    }
}
