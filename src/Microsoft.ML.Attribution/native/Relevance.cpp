// Element-wise kernels of the relevance rules, one pass where libtorch's ops would take several.
#include "Utils.h"

#include <ATen/Parallel.h>

namespace {

// r / (z + ε·sign(z)) with sign(0) = +1 (the stabilized LRP quotient); with ε = 0, r / z where z ≠ 0 and 0 where z = 0.
template <typename T>
void divide(const T* r, const T* z, T* out, int64_t n, T eps) {
  at::parallel_for(0, n, 1 << 15, [&](int64_t begin, int64_t end) {
    if (eps == T(0)) {
      for (int64_t i = begin; i < end; i++) out[i] = z[i] != T(0) ? r[i] / z[i] : T(0);
    } else {
      for (int64_t i = begin; i < end; i++) out[i] = r[i] / (z[i] + (z[i] >= T(0) ? eps : -eps));
    }
  });
}

}  // namespace

// The stabilized quotient of two same-shaped float32 or float64 CPU tensors (see divide above).
EXPORT_API(Tensor) MLARel_divide(Tensor relevance, Tensor z, double eps) {
  CATCH_TENSOR([&] {
    TORCH_CHECK(relevance->sizes() == z->sizes(), "relevance ", relevance->sizes(), " and z ", z->sizes(), " differ in shape");
    TORCH_CHECK(relevance->scalar_type() == z->scalar_type(), "relevance and z differ in dtype");
    TORCH_CHECK(relevance->device().is_cpu() && z->device().is_cpu(), "relevance and z must be CPU tensors");
    at::Tensor r = relevance->contiguous(), d = z->contiguous();
    at::Tensor out = at::empty_like(r, at::MemoryFormat::Contiguous);
    AT_DISPATCH_FLOATING_TYPES(r.scalar_type(), "relevance divide", [&] {
      divide<scalar_t>(r.data_ptr<scalar_t>(), d.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), r.numel(), static_cast<scalar_t>(eps));
    });
    return out;
  }());
}
