using Microsoft.ML.Attribution.Torch.Native;

namespace Microsoft.ML.Attribution.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Stateless layer functions, as torch.nn.functional. Spatial arguments take one value (both axes) or two (H, W).</summary>
        public static partial class functional
        {
            /// <summary>
            /// 2-D convolution. <paramref name="padding"/> is one value, (H, W), or asymmetric (top, left, bottom, right),
            /// the last applied as an explicit zero pad.
            /// </summary>
            public static unsafe Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
                long[]? dilation = null, long groups = 1)
            {
                if (padding is { Length: 4 } p4)
                {
                    if (p4[0] == p4[2] && p4[1] == p4[3]) return conv2d(input, weight, bias, stride, new[] { p4[0], p4[1] }, dilation, groups);
                    using Tensor padded = pad(input, new[] { p4[1], p4[3], p4[0], p4[2] });
                    return conv2d(padded, weight, bias, stride, null, dilation, groups);
                }
                long* s = stackalloc long[2]; Spatial(stride, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                long* d = stackalloc long[2]; Spatial(dilation, 1, d, "dilation");
                return NativeResult.Wrap(NativeMethods.MLANN_conv2d(input.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null, s, p, d, groups),
                    "conv2d", input, weight, bias);
            }

            /// <summary>Transposed convolution (the input-gradient of conv2d when output_padding restores the input size).</summary>
            public static unsafe Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
                long[]? output_padding = null, long groups = 1, long[]? dilation = null)
            {
                long* s = stackalloc long[2]; Spatial(stride, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                long* o = stackalloc long[2]; Spatial(output_padding, 0, o, "output_padding");
                long* d = stackalloc long[2]; Spatial(dilation, 1, d, "dilation");
                return NativeResult.Wrap(NativeMethods.MLANN_conv_transpose2d(input.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null, s, p, o, groups, d),
                    "conv_transpose2d", input, weight, bias);
            }

            /// <summary>
            /// Gradients of conv2d with respect to its input, weight and bias, each computed only if asked for
            /// (attribution needs the input gradient alone). Unrequested results are null.
            /// </summary>
            public static unsafe (Tensor? input, Tensor? weight, Tensor? bias) conv2d_backward(Tensor grad_output, Tensor input, Tensor weight,
                long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1,
                bool input_grad = true, bool weight_grad = false, bool bias_grad = false)
            {
                long* s = stackalloc long[2]; Spatial(stride, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                long* d = stackalloc long[2]; Spatial(dilation, 1, d, "dilation");
                IntPtr* output = stackalloc IntPtr[3];
                NativeResult.Check(NativeMethods.MLANN_conv2d_backward(grad_output.Handle, input.Handle, weight.Handle, s, p, d, groups,
                    input_grad ? 1 : 0, weight_grad ? 1 : 0, bias_grad ? 1 : 0, output), "conv2d_backward", grad_output, input, weight);
                return (NativeResult.WrapOptional(output[0]), NativeResult.WrapOptional(output[1]), NativeResult.WrapOptional(output[2]));
            }

            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                NativeResult.Wrap(NativeMethods.MLATensor_linear(input.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null), "linear", input, weight, bias);

            /// <summary>Max pooling. An omitted stride defaults to the kernel size (PyTorch's rule); ONNX's default of 1 must be passed explicitly.</summary>
            public static unsafe Tensor max_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null,
                long[]? dilation = null, bool ceil_mode = false)
            {
                long* k = stackalloc long[2]; Spatial(kernel_size, 1, k, "kernel_size");
                long* s = stackalloc long[2]; Spatial(stride ?? kernel_size, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                long* d = stackalloc long[2]; Spatial(dilation, 1, d, "dilation");
                return NativeResult.Wrap(NativeMethods.MLANN_max_pool2d(input.Handle, k, s, p, d, ceil_mode ? 1 : 0), "max_pool2d", input);
            }

            /// <summary>Max pooling that also returns each window's argmax (flat index within its H·W plane).</summary>
            public static unsafe (Tensor output, Tensor indices) max_pool2d_with_indices(Tensor input, long[] kernel_size, long[]? stride = null,
                long[]? padding = null, long[]? dilation = null, bool ceil_mode = false)
            {
                long* k = stackalloc long[2]; Spatial(kernel_size, 1, k, "kernel_size");
                long* s = stackalloc long[2]; Spatial(stride ?? kernel_size, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                long* d = stackalloc long[2]; Spatial(dilation, 1, d, "dilation");
                IntPtr* output = stackalloc IntPtr[2];
                NativeResult.Check(NativeMethods.MLANN_max_pool2d_with_indices(input.Handle, k, s, p, d, ceil_mode ? 1 : 0, output), "max_pool2d_with_indices", input);
                return (NativeResult.WrapOptional(output[0])!, NativeResult.WrapOptional(output[1])!);
            }

            /// <summary>Routes <paramref name="grad_output"/> to the recorded argmax positions, summing where windows overlap.</summary>
            public static unsafe Tensor max_pool2d_with_indices_backward(Tensor grad_output, Tensor input, long[] kernel_size, long[]? stride,
                long[]? padding, long[]? dilation, bool ceil_mode, Tensor indices)
            {
                long* k = stackalloc long[2]; Spatial(kernel_size, 1, k, "kernel_size");
                long* s = stackalloc long[2]; Spatial(stride ?? kernel_size, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                long* d = stackalloc long[2]; Spatial(dilation, 1, d, "dilation");
                return NativeResult.Wrap(NativeMethods.MLANN_max_pool2d_with_indices_backward(grad_output.Handle, input.Handle, k, s, p, d,
                    ceil_mode ? 1 : 0, indices.Handle), "max_pool2d_with_indices_backward", grad_output, input, indices);
            }

            /// <summary>Average pooling; <paramref name="count_include_pad"/> defaults to true as in PyTorch (ONNX's default is false).</summary>
            public static unsafe Tensor avg_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null,
                bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null)
            {
                long* k = stackalloc long[2]; Spatial(kernel_size, 1, k, "kernel_size");
                long* s = stackalloc long[2]; Spatial(stride ?? kernel_size, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                return NativeResult.Wrap(NativeMethods.MLANN_avg_pool2d(input.Handle, k, s, p, ceil_mode ? 1 : 0, count_include_pad ? 1 : 0,
                    divisor_override ?? 0), "avg_pool2d", input);
            }

            public static unsafe Tensor avg_pool2d_backward(Tensor grad_output, Tensor input, long[] kernel_size, long[]? stride = null,
                long[]? padding = null, bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null)
            {
                long* k = stackalloc long[2]; Spatial(kernel_size, 1, k, "kernel_size");
                long* s = stackalloc long[2]; Spatial(stride ?? kernel_size, 1, s, "stride");
                long* p = stackalloc long[2]; Spatial(padding, 0, p, "padding");
                return NativeResult.Wrap(NativeMethods.MLANN_avg_pool2d_backward(grad_output.Handle, input.Handle, k, s, p, ceil_mode ? 1 : 0,
                    count_include_pad ? 1 : 0, divisor_override ?? 0), "avg_pool2d_backward", grad_output, input);
            }

            public static unsafe Tensor adaptive_avg_pool2d(Tensor input, long[] output_size)
            {
                long* o = stackalloc long[2]; Spatial(output_size, 1, o, "output_size");
                return NativeResult.Wrap(NativeMethods.MLANN_adaptive_avg_pool2d(input.Handle, o), "adaptive_avg_pool2d", input);
            }

            public static Tensor adaptive_avg_pool2d_backward(Tensor grad_output, Tensor input) =>
                NativeResult.Wrap(NativeMethods.MLANN_adaptive_avg_pool2d_backward(grad_output.Handle, input.Handle), "adaptive_avg_pool2d_backward", grad_output, input);

            /// <summary><paramref name="grad_output"/> where <paramref name="input"/> &gt; <paramref name="threshold"/>, else 0 (one kernel; differentiable).</summary>
            public static Tensor threshold_backward(Tensor grad_output, Tensor input, double threshold) =>
                NativeResult.Wrap(NativeMethods.MLANN_threshold_backward(grad_output.Handle, input.Handle, threshold), "threshold_backward", grad_output, input);

            /// <summary>Batch normalization; with <paramref name="training"/> false it is the fixed affine map of the running statistics.</summary>
            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null,
                bool training = false, double momentum = 0.1, double eps = 1e-5)
            {
                if (!training && (running_mean is null || running_var is null))
                    throw new ArgumentException("batch_norm in inference mode needs running_mean and running_var.");
                return NativeResult.Wrap(NativeMethods.MLANN_batch_norm(input.Handle, weight?.Handle ?? TensorHandle.Null, bias?.Handle ?? TensorHandle.Null,
                    running_mean?.Handle ?? TensorHandle.Null, running_var?.Handle ?? TensorHandle.Null, training ? 1 : 0, momentum, eps), "batch_norm", input, weight);
            }

            /// <summary>Resizes the last two dims to <paramref name="size"/> (or by <paramref name="scale_factor"/>).</summary>
            public static unsafe Tensor interpolate(Tensor input, long[]? size = null, double[]? scale_factor = null,
                InterpolationMode mode = InterpolationMode.Nearest, bool align_corners = false)
            {
                if (input.Dimensions != 4) throw new ArgumentException($"interpolate expects a 4-D [N,C,H,W] input, got {input.Describe()}.", nameof(input));
                if ((size is null) == (scale_factor is null)) throw new ArgumentException("interpolate needs exactly one of size and scale_factor.");
                long* o = stackalloc long[2];
                if (size is not null) Spatial(size, 1, o, "size");
                else
                {
                    double sh = scale_factor![0], sw = scale_factor.Length > 1 ? scale_factor[1] : sh;
                    o[0] = (long)Math.Floor(input.shape[2] * sh);
                    o[1] = (long)Math.Floor(input.shape[3] * sw);
                }
                if (o[0] <= 0 || o[1] <= 0) throw new ArgumentException($"interpolate target size ({o[0]},{o[1]}) must be positive.");
                if (mode == InterpolationMode.Nearest && align_corners) throw new ArgumentException("align_corners only applies to bilinear interpolation.");
                return NativeResult.Wrap(NativeMethods.MLANN_interpolate(input.Handle, o, (int)mode, align_corners ? 1 : 0), $"interpolate({mode})", input);
            }

            /// <summary>Pads with (begin, end) pairs starting from the last dim, as torch.nn.functional.pad. Negative values crop (constant mode).</summary>
            public static unsafe Tensor pad(Tensor input, long[] pad, PaddingModes mode = PaddingModes.Constant, double value = 0)
            {
                if (pad.Length % 2 != 0 || pad.Length / 2 > input.Dimensions)
                    throw new ArgumentException($"pad needs (begin, end) pairs for at most {input.Dimensions} dims, got [{string.Join(",", pad)}].", nameof(pad));
                fixed (long* p = pad)
                    return NativeResult.Wrap(NativeMethods.MLANN_pad(input.Handle, p, pad.Length, (int)mode, value), $"pad([{string.Join(",", pad)}], {mode})", input);
            }

            public static Tensor relu(Tensor input) => input.relu();

            public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01) =>
                NativeResult.Wrap(NativeMethods.MLATensor_leaky_relu(input.Handle, negative_slope), "leaky_relu", input);

            public static Tensor sigmoid(Tensor input) => input.sigmoid();

            public static Tensor softmax(Tensor input, long dim) => input.softmax(dim);

            public static Tensor log_softmax(Tensor input, long dim) => input.log_softmax(dim);

            private static unsafe void Spatial(long[]? values, long fallback, long* destination, string name)
            {
                switch (values)
                {
                    case null or { Length: 0 }:
                        destination[0] = destination[1] = fallback;
                        break;
                    case { Length: 1 }:
                        destination[0] = destination[1] = values[0];
                        break;
                    case { Length: 2 }:
                        destination[0] = values[0];
                        destination[1] = values[1];
                        break;
                    default:
                        throw new ArgumentException($"{name} takes one or two values (H, W), got [{string.Join(",", values)}].", name);
                }
            }
        }
    }
}
