// Pointwise, reduction and linear-algebra ops. Families of ops share one entry point keyed by an op code
// (the managed enums UnaryOp / BinaryOp / ReductionOp carry the same numbers).
#include "Utils.h"

static at::Tensor unary(const at::Tensor& t, int32_t op) {
  switch (op) {
    case 0: return at::neg(t);
    case 1: return at::abs(t);
    case 2: return at::sign(t);
    case 3: return at::relu(t);
    case 4: return at::exp(t);
    case 5: return at::log(t);
    case 6: return at::sqrt(t);
    case 7: return at::rsqrt(t);
    case 8: return at::sigmoid(t);
    case 9: return at::tanh(t);
    case 10: return at::reciprocal(t);
    case 11: return at::floor(t);
    case 12: return at::ceil(t);
    case 13: return at::round(t);
    case 14: return at::logical_not(t);
    case 15: return at::isnan(t);
    case 16: return at::isinf(t);
    case 17: return at::isfinite(t);
    case 18: return at::square(t);
    case 19: return at::log1p(t);
    case 20: return at::expm1(t);
    case 21: return at::sin(t);
    case 22: return at::cos(t);
    case 23: return at::trunc(t);
    case 24: return at::signbit(t);
    default: throw std::runtime_error("unknown unary op " + std::to_string(op));
  }
}

static void unary_(at::Tensor& t, int32_t op) {
  switch (op) {
    case 0: t.neg_(); return;
    case 1: t.abs_(); return;
    case 2: t.sign_(); return;
    case 3: t.relu_(); return;
    case 4: t.exp_(); return;
    case 5: t.log_(); return;
    case 6: t.sqrt_(); return;
    case 7: t.rsqrt_(); return;
    case 8: t.sigmoid_(); return;
    case 9: t.tanh_(); return;
    case 10: t.reciprocal_(); return;
    case 11: t.floor_(); return;
    case 12: t.ceil_(); return;
    case 13: t.round_(); return;
    case 18: t.square_(); return;
    default: throw std::runtime_error("unary op " + std::to_string(op) + " has no in-place form");
  }
}

EXPORT_API(Tensor) MLATensor_unary(Tensor t, int32_t op) { CATCH_TENSOR(unary(*t, op)); }
EXPORT_API(int32_t) MLATensor_unary_(Tensor t, int32_t op) { CATCH_STATUS(unary_(*t, op)); }

// Integral alphas stay integral so add/sub work on integer tensors.
static at::Scalar alpha_scalar(double alpha) {
  return alpha == std::floor(alpha) && std::abs(alpha) < 9e15 ? at::Scalar((int64_t)alpha) : at::Scalar(alpha);
}

template <typename Other>
static at::Tensor binary(const at::Tensor& a, const Other& b, int32_t op, const at::Scalar& alpha) {
  switch (op) {
    case 0: return at::add(a, b, alpha);
    case 1: return at::sub(a, b, alpha);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::eq(a, b);
    case 6: return at::ne(a, b);
    case 7: return at::lt(a, b);
    case 8: return at::le(a, b);
    case 9: return at::gt(a, b);
    case 10: return at::ge(a, b);
    case 11: return at::remainder(a, b);
    case 12: return at::fmod(a, b);
    default: throw std::runtime_error("unknown binary op " + std::to_string(op));
  }
}

static at::Tensor binary_tensors_only(const at::Tensor& a, const at::Tensor& b, int32_t op, const at::Scalar& alpha) {
  switch (op) {
    case 20: return at::maximum(a, b);
    case 21: return at::minimum(a, b);
    case 22: return at::logical_and(a, b);
    case 23: return at::logical_or(a, b);
    case 24: return at::logical_xor(a, b);
    case 25: return at::atan2(a, b);
    default: return binary(a, b, op, alpha);
  }
}

template <typename Other>
static void binary_(at::Tensor& a, const Other& b, int32_t op, const at::Scalar& alpha) {
  switch (op) {
    case 0: a.add_(b, alpha); return;
    case 1: a.sub_(b, alpha); return;
    case 2: a.mul_(b); return;
    case 3: a.div_(b); return;
    case 4: a.pow_(b); return;
    default: throw std::runtime_error("binary op " + std::to_string(op) + " has no in-place form");
  }
}

