using System.Runtime.InteropServices;
using Microsoft.ML.Attribution.Graph;
using Microsoft.ML.Attribution.Graph.Layers;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Onnx;

/// <summary>
/// Turns one ONNX node into a layer (or a constant, or an alias), following each op's semantics per opset
/// (conventions §3.2): Conv/pool pad layouts and auto_pad, ONNX's stride default of 1 and count_include_pad
/// default of 0, the Softmax/Clip/Pad/Dropout opset splits.
/// </summary>
internal static class OnnxLayerFactory
{
    public static readonly IReadOnlyList<string> SupportedOps =
    [
        "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape", "Conv", "Div", "Dropout",
        "Flatten", "Gather", "Gemm", "GlobalAveragePool", "Identity", "LeakyRelu", "LogSoftmax", "MatMul", "MaxPool", "Mul", "Pad",
        "ReduceMean", "Relu", "Reshape", "Shape", "Sigmoid", "Slice", "Softmax", "Squeeze", "Sub", "Transpose", "Unsqueeze",
    ];

    public static void Convert(OnnxNode node, ImportState state)
    {
        switch (node.OpType)
        {
            case "Constant": state.Constants[node.Output] = Keep(ConstantFolding.ConstantValue(node, state)); return;
            case "Identity": Alias(node, state); return;
            case "Dropout": Dropout(node, state); return;
            case "Shape": ConstantFolding.Shape(node, state); return;
            case "Gather" or "Cast" or "Slice" or "ConstantOfShape":
                ConstantFolding.Fold(node, state);
                return;
            case "ReduceMean" when !state.IsConstant(node.Inputs[0]):
                SpatialMean(node, state);
                return;
            case "Squeeze" or "Unsqueeze":
                if (state.IsConstant(node.Inputs[0])) ConstantFolding.Fold(node, state);
                else AddLayer(node, state, SqueezeLike(node, state));
                return;
        }
        if (!SupportedOps.Contains(node.OpType))
            throw node.Error($"op '{node.OpType}' is not supported. Supported ops: {string.Join(", ", SupportedOps)}.");

        bool allConstant = node.Inputs.Where(i => i.Length > 0).All(state.IsConstant);
        state.Folding = allConstant;
        Layer layer = Create(node, state);
        state.Folding = false;
        if (allConstant)
        {
            // Evaluate at import: this value does not depend on the model input.
            Tensor[] args = layer.Inputs.Select(state.Sample).ToArray();
            state.Constants[node.Output] = Keep(layer.Forward(args, null));
            ConstantFolding.PropagateArithmeticFlags(node, state);
            layer.Dispose();
            return;
        }
        AddLayer(node, state, layer);
    }

    private static Tensor Keep(Tensor t) => t.DetachFromDisposeScope();

    private static void AddLayer(OnnxNode node, ImportState state, Layer layer)
    {
        Tensor[] args = layer.Inputs.Select(state.Sample).ToArray();
        Tensor sample;
        try
        {
            sample = layer.Forward(args, null);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException)
        {
            layer.Dispose();
            throw node.Error($"shape inference failed for inputs {string.Join(", ", args.Select(a => "[" + string.Join(",", a.shape) + "]"))}: {ErrorText.Of(e)}", e);
        }
        layer.Name = state.UniqueLayerName(layer.Name);
        layer.InputShapes = args.Select(a => a.shape.Skip(1).ToArray()).ToArray();
        layer.OutputShape = sample.shape.Skip(1).ToArray();
        state.Samples[layer.Output] = Keep(sample);
        state.Layers.Add(layer);
    }

    /// <summary>ReduceMean over H and W (x.mean((2, 3)) in PyTorch) is global average pooling, plus a reshape when keepdims=0.</summary>
    private static void SpatialMean(OnnxNode node, ImportState state)
    {
        long[] shape = state.Shape(node.Inputs[0]);
        long[] axes = (node.Opset < 18 ? node.Ints("axes") : state.OptionalConstant(node, 1) is { } a ? OnnxTensor.ToLongs(a) : null)
            ?? throw node.Error("reducing over all axes (including the batch) is not supported.");
        var normalized = axes.Select(x => x < 0 ? x + shape.Length : x).Order().ToArray();
        if (shape.Length != 4 || !normalized.SequenceEqual([2L, 3L]))
            throw node.Error($"only the spatial mean of a 4-D tensor (axes 2, 3) is supported, got axes [{string.Join(",", axes)}] of rank {shape.Length}.");
        bool keepDims = node.Int("keepdims", 1) != 0;
        string pooled = keepDims ? node.Output : node.Output + "/pooled";
        AddLayer(node, state, new AdaptiveAvgPool2d(node.Name, node.Inputs[0], pooled, [1, 1]));
        if (!keepDims) AddLayer(node, state, new Reshape(node.Name + "/squeeze", pooled, node.Output, [shape[1]], "Squeeze"));
    }

