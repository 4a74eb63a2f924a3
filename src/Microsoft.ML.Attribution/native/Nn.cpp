// Neural-network ops (torch.nn.functional) and the explicit input-gradient ops the backward rules use.
#include "Utils.h"

#include <array>

static at::IntArrayRef pair(const int64_t* p) { return at::IntArrayRef(p, 2); }

EXPORT_API(Tensor) MLANN_conv2d(Tensor x, Tensor w, Tensor b, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                                int64_t groups) {
  CATCH_TENSOR(at::conv2d(*x, *w, opt(b), pair(stride), pair(padding), pair(dilation), groups));
}

EXPORT_API(Tensor) MLANN_conv_transpose2d(Tensor x, Tensor w, Tensor b, const int64_t* stride, const int64_t* padding,
                                          const int64_t* output_padding, int64_t groups, const int64_t* dilation) {
  CATCH_TENSOR(at::conv_transpose2d(*x, *w, opt(b), pair(stride), pair(padding), pair(output_padding), groups, pair(dilation)));
}

// Gradients of conv2d w.r.t. input, weight and bias (mask selects which). out[i] is nullptr when not requested.
EXPORT_API(int32_t) MLANN_conv2d_backward(Tensor grad_output, Tensor x, Tensor w, const int64_t* stride, const int64_t* padding,
                                          const int64_t* dilation, int64_t groups, int32_t want_input, int32_t want_weight,
                                          int32_t want_bias, Tensor* out) {
  try {
    std::array<bool, 3> mask = {want_input != 0, want_weight != 0, want_bias != 0};
    std::vector<int64_t> bias_sizes = {w->size(0)};
    int64_t zero[2] = {0, 0};
    auto r = at::convolution_backward(*grad_output, *x, *w, want_bias ? at::OptionalIntArrayRef(bias_sizes) : c10::nullopt,
                                      pair(stride), pair(padding), pair(dilation), false, pair(zero), groups, mask);
    out[0] = wrap_optional(std::get<0>(r));
    out[1] = wrap_optional(std::get<1>(r));
    out[2] = wrap_optional(std::get<2>(r));
    return 0;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}

EXPORT_API(Tensor) MLANN_max_pool2d(Tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                    const int64_t* dilation, int32_t ceil_mode) {
  CATCH_TENSOR(at::max_pool2d(*x, pair(kernel), pair(stride), pair(padding), pair(dilation), ceil_mode != 0));
}

EXPORT_API(int32_t) MLANN_max_pool2d_with_indices(Tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                                  const int64_t* dilation, int32_t ceil_mode, Tensor* out) {
  CATCH_PAIR(out, at::max_pool2d_with_indices(*x, pair(kernel), pair(stride), pair(padding), pair(dilation), ceil_mode != 0));
}

// Routes grad_output to the recorded argmax of each window, accumulating where windows overlap.
EXPORT_API(Tensor) MLANN_max_pool2d_with_indices_backward(Tensor grad_output, Tensor x, const int64_t* kernel, const int64_t* stride,
                                                          const int64_t* padding, const int64_t* dilation, int32_t ceil_mode,
                                                          Tensor indices) {
  CATCH_TENSOR(at::max_pool2d_with_indices_backward(*grad_output, *x, pair(kernel), pair(stride), pair(padding), pair(dilation),
                                                    ceil_mode != 0, *indices));
}

EXPORT_API(Tensor) MLANN_avg_pool2d(Tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding, int32_t ceil_mode,
                                    int32_t count_include_pad, int64_t divisor_override) {
  auto divisor = divisor_override > 0 ? c10::optional<int64_t>(divisor_override) : c10::nullopt;
  CATCH_TENSOR(at::avg_pool2d(*x, pair(kernel), pair(stride), pair(padding), ceil_mode != 0, count_include_pad != 0, divisor));
}

EXPORT_API(Tensor) MLANN_avg_pool2d_backward(Tensor grad_output, Tensor x, const int64_t* kernel, const int64_t* stride,
                                             const int64_t* padding, int32_t ceil_mode, int32_t count_include_pad,
                                             int64_t divisor_override) {
  auto divisor = divisor_override > 0 ? c10::optional<int64_t>(divisor_override) : c10::nullopt;
  CATCH_TENSOR(at::avg_pool2d_backward(*grad_output, *x, pair(kernel), pair(stride), pair(padding), ceil_mode != 0,
                                       count_include_pad != 0, divisor));
}

EXPORT_API(Tensor) MLANN_adaptive_avg_pool2d(Tensor x, const int64_t* output_size) {
  CATCH_TENSOR(at::adaptive_avg_pool2d(*x, pair(output_size)));
}

EXPORT_API(Tensor) MLANN_adaptive_avg_pool2d_backward(Tensor grad_output, Tensor x) {
  CATCH_TENSOR(at::_adaptive_avg_pool2d_backward(*grad_output, *x));
}

// grad where x > threshold, else 0: ReLU's backward in one pass (a comparison plus a where would be two).
EXPORT_API(Tensor) MLANN_threshold_backward(Tensor grad_output, Tensor x, double threshold) {
  CATCH_TENSOR(at::threshold_backward(*grad_output, *x, threshold));
}

// Inference-mode batch norm (training = 0) or batch statistics (training = 1, running stats untouched when null).
EXPORT_API(Tensor) MLANN_batch_norm(Tensor x, Tensor weight, Tensor bias, Tensor running_mean, Tensor running_var, int32_t training,
                                    double momentum, double eps) {
  CATCH_TENSOR(at::batch_norm(*x, opt(weight), opt(bias), opt(running_mean), opt(running_var), training != 0, momentum, eps, true));
}

// mode: 0 nearest, 1 bilinear.
EXPORT_API(Tensor) MLANN_interpolate(Tensor x, const int64_t* size, int32_t mode, int32_t align_corners) {
  try {
    switch (mode) {
      case 0: return wrap(at::upsample_nearest2d(*x, pair(size), c10::nullopt, c10::nullopt));
      case 1: return wrap(at::upsample_bilinear2d(*x, pair(size), align_corners != 0, c10::nullopt, c10::nullopt));
      default: throw std::runtime_error("unknown interpolation mode " + std::to_string(mode));
    }
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}

// pad holds (begin, end) pairs starting from the last dim. mode: 0 constant, 1 reflect, 2 replicate, 3 circular.
EXPORT_API(Tensor) MLANN_pad(Tensor x, const int64_t* pad, int32_t length, int32_t mode, double value) {
  try {
    static const char* modes[] = {"constant", "reflect", "replicate", "circular"};
    if (mode < 0 || mode > 3) throw std::runtime_error("unknown pad mode " + std::to_string(mode));
    if (mode == 0) return wrap(at::constant_pad_nd(*x, arr(pad, length), value));
    return wrap(at::pad(*x, arr(pad, length), modes[mode], c10::nullopt));
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}
