using Microsoft.ML.Attribution.Graph.Layers;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Graph;

/// <summary>
/// Forward passes of many copies of one image, each differing from it only inside one box (occlusion windows). Every
/// value is held as the image's own value plus, per copy, the box of it that the difference reaches: convolutions,
/// pools and element-wise layers recompute just that box (from the image's values around it). Once a box covers
/// <see cref="SwitchFraction"/> of its map, or a layer needs the whole map (pooling to a vector, reshapes, concat), the
/// copies are materialized and the rest of the network runs as a normal batch. The scores equal full forwards of the
/// copies up to float rounding; the work saved is the unreached part of the early, high-resolution layers.
/// </summary>
public sealed class PatchedForward : IDisposable
{
    private readonly Network _network;
    private readonly Dictionary<string, Tensor> _base;
    private readonly string _input;

    /// <param name="network">A single-input network on images [N, C, H, W].</param>
    /// <param name="image">The unperturbed image, [1, C, H, W].</param>
    public PatchedForward(Network network, Tensor image)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(image);
        if (network.Inputs.Count != 1) throw new ArgumentException("Patched forwards need a single-input network.", nameof(network));
        if (image.Dimensions != 4 || image.shape[0] != 1) throw new ArgumentException($"The image must be [1, C, H, W], got {image.Describe()}.", nameof(image));
        _network = network;
        _input = network.Inputs[0].Name;
        _base = network.ForwardAll(image);
        foreach (Tensor t in _base.Values) t.DetachFromDisposeScope();
    }

    /// <summary>The fraction of a map a box may cover before the copies are materialized (recomputing more saves little).</summary>
    public double SwitchFraction { get; init; } = 0.5;

    /// <summary>How many layers the last call ran on boxes only (a diagnostic).</summary>
    public int LastPatchedLayers { get; private set; }

    /// <summary>
    /// The pre-softmax scores [W, classes] of W copies of the image: copy w has <paramref name="patches"/>[w] ([C, h, w]) in
    /// place of its rows tops[w]… and columns lefts[w]….
    /// </summary>
    public Tensor Logits(Tensor patches, long[] tops, long[] lefts)
    {
        ArgumentNullException.ThrowIfNull(patches);
        Tensor image = _base[_input];
        long copies = tops.Length;
        if (patches.Dimensions != 4 || patches.shape[0] != copies || lefts.Length != copies || patches.shape[1] != image.shape[1]
            || patches.shape[2] > image.shape[2] || patches.shape[3] > image.shape[3])
            throw new ArgumentException($"Patches must be [{copies}, {image.shape[1]}, h ≤ {image.shape[2]}, w ≤ {image.shape[3]}] with one top and left each, got {patches.Describe()}.", nameof(patches));
        for (int w = 0; w < copies; w++)
            if (tops[w] < 0 || lefts[w] < 0 || tops[w] + patches.shape[2] > image.shape[2] || lefts[w] + patches.shape[3] > image.shape[3])
                throw new ArgumentException($"Patch {w} at ({tops[w]}, {lefts[w]}) does not fit the {image.shape[2]}×{image.shape[3]} image.", nameof(tops));

        using var scope = NewDisposeScope();
        var boxes = new Dictionary<string, Box> { [_input] = new Box(patches, tops, lefts) };
        IReadOnlyList<Layer> layers = _network.Layers;
        int next = 0;
        while (next < layers.Count)
        {
            Layer layer = layers[next];
            Box? box = Propagate(layer, boxes);
            if (box is null) break;
            boxes[layer.Output] = box;
            next++;
            long[] full = _base[layer.Output].shape;
            if (box.Values.shape[2] * box.Values.shape[3] >= SwitchFraction * full[2] * full[3]) break;
        }
        LastPatchedLayers = next;

        string logits = _network.LogitsName;
        if (boxes.TryGetValue(logits, out Box? done)) return Materialize(logits, done).MoveToOuterDisposeScope();
        var values = new Dictionary<string, Tensor>();
        foreach (var (name, box) in boxes)
            if (_network.LastReaderOf(name) >= next) values[name] = Materialize(name, box);
        if (!values.ContainsKey(_input)) values[_input] = image.expand(copies, image.shape[1], image.shape[2], image.shape[3]);
        Dictionary<string, Tensor> result = _network.ForwardFrom(values, next, [logits]);
        return result[logits].MoveToOuterDisposeScope();
    }

    /// <summary>Per copy, a box [C, h, w] of a value at (tops[w], lefts[w]); outside it the copy equals the image's value.</summary>
    private sealed record Box(Tensor Values, long[] Tops, long[] Lefts)
    {
        public long Height => Values.shape[2];

        public long Width => Values.shape[3];
    }

    /// <summary>The layer's output box, or null when the layer needs whole maps (or has no box rule).</summary>
    private Box? Propagate(Layer layer, Dictionary<string, Box> boxes)
    {
        Box? Input(int k) => boxes.TryGetValue(layer.Inputs[k], out Box? b) ? b : null;
        switch (layer)
        {
            case Conv2d conv when Input(0) is { } x:
                return Windowed(layer, x, conv.Weight.shape[2..], conv.Stride, conv.Dilation, conv.Padding, 0,
                    crops => F.conv2d(crops, conv.Weight, conv.Bias, conv.Stride, null, conv.Dilation, conv.Groups));
            case MaxPool2d pool when Input(0) is { } x:
                return Windowed(layer, x, pool.Kernel, pool.Stride, pool.Dilation, pool.Padding, double.NegativeInfinity,
                    crops => F.max_pool2d(crops, pool.Kernel, pool.Stride, null, pool.Dilation, false));
            case AvgPool2d pool when pool.Padding.All(p => p == 0) && !pool.CeilMode && Input(0) is { } x: // a ceil-mode border window divides by fewer cells
                return Windowed(layer, x, pool.Kernel, pool.Stride, [1, 1], pool.Padding, 0,
                    crops => F.avg_pool2d(crops, pool.Kernel, pool.Stride, null, false, pool.CountIncludePad));
            case Relu or BatchNorm or Clip or LeakyRelu or Sigmoid when Input(0) is { } x:
                return x with { Values = layer.Forward([x.Values], null) };
            case Arithmetic:
                return Elementwise(layer, Input(0), Input(1));
            default:
                return null;
        }
    }

    /// <summary>
    /// A sliding-window layer (convolution, pooling) on boxes: the outputs whose windows meet the input box, computed from
    /// crops of the padded image value with the copy's box pasted in, all copies in one batch.
    /// </summary>
    private Box Windowed(Layer layer, Box input, long[] kernel, long[] stride, long[] dilation, long[] padding, double fill,
        Func<Tensor, Tensor> compute)
    {
        long[] output = _base[layer.Output].shape;
        var (rowStarts, rowCount, rowCrop) = OutputSpan(input.Tops, input.Height, output[2], kernel[0], stride[0], dilation[0], padding[0]);
        var (colStarts, colCount, colCrop) = OutputSpan(input.Lefts, input.Width, output[3], kernel[1], stride[1], dilation[1], padding[1]);
        var crops = new Tensor[input.Tops.Length];
        for (int w = 0; w < crops.Length; w++)
        {
            // The window span in the image value's own coordinates; what lies outside it is the layer's padding.
            long top = rowStarts[w] * stride[0] - padding[0], left = colStarts[w] * stride[1] - padding[1];
            crops[w] = Crop(layer.Inputs[0], top, rowCrop, left, colCrop, fill);
            Paste(crops[w], input.Values.narrow(0, w, 1), input.Tops[w] - top, input.Lefts[w] - left);
        }
        Tensor values = compute(cat(crops, 0));
        if (values.shape[2] != rowCount || values.shape[3] != colCount)
            throw new InvalidOperationException($"Internal: layer '{layer.Name}' gave a {values.shape[2]}×{values.shape[3]} box, expected {rowCount}×{colCount}.");
        return new Box(values, rowStarts, colStarts);
    }

    /// <summary>
    /// Along one axis: the first output each copy's input box [start, start + size) reaches, one common output count
    /// (the largest any copy needs, boxes shifted to stay inside), and the input span those outputs read.
    /// </summary>
    private static (long[] starts, long count, long crop) OutputSpan(long[] inputStarts, long size, long outputs, long kernel, long stride,
        long dilation, long padBefore)
    {
        long span = (kernel - 1) * dilation + 1;
        var first = new long[inputStarts.Length];
        long count = 1;
        for (int w = 0; w < first.Length; w++)
        {
            long lo = Math.Max(0, CeilDiv(inputStarts[w] - span + 1 + padBefore, stride));
            long hi = Math.Min(outputs - 1, FloorDiv(inputStarts[w] + size - 1 + padBefore, stride));
            first[w] = lo;
            count = Math.Max(count, hi - lo + 1);
        }
        count = Math.Min(count, outputs);
        for (int w = 0; w < first.Length; w++) first[w] = Math.Clamp(first[w], 0, outputs - count);
        return (first, count, (count - 1) * stride + span);
    }

    /// <summary>Add/Sub/Mul/Div of two boxed values (on the union of their boxes) or of a boxed value and a per-channel constant.</summary>
    private Box? Elementwise(Layer layer, Box? left, Box? right)
    {
        var op = (Arithmetic)layer;
        Tensor Apply(Tensor a, Tensor b) => op.Forward([a, b], null);
        if (left is not null && right is not null)
        {
            long[] full = _base[layer.Output].shape;
            if (!_base[layer.Inputs[0]].shape.SequenceEqual(full) || !_base[layer.Inputs[1]].shape.SequenceEqual(full)) return null;
            var (tops, height) = Union(left.Tops, left.Height, right.Tops, right.Height, full[2]);
            var (lefts, width) = Union(left.Lefts, left.Width, right.Lefts, right.Width, full[3]);
            return new Box(Apply(Region(layer.Inputs[0], left, tops, lefts, height, width), Region(layer.Inputs[1], right, tops, lefts, height, width)), tops, lefts);
        }
        // x ∘ c with a constant c that does not vary over the map (x − mean, x · scale).
        Box? boxed = left ?? right;
        string other = left is null ? layer.Inputs[0] : layer.Inputs[1];
        if (boxed is null || !_network.IsConstant(other)) return null;
        Tensor constant = _network.Constants[other];
        // Broadcasting aligns trailing dimensions: only a scalar or a shape ending in 1×1 is constant over the map.
        bool overChannels = constant.numel() == 1 || constant.Dimensions >= 3 && constant.shape[^1] == 1 && constant.shape[^2] == 1;
        if (!overChannels) return null;
        return boxed with { Values = left is null ? Apply(constant, boxed.Values) : Apply(boxed.Values, constant) };
    }

    /// <summary>Per copy, the smallest common-size box holding both boxes, kept inside a map of <paramref name="extent"/>.</summary>
    private static (long[] starts, long size) Union(long[] a, long aSize, long[] b, long bSize, long extent)
    {
        var starts = new long[a.Length];
        long size = 1;
        for (int w = 0; w < a.Length; w++)
        {
            starts[w] = Math.Min(a[w], b[w]);
            size = Math.Max(size, Math.Max(a[w] + aSize, b[w] + bSize) - starts[w]);
        }
        size = Math.Min(size, extent);
        for (int w = 0; w < a.Length; w++) starts[w] = Math.Clamp(starts[w], 0, extent - size);
        return (starts, size);
    }

    /// <summary>Each copy's value on the region (tops, lefts, height, width): the image's value with the copy's box pasted in.</summary>
    private Tensor Region(string value, Box box, long[] tops, long[] lefts, long height, long width)
    {
        Tensor image = _base[value];
        var regions = new Tensor[tops.Length];
        for (int w = 0; w < regions.Length; w++)
        {
            regions[w] = image.narrow(2, tops[w], height).narrow(3, lefts[w], width).clone();
            Paste(regions[w], box.Values.narrow(0, w, 1), box.Tops[w] - tops[w], box.Lefts[w] - lefts[w]);
        }
        return cat(regions, 0);
    }

    /// <summary>The copies in full: the image's value with each copy's box pasted in.</summary>
    private Tensor Materialize(string value, Box box)
    {
        long[] shape = _base[value].shape;
        var origin = new long[box.Tops.Length];
        return Region(value, box, origin, origin, shape[2], shape[3]);
    }

    /// <summary>Copies <paramref name="patch"/> into <paramref name="target"/> at (top, left), clipped to the target.</summary>
    private static void Paste(Tensor target, Tensor patch, long top, long left)
    {
        long r0 = Math.Max(0, top), c0 = Math.Max(0, left);
        long r1 = Math.Min(target.shape[2], top + patch.shape[2]), c1 = Math.Min(target.shape[3], left + patch.shape[3]);
        if (r1 <= r0 || c1 <= c0) return;
        using Tensor destination = target.narrow(2, r0, r1 - r0).narrow(3, c0, c1 - c0);
        using Tensor source = patch.narrow(2, r0 - top, r1 - r0).narrow(3, c0 - left, c1 - c0);
        destination.copy_(source);
    }

    /// <summary>
    /// A copy of the image's value over rows [top, top + rows) and columns [left, left + columns), which may reach past the
    /// map (padding, or a ceil-mode pool's last window): those cells take <paramref name="fill"/>.
    /// </summary>
    private Tensor Crop(string value, long top, long rows, long left, long columns, double fill)
    {
        Tensor image = _base[value];
        long height = image.shape[2], width = image.shape[3];
        long r0 = Math.Clamp(top, 0, height), r1 = Math.Clamp(top + rows, 0, height);
        long c0 = Math.Clamp(left, 0, width), c1 = Math.Clamp(left + columns, 0, width);
        long[] pads = [c0 - left, left + columns - c1, r0 - top, top + rows - r1];
        if (r1 <= r0 || c1 <= c0) return HeldScalars.Filled([image.shape[0], image.shape[1], rows, columns], fill, image.dtype, image.device);
        using Tensor inside = image.narrow(2, r0, r1 - r0).narrow(3, c0, c1 - c0);
        return pads.All(p => p == 0) ? inside.clone() : F.pad(inside, pads, value: fill);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    public void Dispose()
    {
        foreach (Tensor t in _base.Values) t.Dispose();
        _base.Clear();
    }
}
