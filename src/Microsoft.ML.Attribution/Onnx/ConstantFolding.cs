using Microsoft.ML.Attribution.Onnx.Proto;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Onnx;

/// <summary>
/// Evaluates at import the ops that only compute shapes and indices (Constant, Shape, Gather, Cast, Slice,
/// ConstantOfShape, Squeeze/Unsqueeze of constants). Entries of a Shape(x) result that stand for the batch size
/// are flagged, so a later Reshape keeps the batch free instead of baking in the import-time batch.
/// </summary>
internal static class ConstantFolding
{
    public static Tensor ConstantValue(OnnxNode node, ImportState state)
    {
        if (node.Attribute("value") is { } v)
        {
            if (v.T is null) throw node.Error("attribute 'value' holds no tensor.");
            return OnnxTensor.ToTensor(v.T, state.ModelDirectory);
        }
        if (node.Has("value_float")) return tensor(node.Float("value_float", 0), ScalarType.Float32);
        if (node.Floats("value_floats") is { } fs) return tensor(fs);
        if (node.Has("value_int")) return HeldScalars.Filled(Array.Empty<long>(), node.Int("value_int", 0), ScalarType.Int64);
        if (node.Ints("value_ints") is { } ls) return tensor(ls);
        throw node.Error("has no supported value attribute (value, value_float(s), value_int(s)).");
    }

    public static void Shape(OnnxNode node, ImportState state)
    {
        long[] shape = state.Shape(node.Inputs[0]);
        bool dynamic = !state.IsConstant(node.Inputs[0]);
        long start = node.Int("start", 0), end = node.Int("end", shape.Length);
        if (start < 0) start += shape.Length;
        if (end < 0) end += shape.Length;
        start = Math.Clamp(start, 0, shape.Length);
        end = Math.Clamp(end, start, shape.Length);
        long[] slice = shape[(int)start..(int)end];
        state.Constants[node.Output] = tensor(slice).DetachFromDisposeScope();
        if (dynamic) state.BatchFlags[node.Output] = Enumerable.Range((int)start, slice.Length).Select(i => i == 0).ToArray();
    }

    public static void Fold(OnnxNode node, ImportState state)
    {
        Tensor data = state.Constant(node, 0);
        bool[]? flags = state.BatchFlags.GetValueOrDefault(node.Inputs[0]);
        Tensor result;
        switch (node.OpType)
        {
            case "Gather":
                {
                    Tensor indices = state.Constant(node, 1);
                    long axis = node.Int("axis", 0);
                    if (axis < 0) axis += data.Dimensions;
                    long size = data.shape[axis];
                    using Tensor wrapped = indices.LessThan(0).to(ScalarType.Int64).Times(size).Plus(indices.to(ScalarType.Int64));
                    using Tensor flat = wrapped.flatten();
                    using Tensor picked = data.index_select(axis, flat);
                    long[] outShape = [.. data.shape.Take((int)axis), .. indices.shape, .. data.shape.Skip((int)axis + 1)];
                    result = picked.reshape(outShape);
                    if (flags != null && data.Dimensions == 1)
                    {
                        long[] idx = OnnxTensor.ToLongs(flat);
                        state.BatchFlags[node.Output] = idx.Select(i => flags[i]).ToArray();
                    }
                    break;
                }
            case "Cast":
                result = data.to(OnnxTensor.ToScalarType((int)node.Int("to", 1), $"Cast target of '{node.Name}'"));
                if (flags != null) state.BatchFlags[node.Output] = flags;
                break;
            case "Slice":
                result = Slice(node, state, data, ref flags);
                if (flags != null) state.BatchFlags[node.Output] = flags;
                break;
            case "ConstantOfShape":
                {
                    long[] shape = OnnxTensor.ToLongs(data);
                    Tensor? value = node.Attribute("value")?.T is { } t ? OnnxTensor.ToTensor(t, state.ModelDirectory) : null;
                    using (value)
                        result = value is null ? zeros(shape) : HeldScalars.Filled(shape, OnnxTensor.ToDouble(value), value.dtype);
                    break;
                }
            case "Squeeze":
                {
                    long[]? axes = Axes(node, state);
                    result = axes is null ? data.squeeze() : data.reshape(data.shape.Where((_, i) => !axes.Select(a => a < 0 ? a + data.Dimensions : a).Contains(i)).ToArray());
                    if (flags != null) state.BatchFlags[node.Output] = flags;
                    break;
                }
            case "Unsqueeze":
                {
                    long[] axes = Axes(node, state) ?? throw node.Error("has no axes.");
                    int rank = (int)data.Dimensions + axes.Length;
                    var inserted = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
                    var shape = new List<long>();
                    int next = 0;
                    for (int i = 0; i < rank; i++) shape.Add(inserted.Contains(i) ? 1 : data.shape[next++]);
                    result = data.reshape(shape.ToArray());
                    if (flags != null) state.BatchFlags[node.Output] = flags;
                    break;
                }
            default: throw node.Error("cannot be folded.");
        }
        state.Constants[node.Output] = result.DetachFromDisposeScope();
    }