EXPORT_API(Tensor) MLATensor_binary(Tensor a, Tensor b, int32_t op, double alpha) {
  CATCH_TENSOR(binary_tensors_only(*a, *b, op, alpha_scalar(alpha)));
}
EXPORT_API(Tensor) MLATensor_binary_scalar(Tensor a, double d, int64_t l, int8_t kind, int32_t op, double alpha) {
  CATCH_TENSOR(binary(*a, scalar(d, l, kind), op, alpha_scalar(alpha)));
}
// scalar ∘ tensor for the non-commutative ops (s - t, s / t, s ^ t).
EXPORT_API(Tensor) MLATensor_scalar_binary(double d, int64_t l, int8_t kind, Tensor b, int32_t op) {
  try {
    auto s = scalar(d, l, kind);
    switch (op) {
      case 1: return wrap(at::rsub(*b, s));
      case 3: return wrap(at::mul(at::reciprocal(*b), s));
      case 4: return wrap(at::pow(s, *b));
      default: return wrap(binary(*b, s, op, at::Scalar(1)));
    }
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}
EXPORT_API(int32_t) MLATensor_binary_(Tensor a, Tensor b, int32_t op, double alpha) { CATCH_STATUS(binary_(*a, *b, op, alpha_scalar(alpha))); }
EXPORT_API(int32_t) MLATensor_binary_scalar_(Tensor a, double d, int64_t l, int8_t kind, int32_t op, double alpha) {
  CATCH_STATUS(binary_(*a, scalar(d, l, kind), op, alpha_scalar(alpha)));
}

EXPORT_API(Tensor) MLATensor_where(Tensor condition, Tensor a, Tensor b) { CATCH_TENSOR(at::where(*condition, *a, *b)); }

EXPORT_API(Tensor) MLATensor_clamp(Tensor t, int32_t has_min, double min, int32_t has_max, double max) {
  CATCH_TENSOR(at::clamp(*t, has_min ? c10::optional<at::Scalar>(min) : c10::nullopt, has_max ? c10::optional<at::Scalar>(max) : c10::nullopt));
}
EXPORT_API(Tensor) MLATensor_clamp_tensors(Tensor t, Tensor min, Tensor max) { CATCH_TENSOR(at::clamp(*t, opt(min), opt(max))); }

EXPORT_API(Tensor) MLATensor_leaky_relu(Tensor t, double slope) { CATCH_TENSOR(at::leaky_relu(*t, slope)); }
EXPORT_API(Tensor) MLATensor_masked_fill(Tensor t, Tensor mask, double d, int64_t l, int8_t kind) {
  CATCH_TENSOR(at::masked_fill(*t, *mask, scalar(d, l, kind)));
}

// Reductions over dims (ndims == 0 means all dims). op: 0 sum, 1 mean, 2 amax, 3 amin, 4 prod, 5 logsumexp,
// 6 any, 7 all, 8 L2 norm, 9 var (unbiased), 10 std (unbiased), 11 count_nonzero.
EXPORT_API(Tensor) MLATensor_reduce(Tensor t, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  try {
    std::vector<int64_t> all;
    if (ndims == 0) {
      for (int64_t i = 0; i < t->dim(); i++) all.push_back(i);
      dims = all.data();
      ndims = (int32_t)all.size();
    }
    auto d = arr(dims, ndims);
    bool k = keepdim != 0;
    if (t->dim() == 0) {
      // A 0-d tensor reduces to itself for every reduction but count/any/all.
      if (op == 6 || op == 7 || op == 11) return wrap(op == 11 ? at::ne(*t, 0).to(at::kLong) : at::ne(*t, 0));
      if (op == 9 || op == 10) return wrap(at::full({}, NAN, t->options()));
      return wrap(op == 8 ? at::abs(*t) : t->clone());
    }
    switch (op) {
      case 0: return wrap(at::sum(*t, d, k));
      case 1: return wrap(at::mean(*t, d, k));
      case 2: return wrap(at::amax(*t, d, k));
      case 3: return wrap(at::amin(*t, d, k));
      case 4: {
        at::Tensor r = *t;
        std::vector<int64_t> sorted(d.begin(), d.end());
        for (auto& x : sorted) x = x < 0 ? x + t->dim() : x;
        std::sort(sorted.rbegin(), sorted.rend());
        for (auto x : sorted) r = at::prod(r, x, k);
        return wrap(r);
      }
      case 5: return wrap(at::logsumexp(*t, d, k));
      case 6: {
        at::Tensor r = at::ne(*t, 0);
        return wrap(at::amax(r.to(at::kByte), d, k).to(at::kBool));
      }
      case 7: {
        at::Tensor r = at::ne(*t, 0);
        return wrap(at::amin(r.to(at::kByte), d, k).to(at::kBool));
      }
      case 8: return wrap(at::linalg_vector_norm(*t, 2, d, k));
      case 9: return wrap(at::var(*t, at::OptionalIntArrayRef(d), /*unbiased*/ true, k));
      case 10: return wrap(at::std(*t, at::OptionalIntArrayRef(d), /*unbiased*/ true, k));
      case 11: {
        at::Tensor r = at::count_nonzero(*t, d);
        if (k) {
          std::vector<int64_t> shape(t->sizes().begin(), t->sizes().end());
          for (auto x : d) shape[x < 0 ? x + t->dim() : x] = 1;
          r = r.reshape(shape);
        }
        return wrap(r);
      }
      default: throw std::runtime_error("unknown reduction " + std::to_string(op));
    }
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}

// max/min along one dim with indices. op: 0 max, 1 min.
EXPORT_API(int32_t) MLATensor_max_min_dim(Tensor t, int32_t op, int64_t dim, int32_t keepdim, Tensor* out) {
  CATCH_PAIR(out, op == 0 ? at::max(*t, dim, keepdim != 0) : at::min(*t, dim, keepdim != 0));
}

// argmax/argmin; has_dim == 0 flattens first. op: 0 argmax, 1 argmin.
EXPORT_API(Tensor) MLATensor_argmax_min(Tensor t, int32_t op, int32_t has_dim, int64_t dim, int32_t keepdim) {
  auto d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
  CATCH_TENSOR(op == 0 ? at::argmax(*t, d, keepdim != 0) : at::argmin(*t, d, keepdim != 0));
}

EXPORT_API(int32_t) MLATensor_topk(Tensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, Tensor* out) {
  CATCH_PAIR(out, at::topk(*t, k, dim, largest != 0, sorted != 0));
}

EXPORT_API(int32_t) MLATensor_sort(Tensor t, int64_t dim, int32_t descending, int32_t stable, Tensor* out) {
  CATCH_PAIR(out, at::sort(*t, c10::optional<bool>(stable != 0), dim, descending != 0));
}

EXPORT_API(Tensor) MLATensor_quantile(Tensor t, double q, int32_t has_dim, int64_t dim, int32_t keepdim) {
  auto d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
  CATCH_TENSOR(at::quantile(*t, q, d, keepdim != 0, "linear"));
}

EXPORT_API(Tensor) MLATensor_cumsum(Tensor t, int64_t dim) { CATCH_TENSOR(at::cumsum(*t, dim)); }

// op: 0 softmax, 1 log_softmax.
EXPORT_API(Tensor) MLATensor_softmax(Tensor t, int64_t dim, int32_t op) {
  CATCH_TENSOR(op == 0 ? at::softmax(*t, dim) : at::log_softmax(*t, dim));
}

EXPORT_API(Tensor) MLATensor_matmul(Tensor a, Tensor b) { CATCH_TENSOR(at::matmul(*a, *b)); }
EXPORT_API(Tensor) MLATensor_mm(Tensor a, Tensor b) { CATCH_TENSOR(at::mm(*a, *b)); }
EXPORT_API(Tensor) MLATensor_bmm(Tensor a, Tensor b) { CATCH_TENSOR(at::bmm(*a, *b)); }
EXPORT_API(Tensor) MLATensor_addmm(Tensor c, Tensor a, Tensor b, double beta, double alpha) {
  CATCH_TENSOR(at::addmm(*c, *a, *b, beta, alpha));
}
EXPORT_API(Tensor) MLATensor_linear(Tensor x, Tensor w, Tensor b) { CATCH_TENSOR(at::linear(*x, *w, opt(b))); }
