// libtorch's own oneDNN ("mkldnn") tensors, for the Tensor API's to_mkldnn/to_dense, and the version counter caches
// compare. (The Network's blocked forward holds its activations in dense tensors instead: see Dnnl.cpp.)
#include "Utils.h"

EXPORT_API(int32_t) MLATensor_is_blocked(Tensor t) { return t->is_mkldnn() ? 1 : 0; }

// Dense → blocked (float32 only; oneDNN needs a contiguous source).
EXPORT_API(Tensor) MLATensor_to_blocked(Tensor t) { CATCH_TENSOR(t->contiguous().to_mkldnn()); }

EXPORT_API(Tensor) MLATensor_to_dense(Tensor t) { CATCH_TENSOR(t->to_dense()); }

// In-place modifications bump a tensor's version: a cache derived from it (a packed weight) compares versions.
EXPORT_API(int64_t) MLATensor_version(Tensor t) { return static_cast<int64_t>(t->_version()); }
