// Element-wise kernels of the relevance rules, one pass where libtorch's ops would take several.
#include "Utils.h"

#include <ATen/Parallel.h>

#include <algorithm>


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

namespace {

// Excitation backprop through a dense layer y = x·Wᵀ in one pass over W (VGG16's first dense layer: 411 MB, read once
// instead of copied to W⁺ and read twice): per output unit j, z[n,j] = Σ_k x[n,k]·m(W[j,k]) and
// s[n,j] = p[n,j] / (z[n,j] + ε), then g[n,k] += s[n,j]·m(W[j,k]) while row j is still in the cache.
// m(w) = max(w, 0), or max(−w, 0) for the negated view. A row (100 KB for VGG16) stays in the L2 cache while each row
// of x takes its dot product with it and adds its share to g. Each thread accumulates its rows into its own g.
constexpr int kLanes = 16;  // independent partial sums per row of x: the compiler vectorizes them without reassociating

template <typename T, bool Negate>
inline T positive_part(T w) {
  if (Negate) w = -w;
  return w < T(0) ? T(0) : w;  // NaN stays NaN, as clamp_min keeps it
}

template <typename T, bool Negate>
__attribute__((always_inline)) inline void excitation_rows(const T* x, const T* w, const T* p, T* g, int64_t rows, int64_t k_size, int64_t j_size,
                            int64_t j_begin, int64_t j_end, T eps) {
  for (int64_t j = j_begin; j < j_end; j++) {
    const T* row = w + j * k_size;
    for (int64_t n = 0; n < rows; n++) {
      const T* xn = x + n * k_size;
      T lanes[kLanes] = {};
      int64_t k = 0;
      for (; k + kLanes <= k_size; k += kLanes)
        for (int l = 0; l < kLanes; l++) lanes[l] += xn[k + l] * positive_part<T, Negate>(row[k + l]);
      T z = T(0);
      for (int l = 0; l < kLanes; l++) z += lanes[l];
      for (; k < k_size; k++) z += xn[k] * positive_part<T, Negate>(row[k]);
      const T s = p[n * j_size + j] / (z + eps);
      if (s == T(0)) continue;  // common (p is zero wherever the unit is); skips 0·W, which differs only for infinite W
      T* gn = g + n * k_size;
      for (int64_t c = 0; c < k_size; c++) gn[c] += s * positive_part<T, Negate>(row[c]);
    }
  }
}

template <typename T, bool Negate>
__attribute__((target("avx2,fma"))) void excitation_rows_avx2(const T* x, const T* w, const T* p, T* g, int64_t rows,
                                                             int64_t k_size, int64_t j_size, int64_t j_begin, int64_t j_end, T eps) {
  excitation_rows<T, Negate>(x, w, p, g, rows, k_size, j_size, j_begin, j_end, eps);
}

template <typename T, bool Negate>
void excitation_dense(const T* x, const T* w, const T* p, T* partial, int64_t slots, int64_t grain, int64_t rows, int64_t k_size,
                      int64_t j_size, T eps) {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  at::parallel_for(0, j_size, grain, [&](int64_t begin, int64_t end) {
    // parallel_for runs at most ⌈J/grain⌉ ≤ slots threads, so the thread number indexes an allocated slot.
    T* g = partial + std::min<int64_t>(at::get_thread_num(), slots - 1) * rows * k_size;
    if (avx2) excitation_rows_avx2<T, Negate>(x, w, p, g, rows, k_size, j_size, begin, end, eps);
    else excitation_rows<T, Negate>(x, w, p, g, rows, k_size, j_size, begin, end, eps);
  });
}

}  // namespace

// g = m(W)ᵀ·(p ⊘ (x·m(W)ᵀ + ε)) for x [N, K], W [J, K], p [N, J] (float32 or float64 CPU, one dtype), m(W) = W⁺ or
// (−W)⁺ (negate ≠ 0): excitation backprop's transpose through a dense layer, without a modified copy of W.
EXPORT_API(Tensor) MLARel_dense_excitation(Tensor input, Tensor weight, Tensor relevance, int32_t negate, double eps) {
  CATCH_TENSOR([&] {
    TORCH_CHECK(input->dim() == 2 && weight->dim() == 2 && relevance->dim() == 2, "dense excitation takes 2-D x, W and p");
    TORCH_CHECK(input->size(1) == weight->size(1), "x has ", input->size(1), " features but W takes ", weight->size(1));
    TORCH_CHECK(relevance->size(0) == input->size(0) && relevance->size(1) == weight->size(0), "p ", relevance->sizes(),
                " does not match x ", input->sizes(), " and W ", weight->sizes());
    TORCH_CHECK(input->scalar_type() == weight->scalar_type() && input->scalar_type() == relevance->scalar_type(),
                "x, W and p differ in dtype");
    TORCH_CHECK(input->device().is_cpu() && weight->device().is_cpu() && relevance->device().is_cpu(), "x, W and p must be CPU tensors");
    at::Tensor x = input->contiguous(), w = weight->contiguous(), p = relevance->contiguous();
    const int64_t rows = x.size(0), k_size = x.size(1), j_size = w.size(0);
    // One g per thread that gets rows: at most one per 16 rows, and no more than 64 MB of them (many threads × a large
    // batch would otherwise rebuild the copy this pass avoids); the grain then keeps the chunks to the slots.
    const int64_t slot_bytes = std::max<int64_t>(1, rows * k_size * static_cast<int64_t>(x.element_size()));
    const int64_t slots = std::max<int64_t>(
        1, std::min({static_cast<int64_t>(at::get_num_threads()), (j_size + 15) / 16, (int64_t(64) << 20) / slot_bytes}));
    const int64_t grain = std::max<int64_t>(16, (j_size + slots - 1) / slots);
    at::Tensor partial = at::zeros({slots, rows, k_size}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "dense excitation", [&] {
      auto run = negate ? excitation_dense<scalar_t, true> : excitation_dense<scalar_t, false>;
      run(x.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), p.data_ptr<scalar_t>(), partial.data_ptr<scalar_t>(), slots, grain, rows, k_size, j_size,
          static_cast<scalar_t>(eps));
    });
    return partial.sum(0);
  }());
}