    /// <summary>Concat of shape vectors keeps each entry's batch flag (e.g. [batch, -1] for x.view(x.size(0), -1)).</summary>
    public static void PropagateArithmeticFlags(OnnxNode node, ImportState state)
    {
        if (node.OpType != "Concat") return;
        var inputs = node.Inputs.Where(i => i.Length > 0).ToArray();
        if (!inputs.Any(state.BatchFlags.ContainsKey)) return;
        state.BatchFlags[node.Output] = inputs.SelectMany(i => state.BatchFlags.GetValueOrDefault(i) ?? new bool[state.Constants[i].numel()]).ToArray();
    }

    /// <summary>Squeeze/Unsqueeze axes: an attribute before opset 13, an optional input from 13 on.</summary>
    public static long[]? Axes(OnnxNode node, ImportState state) =>
        node.Opset < 13 ? node.Ints("axes") : state.OptionalConstant(node, 1) is { } a ? OnnxTensor.ToLongs(a) : null;

    private static Tensor Slice(OnnxNode node, ImportState state, Tensor data, ref bool[]? flags)
    {
        long[] starts, ends, axes, steps;
        if (node.Opset < 10)
        {
            starts = node.Ints("starts") ?? throw node.Error("has no starts.");
            ends = node.Ints("ends") ?? throw node.Error("has no ends.");
            axes = node.Ints("axes") ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        else
        {
            starts = OnnxTensor.ToLongs(state.Constant(node, 1));
            ends = OnnxTensor.ToLongs(state.Constant(node, 2));
            axes = state.OptionalConstant(node, 3) is { } a ? OnnxTensor.ToLongs(a) : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = state.OptionalConstant(node, 4) is { } s ? OnnxTensor.ToLongs(s) : Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        Tensor result = data.alias();
        for (int i = 0; i < starts.Length; i++)
        {
            long axis = axes[i] < 0 ? axes[i] + data.Dimensions : axes[i];
            long[] picked = SliceIndices(data.shape[axis], starts[i], ends[i], steps[i], node);
            using Tensor index = tensor(picked);
            Tensor next = result.index_select(axis, index);
            result.Dispose();
            result = next;
            if (flags is { } current && data.Dimensions == 1) flags = picked.Select(k => current[k]).ToArray();
        }
        return result;
    }

    /// <summary>The positions ONNX Slice takes along one axis (clamping as the spec says; negative steps walk backwards).</summary>
    private static long[] SliceIndices(long size, long start, long end, long step, OnnxNode node)
    {
        if (step == 0) throw node.Error("Slice step 0 is invalid.");
        if (start < 0) start += size;
        if (end < 0) end += size;
        var picked = new List<long>();
        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            for (long k = start; k < end; k += step) picked.Add(k);
        }
        else
        {
            start = Math.Clamp(start, 0, size - 1);
            end = Math.Clamp(end, -1, size - 1);
            for (long k = start; k > end; k += step) picked.Add(k);
        }
        return picked.ToArray();
    }
}
