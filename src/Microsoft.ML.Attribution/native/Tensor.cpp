// Tensor lifetime, metadata, copies in and out of managed memory, conversions and factories.
#include "Utils.h"

#include <cstring>

static c10::optional<at::Generator> gen(Generator g) {
  return g == nullptr ? c10::optional<at::Generator>() : c10::optional<at::Generator>(*g);
}

EXPORT_API(void) MLATensor_dispose(Tensor t) { delete t; }

// A second handle to the same storage (what Python's `y = x` would be).
EXPORT_API(Tensor) MLATensor_alias(Tensor t) { CATCH_TENSOR(at::Tensor(*t)); }

EXPORT_API(int32_t) MLATensor_ndim(Tensor t) { return (int32_t)t->dim(); }

EXPORT_API(int32_t) MLATensor_sizes(Tensor t, int64_t* out, int32_t capacity) {
  auto sizes = t->sizes();
  if ((int32_t)sizes.size() > capacity) {
    set_last_error("sizes buffer too small");
    return -1;
  }
  for (size_t i = 0; i < sizes.size(); i++) out[i] = sizes[i];
  return (int32_t)sizes.size();
}

EXPORT_API(int32_t) MLATensor_strides(Tensor t, int64_t* out, int32_t capacity) {
  auto strides = t->strides();
  if ((int32_t)strides.size() > capacity) {
    set_last_error("strides buffer too small");
    return -1;
  }
  for (size_t i = 0; i < strides.size(); i++) out[i] = strides[i];
  return (int32_t)strides.size();
}

EXPORT_API(int8_t) MLATensor_dtype(Tensor t) { return (int8_t)t->scalar_type(); }
EXPORT_API(int32_t) MLATensor_device_type(Tensor t) { return (int32_t)t->device().type(); }
EXPORT_API(int32_t) MLATensor_device_index(Tensor t) { return (int32_t)t->device().index(); }
EXPORT_API(int64_t) MLATensor_numel(Tensor t) { return t->numel(); }
EXPORT_API(int32_t) MLATensor_is_contiguous(Tensor t) { return t->is_contiguous() ? 1 : 0; }

