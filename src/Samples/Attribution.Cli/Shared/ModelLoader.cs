using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Attribution.Cli.Shared;

/// <summary>Imports the --model file with a one-line error for the usual mistakes.</summary>
internal static class ModelLoader
{
    /// <summary>Imports the model and moves its weights to <paramref name="device"/> once (the CPU when null).</summary>
    public static Network Load(string path, ComputeDevice? device = null)
    {
        if (!File.Exists(path))
            throw new CliUsageException($"--model '{path}' does not exist.");
        try
        {
            Network network = OnnxImporter.Load(path);
            if (device is null || device == network.Device)
                return network;
            using (network)
                return network.To(device.Value);
        }
        catch (OnnxImportException e)
        {
            throw new CliUsageException($"Cannot import '{path}': {e.Message}");
        }
    }

    /// <summary>The model's fixed input height (= width) or 0 when it is not fixed or not square.</summary>
    public static int InputSize(Network network)
    {
        long[] shape = network.Inputs[0].Shape;
        return shape.Length == 3 && shape[1] > 0 && shape[1] == shape[2] ? (int)shape[1] : 0;
    }

    /// <summary>The number of classes the model scores, or 0 if unknown.</summary>
    public static int ClassCount(Network network) => (int)(network.ProducerOf(network.LogitsName)?.OutputShape.FirstOrDefault() ?? 0);
}