    private static void Alias(OnnxNode node, ImportState state)
    {
        if (!node.HasInput(0)) throw node.Error("has no input.");
        state.Aliases[node.Output] = node.Inputs[0];
    }

    private static void Dropout(OnnxNode node, ImportState state)
    {
        // Attribution explains the deployed model: dropout is the identity even in a training-mode export.
        bool training = node.Opset >= 12 && state.OptionalConstant(node, 2) is { } mode && OnnxTensor.ToDouble(mode) != 0;
        if (training || node.Opset < 7 && node.Int("is_test", 0) == 0)
            state.Warnings.Add($"Dropout '{node.Name}' is in training mode in the model; it is evaluated as the identity (inference).");
        Alias(node, state);
    }

    private static Layer Create(OnnxNode node, ImportState state)
    {
        string x = node.Inputs.Count > 0 ? node.Inputs[0] : throw node.Error("has no input.");
        string y = node.Output;
        string n = node.Name;
        switch (node.OpType)
        {
            case "Conv": return Conv(node, state);
            case "Relu": return new Relu(n, x, y);
            case "LeakyRelu": return new LeakyRelu(n, x, y, node.Float("alpha", 0.01f));
            case "Sigmoid": return new Sigmoid(n, x, y);
            case "Clip": return Clip(node, state);
            case "MaxPool":
                {
                    var (kernel, stride, padding, dilation) = Window(node, state);
                    if (node.Int("storage_order", 0) != 0 && node.Proto.Output.Count > 1) throw node.Error("storage_order=1 indices are not supported.");
                    return new MaxPool2d(n, x, y, kernel, stride, padding, dilation, node.Int("ceil_mode", 0) != 0);
                }
            case "AveragePool":
                {
                    var (kernel, stride, padding, dilation) = Window(node, state);
                    if (dilation.Any(d => d != 1)) throw node.Error("dilated average pooling is not supported.");
                    return new AvgPool2d(n, x, y, kernel, stride, padding, node.Int("ceil_mode", 0) != 0, node.Int("count_include_pad", 0) != 0);
                }
            case "GlobalAveragePool":
                if (state.Shape(x).Length != 4) throw node.Error($"only 4-D inputs are supported, got [{string.Join(",", state.Shape(x))}].");
                return new AdaptiveAvgPool2d(n, x, y, [1, 1]);
            case "BatchNormalization": return BatchNormalization(node, state);
            case "Gemm": return Gemm(node, state);
            case "MatMul": return MatMul(node, state);
            case "Add" or "Sub" or "Mul" or "Div":
                if (!node.HasInput(1)) throw node.Error("needs two inputs.");
                if (node.Opset < 7 && node.Int("broadcast", 0) != 0 && node.Has("axis"))
                    throw node.Error("uses the legacy (opset < 7) broadcast with an axis; re-export with opset ≥ 7.");
                return new Arithmetic(n, x, node.Inputs[1], y, Enum.Parse<ArithmeticOp>(node.OpType));
            case "Concat":
                {
                    if (!node.Has("axis")) throw node.Error("has no 'axis' attribute.");
                    long axis = node.Int("axis", 0);
                    var inputs = node.Inputs.Where(i => i.Length > 0).ToArray();
                    if (axis == 0 || axis == -state.Shape(x).Length) BatchAxis(node, state, "concatenates along the batch axis");
                    return new Concat(n, inputs, y, axis);
                }
            case "Flatten": return Flatten(node, state);
            case "Reshape": return Reshape(node, state);
            case "Transpose":
                {
                    long rank = state.Shape(x).Length;
                    long[] perm = node.Ints("perm") ?? Enumerable.Range(0, (int)rank).Reverse().Select(i => (long)i).ToArray();
                    if (perm.Length != rank) throw node.Error($"perm [{string.Join(",", perm)}] does not match the input rank {rank}.");
                    if (perm[0] != 0) BatchAxis(node, state, $"moves the batch axis (perm [{string.Join(",", perm)}])");
                    return new Transpose(n, x, y, perm);
                }
            case "Pad": return Pad(node, state);
            case "Softmax" or "LogSoftmax":
                {
                    bool legacy = node.Opset < 13;
                    long axis = node.Int("axis", legacy ? 1 : -1);
                    return new Softmax(n, x, y, axis, node.OpType == "LogSoftmax", legacy);
                }
            default: throw node.Error($"op '{node.OpType}' is not supported. Supported ops: {string.Join(", ", SupportedOps)}.");
        }
    }

