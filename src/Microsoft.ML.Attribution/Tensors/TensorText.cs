using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attribution.Tensors;

/// <summary>
/// How our messages name a tensor: "[2,3] float32" (plus the device when not the CPU). TorchSharp's ToString
/// differs and throws on a disposed tensor, which would replace the real error in a message.
/// </summary>
public static class TensorText
{
    public static string Describe(this Tensor tensor) => tensor.IsInvalid ? "disposed tensor" :
        $"[{string.Join(",", tensor.shape)}] {DTypeName(tensor.dtype)}{(tensor.device_type == DeviceType.CPU ? "" : $" {tensor.device_type.ToString().ToLowerInvariant()}:{tensor.device_index}")}";

    public static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };
}
