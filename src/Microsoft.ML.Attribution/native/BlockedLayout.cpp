// oneDNN's blocked ("mkldnn") tensor layout for unrecorded float32 CPU forwards: convolution weights are packed once
// and activations stay blocked between layers, which saves the per-call reorders of the dense NCHW path.
#include "Utils.h"

#include <ATen/Context.h>

static at::IntArrayRef pair(const int64_t* p) { return at::IntArrayRef(p, 2); }

EXPORT_API(int32_t) MLANN_blocked_layout_available() { return at::hasMKLDNN() ? 1 : 0; }

EXPORT_API(int32_t) MLATensor_is_blocked(Tensor t) { return t->is_mkldnn() ? 1 : 0; }

// Dense → blocked (float32 only; oneDNN needs a contiguous source).
EXPORT_API(Tensor) MLATensor_to_blocked(Tensor t) { CATCH_TENSOR(t->contiguous().to_mkldnn()); }

EXPORT_API(Tensor) MLATensor_to_dense(Tensor t) { CATCH_TENSOR(t->to_dense()); }

// In-place modifications bump a tensor's version: a cache derived from it (a packed weight) compares versions.
EXPORT_API(int64_t) MLATensor_version(Tensor t) { return static_cast<int64_t>(t->_version()); }

// A [out, in/groups, kH, kW] weight packed into the layout oneDNN's convolution wants for these settings.
EXPORT_API(Tensor) MLANN_pack_conv2d_weight(Tensor w, const int64_t* padding, const int64_t* stride, const int64_t* dilation,
                                            int64_t groups) {
  CATCH_TENSOR(at::mkldnn_reorder_conv2d_weight(w->contiguous().to_mkldnn(), pair(padding), pair(stride), pair(dilation), groups));
}

// Convolution of a blocked input with a packed weight (symmetric padding); the output is blocked.
EXPORT_API(Tensor) MLANN_blocked_conv2d(Tensor x, Tensor packed_w, Tensor b, const int64_t* padding, const int64_t* stride,
                                        const int64_t* dilation, int64_t groups) {
  CATCH_TENSOR(at::mkldnn_convolution(*x, *packed_w, opt(b), pair(padding), pair(stride), pair(dilation), groups));
}
