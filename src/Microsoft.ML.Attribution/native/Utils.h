// Shared conventions of the C shim: every entry point is extern "C", takes and returns opaque handles,
// and never lets a C++ exception cross the ABI. Failures return nullptr / -1 and leave the message in a
// thread-local string the managed side reads with MLA_last_error().
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <vector>

#define EXPORT_API(ret) extern "C" __attribute__((visibility("default"))) ret

typedef at::Tensor* Tensor;
typedef at::Generator* Generator;

void set_last_error(const std::string& message);

// Records the exception currently being handled (call only inside a catch block).
void record_current_exception();

inline Tensor wrap(at::Tensor t) {
  if (!t.defined()) throw std::runtime_error("the operation produced an undefined tensor");
  return new at::Tensor(std::move(t));
}

// A handle that may legitimately be empty (e.g. a missing .grad) becomes nullptr without an error.
inline Tensor wrap_optional(at::Tensor t) { return t.defined() ? new at::Tensor(std::move(t)) : nullptr; }

inline c10::optional<at::Tensor> opt(Tensor t) {
  return t == nullptr ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(*t);
}

inline at::IntArrayRef arr(const int64_t* data, int32_t length) { return at::IntArrayRef(data, (size_t)length); }

inline std::vector<at::Tensor> list(const Tensor* tensors, int32_t length) {
  std::vector<at::Tensor> result;
  result.reserve(length);
  for (int32_t i = 0; i < length; i++) result.push_back(*tensors[i]);
  return result;
}

// Scalars cross the ABI as (double, int64, kind) so integer tensors stay integral: kind 0=float, 1=int, 2=bool.
inline at::Scalar scalar(double d, int64_t l, int8_t kind) {
  switch (kind) {
    case 1: return at::Scalar(l);
    case 2: return at::Scalar(l != 0);
    default: return at::Scalar(d);
  }
}

inline at::TensorOptions options(int8_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<at::DeviceType>(device_type), static_cast<at::DeviceIndex>(device_index)));
}

#define CATCH_TENSOR(...)           \
  try {                             \
    return wrap(__VA_ARGS__);       \
  } catch (...) {                   \
    record_current_exception();     \
    return nullptr;                 \
  }

#define CATCH_STATUS(...)           \
  try {                             \
    __VA_ARGS__;                    \
    return 0;                       \
  } catch (...) {                   \
    record_current_exception();     \
    return -1;                      \
  }

// Fills a caller-supplied array of handles with two results (e.g. values and indices).
#define CATCH_PAIR(out, ...)                      \
  try {                                           \
    auto pair__ = (__VA_ARGS__);                  \
    out[0] = wrap(std::get<0>(pair__));           \
    out[1] = wrap(std::get<1>(pair__));           \
    return 0;                                     \
  } catch (...) {                                 \
    record_current_exception();                   \
    return -1;                                    \
  }