// Raw pointer to the first element of a CPU tensor (for zero-copy reads of contiguous tensors).
EXPORT_API(void*) MLATensor_data_ptr(Tensor t) {
  try {
    return t->data_ptr();
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}

// Copies managed memory into a new libtorch-owned tensor (no GC pinning beyond the call).
EXPORT_API(Tensor) MLATensor_from_data(const void* data, int8_t dtype, const int64_t* sizes, int32_t ndim,
                                       int32_t device_type, int32_t device_index, int32_t requires_grad) {
  try {
    auto cpu = at::empty(arr(sizes, ndim), options(dtype, (int32_t)at::kCPU, -1));
    if (cpu.numel() > 0) std::memcpy(cpu.data_ptr(), data, cpu.numel() * cpu.element_size());
    at::Tensor result = device_type == (int32_t)at::kCPU ? cpu : cpu.to(at::Device((at::DeviceType)device_type, (at::DeviceIndex)device_index));
    if (requires_grad) result.requires_grad_(true);
    return wrap(result);
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}

// Copies a tensor's elements (any device, any layout) into a managed buffer of exactly numel elements of dtype.
EXPORT_API(int32_t) MLATensor_copy_to(Tensor t, void* destination, int64_t numel, int8_t dtype) {
  try {
    if (t->numel() != numel) throw std::runtime_error("destination holds " + std::to_string(numel) + " elements, tensor has " + std::to_string(t->numel()));
    if ((int8_t)t->scalar_type() != dtype) throw std::runtime_error("destination element type does not match the tensor's dtype");
    auto cpu = t->detach().to(at::kCPU).contiguous();
    if (numel > 0) std::memcpy(destination, cpu.data_ptr(), numel * cpu.element_size());
    return 0;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}

EXPORT_API(int32_t) MLATensor_item(Tensor t, double* as_double, int64_t* as_long) {
  try {
    auto s = t->item();
    if (s.isFloatingPoint()) {
      *as_double = s.toDouble();
      *as_long = (int64_t)*as_double;
    } else {
      *as_long = s.toLong();
      *as_double = (double)*as_long;
    }
    return 0;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}

EXPORT_API(Tensor) MLATensor_to(Tensor t, int8_t dtype, int32_t device_type, int32_t device_index, int32_t copy) {
  CATCH_TENSOR(t->to(options(dtype, device_type, device_index), false, copy != 0));
}
EXPORT_API(Tensor) MLATensor_clone(Tensor t) { CATCH_TENSOR(t->clone()); }
EXPORT_API(Tensor) MLATensor_contiguous(Tensor t) { CATCH_TENSOR(t->contiguous()); }
EXPORT_API(int32_t) MLATensor_copy_(Tensor t, Tensor source) { CATCH_STATUS(t->copy_(*source)); }
EXPORT_API(int32_t) MLATensor_fill_(Tensor t, double d, int64_t l, int8_t kind) { CATCH_STATUS(t->fill_(scalar(d, l, kind))); }

// Factories. kind: 0 empty, 1 zeros, 2 ones.
EXPORT_API(Tensor) MLATensor_new(int32_t kind, const int64_t* sizes, int32_t ndim, int8_t dtype, int32_t device_type,
                                 int32_t device_index, int32_t requires_grad) {
  try {
    // at:: factories ignore requires_grad in TensorOptions, so set it on the result.
    auto o = options(dtype, device_type, device_index);
    at::Tensor result;
    switch (kind) {
      case 0: result = at::empty(arr(sizes, ndim), o); break;
      case 1: result = at::zeros(arr(sizes, ndim), o); break;
      case 2: result = at::ones(arr(sizes, ndim), o); break;
      default: throw std::runtime_error("unknown factory kind");
    }
    if (requires_grad) result.requires_grad_(true);
    return wrap(result);
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}

EXPORT_API(Tensor) MLATensor_full(const int64_t* sizes, int32_t ndim, double d, int64_t l, int8_t kind, int8_t dtype,
                                  int32_t device_type, int32_t device_index) {
  CATCH_TENSOR(at::full(arr(sizes, ndim), scalar(d, l, kind), options(dtype, device_type, device_index)));
}

EXPORT_API(Tensor) MLATensor_arange(double start, double end, double step, int8_t dtype, int32_t device_type, int32_t device_index) {
  CATCH_TENSOR(at::arange(start, end, step, options(dtype, device_type, device_index)));
}

EXPORT_API(Tensor) MLATensor_linspace(double start, double end, int64_t steps, int8_t dtype, int32_t device_type, int32_t device_index) {
  CATCH_TENSOR(at::linspace(start, end, steps, options(dtype, device_type, device_index)));
}

EXPORT_API(Tensor) MLATensor_eye(int64_t n, int8_t dtype, int32_t device_type, int32_t device_index) {
  CATCH_TENSOR(at::eye(n, options(dtype, device_type, device_index)));
}

// Random factories. kind: 0 rand U[0,1), 1 randn N(0,1).
EXPORT_API(Tensor) MLATensor_random(int32_t kind, const int64_t* sizes, int32_t ndim, Generator g, int8_t dtype,
                                    int32_t device_type, int32_t device_index) {
  try {
    auto o = options(dtype, device_type, device_index);
    switch (kind) {
      case 0: return wrap(at::rand(arr(sizes, ndim), gen(g), o));
      case 1: return wrap(at::randn(arr(sizes, ndim), gen(g), o));
      default: throw std::runtime_error("unknown random kind");
    }
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}

EXPORT_API(Tensor) MLATensor_normal(double mean, double std, const int64_t* sizes, int32_t ndim, Generator g, int8_t dtype,
                                    int32_t device_type, int32_t device_index) {
  CATCH_TENSOR(at::normal(mean, std, arr(sizes, ndim), gen(g), options(dtype, device_type, device_index)));
}

EXPORT_API(Tensor) MLATensor_randint(int64_t low, int64_t high, const int64_t* sizes, int32_t ndim, Generator g, int8_t dtype,
                                     int32_t device_type, int32_t device_index) {
  CATCH_TENSOR(at::randint(low, high, arr(sizes, ndim), gen(g), options(dtype, device_type, device_index)));
}

EXPORT_API(Tensor) MLATensor_randperm(int64_t n, Generator g, int8_t dtype, int32_t device_type, int32_t device_index) {
  CATCH_TENSOR(at::randperm(n, gen(g), options(dtype, device_type, device_index)));
}

EXPORT_API(Tensor) MLATensor_bernoulli(Tensor probabilities, Generator g) { CATCH_TENSOR(at::bernoulli(*probabilities, gen(g))); }

// In-place re-initialization from N(mean, std): used to randomize layer parameters.
EXPORT_API(int32_t) MLATensor_normal_(Tensor t, double mean, double std, Generator g) {
  CATCH_STATUS(at::NoGradGuard no_grad; t->normal_(mean, std, gen(g)));
}
