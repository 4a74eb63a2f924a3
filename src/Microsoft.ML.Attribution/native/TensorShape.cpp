// Views, joins, indexing and selection.
#include "Utils.h"

EXPORT_API(Tensor) MLATensor_reshape(Tensor t, const int64_t* shape, int32_t ndim) { CATCH_TENSOR(t->reshape(arr(shape, ndim))); }
EXPORT_API(Tensor) MLATensor_view(Tensor t, const int64_t* shape, int32_t ndim) { CATCH_TENSOR(t->view(arr(shape, ndim))); }
EXPORT_API(Tensor) MLATensor_permute(Tensor t, const int64_t* dims, int32_t ndim) { CATCH_TENSOR(t->permute(arr(dims, ndim))); }
EXPORT_API(Tensor) MLATensor_transpose(Tensor t, int64_t dim0, int64_t dim1) { CATCH_TENSOR(t->transpose(dim0, dim1)); }
EXPORT_API(Tensor) MLATensor_flatten(Tensor t, int64_t start, int64_t end) { CATCH_TENSOR(t->flatten(start, end)); }
EXPORT_API(Tensor) MLATensor_expand(Tensor t, const int64_t* shape, int32_t ndim) { CATCH_TENSOR(t->expand(arr(shape, ndim))); }
EXPORT_API(Tensor) MLATensor_repeat(Tensor t, const int64_t* repeats, int32_t ndim) { CATCH_TENSOR(t->repeat(arr(repeats, ndim))); }
EXPORT_API(Tensor) MLATensor_unsqueeze(Tensor t, int64_t dim) { CATCH_TENSOR(t->unsqueeze(dim)); }
EXPORT_API(Tensor) MLATensor_squeeze(Tensor t, int32_t has_dim, int64_t dim) { CATCH_TENSOR(has_dim ? t->squeeze(dim) : t->squeeze()); }
EXPORT_API(Tensor) MLATensor_narrow(Tensor t, int64_t dim, int64_t start, int64_t length) { CATCH_TENSOR(t->narrow(dim, start, length)); }
EXPORT_API(Tensor) MLATensor_slice(Tensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  CATCH_TENSOR(t->slice(dim, start, end, step));
}
EXPORT_API(Tensor) MLATensor_select(Tensor t, int64_t dim, int64_t index) { CATCH_TENSOR(t->select(dim, index)); }
EXPORT_API(Tensor) MLATensor_flip(Tensor t, const int64_t* dims, int32_t ndim) { CATCH_TENSOR(t->flip(arr(dims, ndim))); }

EXPORT_API(Tensor) MLATensor_cat(const Tensor* tensors, int32_t count, int64_t dim) { CATCH_TENSOR(at::cat(list(tensors, count), dim)); }
EXPORT_API(Tensor) MLATensor_stack(const Tensor* tensors, int32_t count, int64_t dim) { CATCH_TENSOR(at::stack(list(tensors, count), dim)); }

EXPORT_API(Tensor) MLATensor_index_select(Tensor t, int64_t dim, Tensor index) { CATCH_TENSOR(at::index_select(*t, dim, *index)); }
EXPORT_API(Tensor) MLATensor_gather(Tensor t, int64_t dim, Tensor index) { CATCH_TENSOR(at::gather(*t, dim, *index)); }
EXPORT_API(Tensor) MLATensor_scatter(Tensor t, int64_t dim, Tensor index, Tensor source) { CATCH_TENSOR(at::scatter(*t, dim, *index, *source)); }
EXPORT_API(Tensor) MLATensor_scatter_add(Tensor t, int64_t dim, Tensor index, Tensor source) {
  CATCH_TENSOR(at::scatter_add(*t, dim, *index, *source));
}
EXPORT_API(Tensor) MLATensor_masked_select(Tensor t, Tensor mask) { CATCH_TENSOR(at::masked_select(*t, *mask)); }
EXPORT_API(Tensor) MLATensor_nonzero(Tensor t) { CATCH_TENSOR(at::nonzero(*t)); }

// t[index[i]] += source[i] along dim (accumulating repeated indices).
EXPORT_API(int32_t) MLATensor_index_add_(Tensor t, int64_t dim, Tensor index, Tensor source) { CATCH_STATUS(t->index_add_(dim, *index, *source)); }
