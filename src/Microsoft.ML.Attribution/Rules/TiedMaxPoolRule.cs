using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Rules;

/// <summary>
/// Winner-take-all through a max pool, with the relevance of a window split equally among all positions that tie for
/// its maximum (the CLRP reference code's max-pool rule, methods.md §3.2). Without ties it equals routing to the
/// recorded argmax; overlapping windows accumulate.
/// </summary>
public sealed class TiedMaxPoolRule : IRule
{
    public static TiedMaxPoolRule Instance { get; } = new();

    public string Name => "tied-max-pool";

    public bool AppliesTo(Layer layer) => layer is MaxPool2d;

    public Tensor[] Backward(LayerTrace trace, Tensor relevance)
    {
        var pool = (MaxPool2d)trace.Layer;
        using var scope = NewDisposeScope();
        Tensor x = trace.Input, y = trace.Output;
        long height = x.shape[2], width = x.shape[3], outHeight = y.shape[2], outWidth = y.shape[3];
        // Pad with −∞ so padded cells never tie; extra cells at the end cover ceil-mode windows.
        long needHeight = (outHeight - 1) * pool.Stride[0] + (pool.Kernel[0] - 1) * pool.Dilation[0] + 1;
        long needWidth = (outWidth - 1) * pool.Stride[1] + (pool.Kernel[1] - 1) * pool.Dilation[1] + 1;
        long bottom = Math.Max(pool.Padding[2], needHeight - height - pool.Padding[0]);
        long right = Math.Max(pool.Padding[3], needWidth - width - pool.Padding[1]);
        Tensor padded = F.pad(x, [pool.Padding[1], right, pool.Padding[0], bottom], value: double.NegativeInfinity);

        // Window (u, v) reads padded[stride·u + dilation·i, stride·v + dilation·j] for kernel offset (i, j).
        var ties = new List<(Tensor tie, long top, long left)>();
        Tensor count = zeros_like(y);
        for (long i = 0; i < pool.Kernel[0]; i++)
            for (long j = 0; j < pool.Kernel[1]; j++)
            {
                long top = i * pool.Dilation[0], left = j * pool.Dilation[1];
                Tensor cells = Window(padded, top, left, outHeight, outWidth, pool.Stride);
                Tensor tie = cells.eq(y).to(relevance.dtype);
                count = count.Plus(tie);
                ties.Add((tie, top, left));
            }
        Tensor share = Stabilizer.SafeDivide(relevance, count);
        Tensor result = zeros_like(padded, relevance.dtype);
        foreach (var (tie, top, left) in ties)
        {
            Tensor target = Window(result, top, left, outHeight, outWidth, pool.Stride);
            target.PlusInPlace(share * tie); // a strided view: adds into result in place
        }
        Tensor cropped = result.slice(2, pool.Padding[0], pool.Padding[0] + height, 1).slice(3, pool.Padding[1], pool.Padding[1] + width, 1);
        return [cropped.contiguous().MoveToOuterDisposeScope()];
    }

    private static Tensor Window(Tensor t, long top, long left, long outHeight, long outWidth, long[] stride) =>
        t.slice(2, top, top + (outHeight - 1) * stride[0] + 1, stride[0]).slice(3, left, left + (outWidth - 1) * stride[1] + 1, stride[1]);
}
