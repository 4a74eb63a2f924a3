using System.Text.Json;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Maps;
using Microsoft.ML.Attribution.Onnx;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tests.Methods;

/// <summary>
/// The trained shapes CNN and the outputs Captum, Zennit and pytorch-grad-cam computed on it
/// (fixtures/peer-small, copied from the shared reference; every parameter is in results.json).
/// </summary>
internal sealed class PeerReference : IDisposable
{
    public PeerReference()
    {
        Network = OnnxImporter.Load(MethodFixtures.Fixture("peer-small", "small.onnx"));
        Inputs = Npy.Load(MethodFixtures.Fixture("peer-small", "inputs.npy"));
        using Tensor targets = Npy.Load(MethodFixtures.Fixture("peer-small", "targets.npy"));
        Targets = targets.ToArray<long>();
        Results = JsonDocument.Parse(File.ReadAllText(MethodFixtures.Fixture("peer-small", "results.json")));
    }

    public Network Network { get; }

    public Tensor Inputs { get; }

    public long[] Targets { get; }

    public JsonDocument Results { get; }

    public static Tensor Load(string file) => Npy.Load(MethodFixtures.Fixture("peer-small", file));

    public JsonElement Method(string name) => Results.RootElement.GetProperty("methods").GetProperty(name);

    public double Number(string name) => Results.RootElement.GetProperty(name).GetDouble();

    public void Dispose()
    {
        Network.Dispose();
        Inputs.Dispose();
        Results.Dispose();
    }
}
