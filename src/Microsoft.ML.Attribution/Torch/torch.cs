using System.Runtime.InteropServices;
using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

/// <summary>
/// The libtorch binding, spelled like TorchSharp/PyTorch: <c>using static Microsoft.ML.Attribution.Torch.torch;</c>
/// then <c>zeros(2, 3)</c>, <c>nn.functional.conv2d(...)</c>, <c>x.sum()</c>.
/// </summary>
public static partial class torch
{
    static torch()
    {
        // libtorch defaults to the physical cores; use every core the process may run on, as the project asks.
        NativeMethods.MLA_set_num_threads(Math.Max(1, Environment.ProcessorCount));
    }

    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType @float = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @double = ScalarType.Float64;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType @long = ScalarType.Int64;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType @int = ScalarType.Int32;
    public const ScalarType @bool = ScalarType.Bool;
    public const ScalarType uint8 = ScalarType.Byte;

    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA);

    public static Device device(string description) => Device.Parse(description);

    /// <summary>The libtorch version the shim is linked against.</summary>
    public static string __version__ => Marshal.PtrToStringUTF8(NativeMethods.MLA_torch_version()) ?? "unknown";

    /// <summary>libtorch's build configuration and parallel settings (BLAS, oneDNN, threads).</summary>
    public static string __config__ => Marshal.PtrToStringUTF8(NativeMethods.MLA_torch_config()) ?? "";

    public static void set_num_threads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be at least 1.");
        NativeResult.Check(NativeMethods.MLA_set_num_threads(threads), "set_num_threads");
    }

    public static int get_num_threads() => NativeMethods.MLA_get_num_threads();

    /// <summary>Seeds libtorch's global generator (used when no <see cref="Generator"/> is passed).</summary>
    public static void manual_seed(long seed) => NativeResult.Check(NativeMethods.MLA_manual_seed(seed), "manual_seed");

    /// <summary>Opens a scope that owns every tensor created on this thread until it is disposed.</summary>
    public static DisposeScope NewDisposeScope() => DisposeScopeManager.Push();

    /// <summary>Runs <paramref name="body"/> in a new scope and moves its result out.</summary>
    public static Tensor WrappedTensorDisposeScope(Func<Tensor> body)
    {
        using DisposeScope scope = NewDisposeScope();
        return body().MoveToOuterDisposeScope();
    }

    public static class cuda
    {
        /// <summary>True only when the linked libtorch was built with CUDA and a GPU is present.</summary>
        public static bool is_available() => NativeMethods.MLA_cuda_is_available() != 0;

        public static int device_count() => NativeMethods.MLA_cuda_device_count();
    }
}