    /// <summary>In image mode the batch axis must stay untouched (methods run on batches of any size).</summary>
    private static void BatchAxis(OnnxNode node, ImportState state, string what)
    {
        if (state.Options.RequireImageInput && !state.Folding)
            throw node.Error($"{what}; image classifiers must keep the batch axis free.");
    }

    private static Conv2d Conv(OnnxNode node, ImportState state)
    {
        Tensor w = state.Constant(node, 1);
        if (w.Dimensions != 4) throw node.Error($"only 2-D convolutions are supported (weight {w.Describe()}).");
        var (_, stride, padding, dilation) = Window(node, state, kernelFromWeight: [w.shape[2], w.shape[3]]);
        Tensor? b = state.OptionalConstant(node, 2);
        if (node.Ints("kernel_shape") is { } k && (k.Length != 2 || k[0] != w.shape[2] || k[1] != w.shape[3]))
            throw node.Error($"kernel_shape [{string.Join(",", k)}] disagrees with the weight {w.Describe()}.");
        return new Conv2d(node.Name, node.Inputs[0], node.Output, w.alias().DetachFromDisposeScope(), b?.alias().DetachFromDisposeScope(),
            stride, padding, dilation, node.Int("group", 1));
    }

    /// <summary>Kernel, stride (default 1), padding (top, left, bottom, right; auto_pad resolved) and dilation of a 2-D window op.</summary>
    private static (long[] kernel, long[] stride, long[] padding, long[] dilation) Window(OnnxNode node, ImportState state,
        long[]? kernelFromWeight = null)
    {
        long[] input = state.Shape(node.Inputs[0]);
        if (input.Length != 4) throw node.Error($"only 2-D (4-D [N,C,H,W]) inputs are supported, got [{string.Join(",", input)}].");
        long[] kernel = node.Ints("kernel_shape") ?? kernelFromWeight ?? throw node.Error("has no kernel_shape.");
        if (kernel.Length != 2) throw node.Error($"only 2-D windows are supported (kernel_shape [{string.Join(",", kernel)}]).");
        long[] stride = node.Ints("strides") ?? [1, 1];
        long[] dilation = node.Ints("dilations") ?? [1, 1];
        if (stride.Length != 2 || dilation.Length != 2) throw node.Error("strides and dilations must have 2 values.");
        string autoPad = node.String("auto_pad", "NOTSET");
        long[] pads = node.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4) throw node.Error($"pads must have 4 values, got [{string.Join(",", pads)}].");
        switch (autoPad)
        {
            case "NOTSET" or "":
                break;
            case "VALID":
                pads = [0, 0, 0, 0];
                break;
            case "SAME_UPPER" or "SAME_LOWER":
                for (int i = 0; i < 2; i++)
                {
                    long size = input[2 + i];
                    long output = (size + stride[i] - 1) / stride[i];
                    long total = Math.Max(0, (output - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - size);
                    long small = total / 2, large = total - small;
                    (pads[i], pads[i + 2]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
                }
                break;
            default: throw node.Error($"unknown auto_pad '{autoPad}'.");
        }
        return (kernel, stride, pads, dilation);
    }

    private static Clip Clip(OnnxNode node, ImportState state)
    {
        double? min, max;
        if (node.Opset < 11)
        {
            float lo = node.Float("min", float.MinValue), hi = node.Float("max", float.MaxValue);
            min = lo <= -3.4e38f ? null : lo;
            max = hi >= 3.4e38f ? null : hi;
        }
        else
        {
            min = state.OptionalConstant(node, 1) is { } a ? OnnxTensor.ToDouble(a) : null;
            max = state.OptionalConstant(node, 2) is { } b ? OnnxTensor.ToDouble(b) : null;
        }
        return new Clip(node.Name, node.Inputs[0], node.Output, min, max);
    }

    private static BatchNorm BatchNormalization(OnnxNode node, ImportState state)
    {
        if (node.Int("training_mode", 0) != 0) throw node.Error("training_mode=1 is not supported; export in eval mode.");
        if (node.Opset < 9 && node.Int("spatial", 1) == 0) throw node.Error("spatial=0 is not supported.");
        Tensor Param(int i) => state.Constant(node, i).alias().DetachFromDisposeScope();
        return new BatchNorm(node.Name, node.Inputs[0], node.Output, Param(1), Param(2), Param(3), Param(4), node.Float("epsilon", 1e-5f));
    }

    private static Layer Gemm(OnnxNode node, ImportState state)
    {
        double alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        bool transA = node.Int("transA", 0) != 0, transB = node.Int("transB", 0) != 0;
        string a = node.Inputs[0];
        if (!node.HasInput(1)) throw node.Error("needs inputs A and B.");
        if (!state.IsConstant(a) && state.IsConstant(node.Inputs[1]) && !transA && state.Shape(a).Length == 2)
        {
            Tensor b = state.Constant(node, 1);
            long outFeatures = transB ? b.shape[0] : b.shape[1];
            Tensor? c = state.OptionalConstant(node, 2);
            if (c is null || c.numel() == 1 || c.numel() == outFeatures && (c.Dimensions == 1 || c.shape[0] == 1))
            {
                using var scope = NewDisposeScope();
                Tensor weight = (transB ? b : b.t()).contiguous();
                if (alpha != 1) weight = weight.Times(alpha);
                Tensor? bias = c is null ? null : (c.numel() == 1 ? HeldScalars.Filled([outFeatures], OnnxTensor.ToDouble(c), c.dtype) : c.reshape(outFeatures)).Times(beta);
                return new Linear(node.Name, a, node.Output, weight.clone().DetachFromDisposeScope(), bias?.clone().DetachFromDisposeScope());
            }
        }
        if (transA) BatchAxis(node, state, "transposes A (the batch axis)");
        return new Gemm(node.Name, node.Inputs.Where(i => i.Length > 0).ToArray(), node.Output, alpha, beta, transA, transB);
    }

    private static Layer MatMul(OnnxNode node, ImportState state)
    {
        string a = node.Inputs[0], b = node.Inputs[1];
        if (!state.IsConstant(a) && state.IsConstant(b) && state.Constants[b].Dimensions == 2)
        {
            using Tensor t = state.Constants[b].t();
            return new Linear(node.Name, a, node.Output, t.contiguous().DetachFromDisposeScope(), null);
        }
        return new MatMul(node.Name, a, b, node.Output);
    }

    private static Reshape Flatten(OnnxNode node, ImportState state)
    {
        long[] shape = state.Shape(node.Inputs[0]);
        long axis = node.Int("axis", 1);
        if (axis < 0) axis += shape.Length;
        if (axis < 0 || axis > shape.Length) throw node.Error($"axis {node.Int("axis", 1)} is out of range for rank {shape.Length}.");
        long outer = shape.Take((int)axis).Aggregate(1L, (p, d) => p * d);
        long inner = shape.Skip((int)axis).Aggregate(1L, (p, d) => p * d);
        if (axis == 1) return new Reshape(node.Name, node.Inputs[0], node.Output, [inner], "Flatten");
        BatchAxis(node, state, $"flattens with axis={axis}, merging the batch axis");
        return new Reshape(node.Name, node.Inputs[0], node.Output, [outer, inner], "Flatten", keepsBatch: false);
    }

    private static Reshape Reshape(OnnxNode node, ImportState state)
    {
        long[] input = state.Shape(node.Inputs[0]);
        long[] target;
        bool[] flags;
        if (node.Opset < 5 || node.Has("shape"))
        {
            target = node.Ints("shape") ?? throw node.Error("has no shape.");
            flags = new bool[target.Length];
        }
        else
        {
            target = OnnxTensor.ToLongs(state.Constant(node, 1));
            flags = state.BatchFlags.GetValueOrDefault(node.Inputs[1]) ?? new bool[target.Length];
        }
        bool allowZero = node.Int("allowzero", 0) != 0;
        long[] resolved = target.Select((d, i) => d == 0 && !allowZero ? (i < input.Length ? input[i] : throw node.Error($"shape [{string.Join(",", target)}] copies dim {i}, which the input lacks.")) : d).ToArray();
        if (resolved.Count(d => d == -1) > 1) throw node.Error($"shape [{string.Join(",", target)}] has more than one -1.");
        long total = input.Aggregate(1L, (p, d) => p * d);
        long known = resolved.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        if (resolved.Contains(-1)) resolved[Array.IndexOf(resolved, -1)] = known == 0 ? 0 : total / known;

        bool keepsBatch = resolved.Length > 0 && resolved[0] == input[0] &&
            (flags.Length > 0 && flags[0] || target[0] == 0 && !allowZero || target[0] == -1 || state.Options.RequireImageInput);
        if (!keepsBatch)
        {
            BatchAxis(node, state, $"reshapes to [{string.Join(",", target)}], which does not keep the batch axis");
            return new Reshape(node.Name, node.Inputs[0], node.Output, resolved, "Reshape", keepsBatch: false);
        }
        // Keep a -1 (beyond the batch) so other image sizes still reshape; everything else is concrete.
        long[] perSample = resolved.Skip(1).Select((d, i) => target[i + 1] == -1 ? -1 : d).ToArray();
        return new Reshape(node.Name, node.Inputs[0], node.Output, perSample, "Reshape");
    }

    private static Reshape SqueezeLike(OnnxNode node, ImportState state)
    {
        long[] input = state.Shape(node.Inputs[0]);
        long[] axes = ConstantFolding.Axes(node, state) ?? [];
        List<long> output;
        if (node.OpType == "Squeeze")
        {
            var drop = axes.Length == 0
                ? Enumerable.Range(0, input.Length).Where(i => input[i] == 1).Select(i => (long)i).ToHashSet()
                : axes.Select(a => a < 0 ? a + input.Length : a).ToHashSet();
            output = input.Where((_, i) => !drop.Contains(i)).ToList();
            if (drop.Contains(0)) BatchAxis(node, state, "squeezes the batch axis");
            return Make(drop.Contains(0));
        }
        int rank = input.Length + axes.Length;
        var inserted = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
        output = new List<long>();
        int next = 0;
        for (int i = 0; i < rank; i++) output.Add(inserted.Contains(i) ? 1 : input[next++]);
        if (inserted.Contains(0)) BatchAxis(node, state, "inserts an axis before the batch axis");
        return Make(inserted.Contains(0));

        Reshape Make(bool touchesBatch) => touchesBatch
            ? new Reshape(node.Name, node.Inputs[0], node.Output, output.ToArray(), node.OpType, keepsBatch: false)
            : new Reshape(node.Name, node.Inputs[0], node.Output, output.Skip(1).ToArray(), node.OpType);
    }

    private static Pad Pad(OnnxNode node, ImportState state)
    {
        long[] input = state.Shape(node.Inputs[0]);
        int rank = input.Length;
        long[] pads;
        double value;
        if (node.Opset < 11)
        {
            pads = node.Ints("pads") ?? node.Ints("paddings") ?? throw node.Error("has no pads.");
            value = node.Float("value", 0f);
        }
        else
        {
            pads = OnnxTensor.ToLongs(state.Constant(node, 1));
            value = state.OptionalConstant(node, 2) is { } v ? OnnxTensor.ToDouble(v) : 0;
            if (node.HasInput(3))
            {
                long[] axes = OnnxTensor.ToLongs(state.Constant(node, 3)).Select(a => a < 0 ? a + rank : a).ToArray();
                var full = new long[2 * rank];
                for (int i = 0; i < axes.Length; i++)
                {
                    full[axes[i]] = pads[i];
                    full[axes[i] + rank] = pads[i + axes.Length];
                }
                pads = full;
            }
        }
        if (pads.Length != 2 * rank) throw node.Error($"pads has {pads.Length} values for a rank-{rank} input (needs {2 * rank}).");
        PaddingModes mode = node.String("mode", "constant") switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            "wrap" => PaddingModes.Circular,
            var other => throw node.Error($"unknown pad mode '{other}'."),
        };
        if (pads[0] != 0 || pads[rank] != 0) BatchAxis(node, state, "pads the batch axis");
        // libtorch order: (begin, end) pairs from the last dimension backwards; trailing zero pairs dropped.
        var torchPads = new List<long>();
        for (int d = rank - 1; d >= 0; d--) torchPads.AddRange([pads[d], pads[d + rank]]);
        while (torchPads.Count > 2 && torchPads[^1] == 0 && torchPads[^2] == 0) torchPads.RemoveRange(torchPads.Count - 2, 2);
        if (mode != PaddingModes.Constant && torchPads.Count / 2 > Math.Max(1, rank - 2))
            throw node.Error($"{mode} padding is only supported on the last {Math.Max(1, rank - 2)} dimension(s).");
        return new Pad(node.Name, node.Inputs[0], node.Output, torchPads.ToArray(), mode, value);
    }
}
