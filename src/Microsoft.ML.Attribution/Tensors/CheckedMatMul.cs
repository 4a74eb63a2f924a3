using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// matmul with numpy's shape rules checked in managed code first: TorchSharp's native matmul has no error handler, so
/// mismatched shapes (an ONNX MatMul or Gemm with the wrong weight) would end the process instead of throwing.
/// </summary>
public static class CheckedMatMul
{
    public static Tensor Of(Tensor a, Tensor b)
    {
        long[] x = a.shape, y = b.shape;
        if (x.Length == 0 || y.Length == 0)
            throw new ArgumentException($"matmul needs tensors of at least one dimension, got {a.Describe()} and {b.Describe()}.");
        long inner = y.Length == 1 ? y[0] : y[^2];
        if (x[^1] != inner)
            throw new ArgumentException($"matmul of {a.Describe()} and {b.Describe()}: the inner dimensions {x[^1]} and {inner} differ.");
        if (a.dtype != b.dtype)
            throw new ArgumentException($"matmul of {a.Describe()} and {b.Describe()}: the element types differ.");
        long[] batchA = x.Length > 2 ? x[..^2] : [], batchB = y.Length > 2 ? y[..^2] : [];
        for (int i = 1; i <= Math.Min(batchA.Length, batchB.Length); i++)
        {
            long p = batchA[^i], q = batchB[^i];
            if (p != q && p != 1 && q != 1)
                throw new ArgumentException($"matmul of {a.Describe()} and {b.Describe()}: batch dimensions {p} and {q} do not broadcast.");
        }
        return a.matmul(b);
    }
}
