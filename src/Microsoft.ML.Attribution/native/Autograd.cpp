// Autograd: grad mode, requires_grad, backward, grad, and autograd.grad (input gradients without touching .grad).
#include "Utils.h"

#include <torch/csrc/autograd/autograd.h>

EXPORT_API(int32_t) MLAAutograd_is_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
// Returns the previous mode so the managed scope can restore it.
EXPORT_API(int32_t) MLAAutograd_set_enabled(int32_t enabled) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}

EXPORT_API(int32_t) MLATensor_requires_grad(Tensor t) { return t->requires_grad() ? 1 : 0; }
EXPORT_API(int32_t) MLATensor_requires_grad_(Tensor t, int32_t value) { CATCH_STATUS(t->requires_grad_(value != 0)); }
EXPORT_API(int32_t) MLATensor_is_leaf(Tensor t) { return t->is_leaf() ? 1 : 0; }
EXPORT_API(Tensor) MLATensor_detach(Tensor t) { CATCH_TENSOR(t->detach()); }

// out receives nullptr when the tensor has no gradient yet.
EXPORT_API(int32_t) MLATensor_grad(Tensor t, Tensor* out) { CATCH_STATUS(*out = wrap_optional(t->grad())); }
EXPORT_API(int32_t) MLATensor_zero_grad(Tensor t) { CATCH_STATUS(t->mutable_grad().reset()); }

EXPORT_API(int32_t) MLATensor_backward(Tensor t, Tensor gradient, int32_t retain_graph, int32_t create_graph) {
  CATCH_STATUS(t->backward(gradient == nullptr ? at::Tensor() : *gradient, c10::optional<bool>(retain_graph != 0), create_graph != 0));
}

// grad_outputs may contain nullptr entries (implicit ones for scalar outputs); out receives one handle per input,
// nullptr for an unused input when allow_unused.
EXPORT_API(int32_t) MLAAutograd_grad(const Tensor* outputs, int32_t n_outputs, const Tensor* inputs, int32_t n_inputs,
                                     const Tensor* grad_outputs, int32_t n_grad_outputs, int32_t retain_graph,
                                     int32_t create_graph, int32_t allow_unused, Tensor* out) {
  try {
    std::vector<at::Tensor> grads;
    for (int32_t i = 0; i < n_grad_outputs; i++) grads.push_back(grad_outputs[i] == nullptr ? at::Tensor() : *grad_outputs[i]);
    auto result = torch::autograd::grad(list(outputs, n_outputs), list(inputs, n_inputs), grads,
                                        c10::optional<bool>(retain_graph != 0), create_graph != 0, allow_unused != 0);
    for (int32_t i = 0; i < n_inputs; i++) out[i] = wrap_optional(result[i]);
    return 0;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}
