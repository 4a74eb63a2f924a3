// oneDNN called directly for unrecorded float32 CPU forwards. Activations travel between layers in oneDNN's nChw16c
// layout, held by ordinary dense tensors shaped [N, C/16, H, W, 16] (element-wise ops then work on them unchanged).
// Convolutions keep one plan per input shape: the primitive (Winograd for 3×3 stride-1 layers, which libtorch never
// picks) and the weights packed for it. Scratch memory is per calling thread, so plans are safe to run from many threads.
#include "Utils.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

namespace {

using dnnl::memory;
using tag = memory::format_tag;
constexpr int64_t kBlock = 16;

// Bytes of weights packed so far, process-wide (a diagnostic: tests check that kernels share their packed copies).
std::atomic<int64_t> packed_bytes_total{0};

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// One scratch pad per thread, grown as needed: primitives' scratch (Winograd's transformed tiles: tens of MB) is
// needed only during the call.
void* scratch_pad(size_t bytes) {
  thread_local at::Tensor pad;
  if (!pad.defined() || (size_t)pad.numel() < bytes) {
    pad = at::Tensor();
    pad = at::empty({(int64_t)bytes}, at::kByte);
  }
  return pad.data_ptr();
}

void run(const dnnl::primitive& primitive, std::unordered_map<int, memory> args, size_t scratch_bytes) {
  if (scratch_bytes > 0)
    args.emplace(DNNL_ARG_SCRATCHPAD, memory({{(int64_t)scratch_bytes}, memory::data_type::u8, tag::x}, cpu_engine(), scratch_pad(scratch_bytes)));
  dnnl::stream stream(cpu_engine());
  primitive.execute(stream, args);
  stream.wait();
}

memory::desc activation_desc(int64_t n, int64_t c, int64_t h, int64_t w, bool blocked) {
  return memory::desc({n, c, h, w}, memory::data_type::f32, blocked ? tag::nChw16c : tag::nchw);
}

// A blocked activation's logical NCHW sizes; a dense one's are its own.
std::array<int64_t, 4> logical_sizes(const at::Tensor& x, bool blocked) {
  if (blocked) {
    TORCH_CHECK(x.dim() == 5 && x.size(4) == kBlock, "a blocked activation is [N, C/16, H, W, 16], got ", x.sizes());
    return {x.size(0), x.size(1) * kBlock, x.size(2), x.size(3)};
  }
  TORCH_CHECK(x.dim() == 4, "a dense activation is [N, C, H, W], got ", x.sizes());
  return {x.size(0), x.size(1), x.size(2), x.size(3)};
}

at::Tensor new_activation(int64_t n, int64_t c, int64_t h, int64_t w, bool blocked) {
  return blocked ? at::empty({n, c / kBlock, h, w, kBlock}, at::kFloat) : at::empty({n, c, h, w}, at::kFloat);
}

void check_float_cpu(const at::Tensor& x, const char* what) {
  TORCH_CHECK(x.scalar_type() == at::kFloat && x.device().is_cpu() && x.layout() == at::kStrided, what, " must be a float32 CPU tensor");
}

// A primitive made for one input shape, the weights packed for it (convolutions), and the layouts of its input and output sides.
template <class Primitive>
struct Plan {
  bool supported = false;
  Primitive primitive;
  memory weights;
  memory::desc input_side, output_side;
  size_t scratch_bytes = 0;
};

struct ConvPlan : Plan<dnnl::convolution_forward> {
  bool blocked_out = false;
  int64_t out_channels = 0, out_h = 0, out_w = 0;
};

using BackwardPlan = Plan<dnnl::convolution_backward_data>;

struct Convolution {
  at::Tensor weight, bias;
  int64_t stride[2], pad_l[2], pad_r[2], dilation[2], groups;
  bool allow_winograd, relu, accumulate;  // epilogue: y = relu?(conv(x) + bias + (accumulate ? y_before : 0))
  std::mutex lock;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t, bool>, std::shared_ptr<ConvPlan>> plans;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, std::shared_ptr<BackwardPlan>> backward_plans;

  memory::dims weight_dims(int64_t in_channels) const {
    const int64_t oc = weight.size(0), kh = weight.size(2), kw = weight.size(3);
    return groups == 1 ? memory::dims{oc, in_channels, kh, kw} : memory::dims{groups, oc / groups, in_channels / groups, kh, kw};
  }

  // The output size for an input of these sizes, and oneDNN's stride, dilation (counted from 0: no gaps) and padding.
  struct Geometry {
    int64_t out_h, out_w;
    memory::dims strides, dilation, left, right;
  };

  Geometry geometry(const std::array<int64_t, 4>& in) const {
    const int64_t kh = weight.size(2), kw = weight.size(3);
    return {(in[2] + pad_l[0] + pad_r[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1,
            (in[3] + pad_l[1] + pad_r[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1,
            {stride[0], stride[1]}, {dilation[0] - 1, dilation[1] - 1}, {pad_l[0], pad_l[1]}, {pad_r[0], pad_r[1]}};
  }

  bool winograd_shaped() const {
    return allow_winograd && groups == 1 && weight.size(2) == 3 && weight.size(3) == 3 && stride[0] == 1 && stride[1] == 1 &&
           dilation[0] == 1 && dilation[1] == 1;
  }

  // Packed copies of the weights, shared by every plan (any input shape) that wants the same layout — and by the other
  // convolutions made from the same weights with another epilogue (a layer's fused-ReLU, plain and accumulating kernels).
  struct PackedWeights {
    std::mutex lock;
    std::vector<memory> copies;
  };
  std::shared_ptr<PackedWeights> packed = std::make_shared<PackedWeights>();

  // Distinct layouts a layer's weights are packed in stay few; past this many (shapes that each want their own), start over.
  static constexpr size_t kMaxPacked = 8;

  // This layer's weights reordered into the layout a primitive wants.
  memory pack_weights(const memory::desc& wanted, int64_t in_channels) {
    std::lock_guard<std::mutex> guard(packed->lock);
    for (const memory& m : packed->copies)
      if (m.get_desc() == wanted) return m;
    if (packed->copies.size() >= kMaxPacked) packed->copies.clear();  // plans keep their own references
    at::Tensor w = weight.contiguous();
    memory plain(memory::desc(weight_dims(in_channels), memory::data_type::f32, groups == 1 ? tag::oihw : tag::goihw), cpu_engine(), w.data_ptr());
    memory copy(wanted, cpu_engine());
    dnnl::stream stream(cpu_engine());
    dnnl::reorder(plain, copy).execute(stream, plain, copy);
    stream.wait();
    packed->copies.push_back(copy);
    packed_bytes_total += wanted.get_size();
    return copy;
  }

  // Many input shapes (sub-batches of every size, occlusion boxes) would each keep a plan: past a bound, start over.
  static constexpr size_t kMaxPlans = 16;

  void bound_plans() {
    if (plans.size() + backward_plans.size() < kMaxPlans) return;
    plans.clear();
    backward_plans.clear();
  }

  // The input-gradient (transposed) convolution for an input of these sizes, both sides blocked; Winograd when allowed.
  std::shared_ptr<BackwardPlan> backward_plan_for(const std::array<int64_t, 4>& in) {
    std::lock_guard<std::mutex> guard(lock);
    auto key = std::make_tuple(in[0], in[1], in[2], in[3]);
    auto found = backward_plans.find(key);
    if (found != backward_plans.end()) return found->second;
    bound_plans();
    auto plan = std::make_shared<BackwardPlan>();
    backward_plans.emplace(key, plan);
    const int64_t oc = weight.size(0);
    if (in[1] != weight.size(1) * groups || in[1] % kBlock != 0 || oc % kBlock != 0 || groups != 1) return plan;
    const Geometry g = geometry(in);
    if (g.out_h <= 0 || g.out_w <= 0) return plan;
    memory::desc src = activation_desc(in[0], in[1], in[2], in[3], true), dst = activation_desc(in[0], oc, g.out_h, g.out_w, true);
    memory::desc any_weights(weight_dims(in[1]), memory::data_type::f32, tag::any);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    for (auto algorithm : {dnnl::algorithm::convolution_winograd, dnnl::algorithm::convolution_direct}) {
      if (algorithm == dnnl::algorithm::convolution_winograd && !winograd_shaped()) continue;
      try {
        dnnl::convolution_forward::desc hint_desc(dnnl::prop_kind::forward_training, algorithm, src, any_weights, dst, g.strides, g.dilation,
                                                  g.left, g.right);
        dnnl::convolution_forward::primitive_desc hint(hint_desc, cpu_engine());
        dnnl::convolution_backward_data::desc d(algorithm, src, any_weights, dst, g.strides, g.dilation, g.left, g.right);
        dnnl::convolution_backward_data::primitive_desc pd(d, attr, cpu_engine(), hint);
        plan->weights = pack_weights(pd.weights_desc(), in[1]);
        plan->primitive = dnnl::convolution_backward_data(pd);
        plan->input_side = src;
        plan->output_side = dst;
        plan->scratch_bytes = pd.scratchpad_desc().get_size();
        plan->supported = true;
        break;
      } catch (const dnnl::error&) {
      }
    }
    return plan;
  }

  std::shared_ptr<ConvPlan> plan_for(const std::array<int64_t, 4>& in, bool blocked_in) {
    std::lock_guard<std::mutex> guard(lock);
    auto key = std::make_tuple(in[0], in[1], in[2], in[3], blocked_in);
    auto found = plans.find(key);
    if (found != plans.end()) return found->second;
    bound_plans();
    auto plan = make_plan(in, blocked_in);
    plans.emplace(key, plan);
    return plan;
  }

  std::shared_ptr<ConvPlan> make_plan(const std::array<int64_t, 4>& in, bool blocked_in) {
    auto plan = std::make_shared<ConvPlan>();
    const int64_t oc = weight.size(0);
    if (in[1] != weight.size(1) * groups) return plan;  // the dense path reports the mismatch
    const Geometry g = geometry(in);
    if (g.out_h <= 0 || g.out_w <= 0) return plan;
    const bool blocked_out = oc % kBlock == 0;
    // A grouped convolution on blocked channels needs whole 16-channel blocks per group (or one channel per group).
    const bool depthwise = groups == in[1] && groups == oc;
    if (groups > 1 && !depthwise && (in[1] / groups % kBlock != 0 || oc / groups % kBlock != 0) && (blocked_in || blocked_out)) return plan;
    memory::desc src = activation_desc(in[0], in[1], in[2], in[3], blocked_in);
    memory::desc dst = activation_desc(in[0], oc, g.out_h, g.out_w, blocked_out);
    memory::desc any_weights(weight_dims(in[1]), memory::data_type::f32, tag::any);
    memory::desc bias_desc = bias.defined() ? memory::desc({oc}, memory::data_type::f32, tag::x) : memory::desc();
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (relu || accumulate) {
      dnnl::post_ops ops;
      if (accumulate) ops.append_sum(1.f);
      if (relu) ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      attr.set_post_ops(ops);
    }
    dnnl::convolution_forward::primitive_desc pd;
    for (auto algorithm : {dnnl::algorithm::convolution_winograd, dnnl::algorithm::convolution_direct}) {
      if (algorithm == dnnl::algorithm::convolution_winograd && !(winograd_shaped() && blocked_in && blocked_out)) continue;
      try {
        dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, algorithm, src, any_weights, bias_desc, dst, g.strides,
                                          g.dilation, g.left, g.right);
        pd = dnnl::convolution_forward::primitive_desc(d, attr, cpu_engine());
        break;
      } catch (const dnnl::error&) {
      }
    }
    if (!pd) return plan;
    plan->weights = pack_weights(pd.weights_desc(), in[1]);  // once for this primitive
    plan->primitive = dnnl::convolution_forward(pd);
    plan->input_side = src;
    plan->output_side = dst;
    plan->scratch_bytes = pd.scratchpad_desc().get_size();
    plan->blocked_out = blocked_out;
    plan->out_channels = oc;
    plan->out_h = g.out_h;
    plan->out_w = g.out_w;
    plan->supported = true;
    return plan;
  }
};

using PoolPlan = Plan<dnnl::pooling_forward>;  // no weights

// Pooling primitives are shared by every layer with the same shape and settings.
std::shared_ptr<PoolPlan> pool_plan(int32_t kind, const std::array<int64_t, 4>& in, const int64_t* kernel, const int64_t* stride,
                                    const int64_t* pad_l, const int64_t* pad_r, int64_t oh, int64_t ow) {
  static std::mutex lock;
  static std::map<std::vector<int64_t>, std::shared_ptr<PoolPlan>> plans;
  std::vector<int64_t> key{kind, in[0], in[1], in[2], in[3], kernel[0], kernel[1], stride[0], stride[1], pad_l[0], pad_l[1], pad_r[0], pad_r[1]};
  std::lock_guard<std::mutex> guard(lock);
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  if (plans.size() >= 256) plans.clear();  // many distinct shapes: start over rather than grow without bound
  auto algorithm = kind == 0 ? dnnl::algorithm::pooling_max
                   : kind == 1 ? dnnl::algorithm::pooling_avg_include_padding
                               : dnnl::algorithm::pooling_avg_exclude_padding;
  auto plan = std::make_shared<PoolPlan>();
  plan->input_side = activation_desc(in[0], in[1], in[2], in[3], true);
  plan->output_side = activation_desc(in[0], in[1], oh, ow, true);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  try {
    dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_inference, algorithm, plan->input_side, plan->output_side, {stride[0], stride[1]},
                                  {kernel[0], kernel[1]}, {pad_l[0], pad_l[1]}, {pad_r[0], pad_r[1]});
    dnnl::pooling_forward::primitive_desc pd(d, attr, cpu_engine());
    plan->primitive = dnnl::pooling_forward(pd);
    plan->scratch_bytes = pd.scratchpad_desc().get_size();
    plan->supported = true;
  } catch (const dnnl::error&) {
    // e.g. padding as large as the window: the caller pools dense
  }
  plans.emplace(key, plan);
  return plan;
}

at::Tensor reorder_activation(const at::Tensor& given, bool to_blocked) {
  check_float_cpu(given, "the activation");
  at::Tensor x = given.contiguous();
  auto s = logical_sizes(x, !to_blocked);
  TORCH_CHECK(s[1] % kBlock == 0, "the blocked layout needs a channel count divisible by 16, got ", s[1]);
  at::Tensor y = new_activation(s[0], s[1], s[2], s[3], to_blocked);
  memory src(activation_desc(s[0], s[1], s[2], s[3], !to_blocked), cpu_engine(), x.data_ptr());
  memory dst(activation_desc(s[0], s[1], s[2], s[3], to_blocked), cpu_engine(), y.data_ptr());
  dnnl::stream stream(cpu_engine());
  dnnl::reorder(src, dst).execute(stream, src, dst);
  stream.wait();
  return y;
}

// Winograd's scratch can hold the transformed tiles of every row of the batch (VGG16's 112×112 layers: ~28 MB a row),
// so beyond this bound a batch runs in chunks of rows: the same work per row, the scratch bounded.
std::atomic<size_t> scratch_per_call{size_t(128) << 20};

// Rows per call for a plan made for `rows` rows: all of them, or as many as keep the scratch under the bound.
int64_t rows_per_call(size_t scratch_bytes, int64_t rows) {
  const size_t limit = scratch_per_call.load();
  if (rows <= 1 || scratch_bytes <= limit) return rows;
  const size_t per_row = std::max<size_t>(1, (scratch_bytes + rows - 1) / rows);
  return std::max<int64_t>(1, std::min<int64_t>(rows, (int64_t)(limit / per_row)));
}

// The plans for the chunks of an n-row batch — (first row, plan) — or none when one is unsupported. With chunk = n it
// is the one plan already made for the batch (a cached lookup).
template <class PlanFor>
auto chunk_plans(int64_t n, int64_t chunk, PlanFor plan_for) {
  using PlanPtr = decltype(plan_for(int64_t(1)));
  std::vector<std::pair<int64_t, PlanPtr>> calls;
  PlanPtr full = plan_for(chunk), rest = n % chunk != 0 ? plan_for(n % chunk) : full;
  if (!full->supported || !rest->supported) return calls;
  for (int64_t row = 0; row < n; row += chunk) calls.emplace_back(row, n - row >= chunk ? full : rest);
  return calls;
}

}  // namespace

// `share_packed_with` (or null): a convolution made from the same weights (another epilogue) whose packed copies this
// one shares instead of packing its own.
EXPORT_API(void*) MLADnnl_conv_new(Tensor weight, Tensor bias, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                                   int64_t groups, int32_t allow_winograd, int32_t epilogue, void* share_packed_with) {
  try {
    TORCH_CHECK(weight->dim() == 4 && weight->scalar_type() == at::kFloat && weight->device().is_cpu(),
                "oneDNN convolutions take a float32 CPU [out, in/groups, kH, kW] weight");
    auto conv = std::make_unique<Convolution>();
    if (share_packed_with != nullptr) {
      auto other = static_cast<Convolution*>(share_packed_with);
      TORCH_CHECK(other->weight.sizes() == weight->sizes(), "packed weights are shared only between convolutions of the same weights");
      conv->packed = other->packed;
    }
    conv->weight = *weight;
    if (bias != nullptr) conv->bias = bias->contiguous();
    for (int i = 0; i < 2; i++) {
      conv->stride[i] = stride[i];
      conv->dilation[i] = dilation[i];
      conv->pad_l[i] = padding[i];      // (top, left)
      conv->pad_r[i] = padding[i + 2];  // (bottom, right)
    }
    conv->groups = groups;
    conv->allow_winograd = allow_winograd != 0;
    conv->relu = (epilogue & 1) != 0;
    conv->accumulate = (epilogue & 2) != 0;
    return conv.release();
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}

EXPORT_API(void) MLADnnl_conv_free(void* conv) { delete static_cast<Convolution*>(conv); }

// The scratch a forward plan for this input wants (bytes; -1 when oneDNN has no kernel): a diagnostic for tests.
EXPORT_API(int64_t) MLADnnl_conv_scratch_bytes(void* handle, int64_t n, int64_t c, int64_t h, int64_t w, int32_t blocked) {
  try {
    auto plan = static_cast<Convolution*>(handle)->plan_for({n, c, h, w}, blocked != 0);
    return plan->supported ? (int64_t)plan->scratch_bytes : -1;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}

EXPORT_API(int64_t) MLADnnl_packed_bytes_total() { return packed_bytes_total.load(); }

// The scratch bound per convolution call in bytes (0: every call in one piece); returns the previous bound.
EXPORT_API(int64_t) MLADnnl_set_scratch_per_call(int64_t bytes) {
  return (int64_t)scratch_per_call.exchange(bytes <= 0 ? SIZE_MAX : (size_t)bytes);
}

// Runs the convolution on a dense [N,C,H,W] or blocked input. Returns 1 and the output (blocked when the output channel
// count divides by 16, else dense) in *out; 0 when oneDNN has no kernel for it (the caller runs the dense path); -1 on error.
// An accumulating convolution adds its result to `accumulate` (shaped like the output) in place and returns it.
EXPORT_API(int32_t) MLADnnl_conv_forward(void* handle, Tensor x, int32_t x_blocked, Tensor accumulate, Tensor* out, int32_t* out_blocked) {
  try {
    auto conv = static_cast<Convolution*>(handle);
    check_float_cpu(*x, "the convolution's input");
    TORCH_CHECK(conv->accumulate == (accumulate != nullptr), "an accumulating convolution needs exactly one tensor to add into");
    at::Tensor input = x->contiguous();
    auto in = logical_sizes(input, x_blocked != 0);
    auto plan = conv->plan_for(in, x_blocked != 0);
    if (!plan->supported) return 0;
    const int64_t chunk = rows_per_call(plan->scratch_bytes, in[0]);
    auto calls = chunk_plans(in[0], chunk, [&](int64_t rows) { return conv->plan_for({rows, in[1], in[2], in[3]}, x_blocked != 0); });
    if (calls.empty()) return 0;
    at::Tensor y;
    if (accumulate != nullptr) {
      y = *accumulate;
      check_float_cpu(y, "the tensor to accumulate into");
      std::vector<int64_t> expected = plan->blocked_out
                                          ? std::vector<int64_t>{in[0], plan->out_channels / kBlock, plan->out_h, plan->out_w, kBlock}
                                          : std::vector<int64_t>{in[0], plan->out_channels, plan->out_h, plan->out_w};
      // Not ours to fuse (the caller runs the layers one by one): a differently shaped operand, or one sharing the
      // input's storage, which the convolution would overwrite while still reading it.
      if (!y.is_contiguous() || y.sizes() != at::IntArrayRef(expected) || y.is_alias_of(input) || y.is_alias_of(*x)) return 0;
    } else {
      y = new_activation(in[0], plan->out_channels, plan->out_h, plan->out_w, plan->blocked_out);
    }
    const int64_t in_row = in[1] * in[2] * in[3], out_row = plan->out_channels * plan->out_h * plan->out_w;
    for (const auto& [row, part] : calls) {
      std::unordered_map<int, memory> args{
          {DNNL_ARG_SRC, memory(part->input_side, cpu_engine(), input.data_ptr<float>() + row * in_row)},
          {DNNL_ARG_WEIGHTS, part->weights},
          {DNNL_ARG_DST, memory(part->output_side, cpu_engine(), y.data_ptr<float>() + row * out_row)}};
      if (conv->bias.defined())
        args.emplace(DNNL_ARG_BIAS, memory({{part->out_channels}, memory::data_type::f32, tag::x}, cpu_engine(), conv->bias.data_ptr()));
      run(part->primitive, std::move(args), part->scratch_bytes);
    }
    *out = wrap(std::move(y));
    *out_blocked = plan->blocked_out ? 1 : 0;
    return 1;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}

// Pooling of a blocked input into a blocked output of the given size (1 and *out; 0 when oneDNN refuses the settings; -1 on error); kind 0 = max, 1 = average counting the padding,
// 2 = average over the window's part inside the input. Padding is (top, left, bottom, right).
EXPORT_API(int32_t) MLADnnl_pool(Tensor x, int32_t kind, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                 int64_t out_h, int64_t out_w, Tensor* out) {
  try {
    check_float_cpu(*x, "the pooling's input");
    at::Tensor input = x->contiguous();
    auto in = logical_sizes(input, true);
    const int64_t pad_l[2] = {padding[0], padding[1]}, pad_r[2] = {padding[2], padding[3]};
    auto plan = pool_plan(kind, in, kernel, stride, pad_l, pad_r, out_h, out_w);
    if (!plan->supported) return 0;
    at::Tensor y = new_activation(in[0], in[1], out_h, out_w, true);
    run(plan->primitive,
        {{DNNL_ARG_SRC, memory(plan->input_side, cpu_engine(), input.data_ptr())},
         {DNNL_ARG_DST, memory(plan->output_side, cpu_engine(), y.data_ptr())}},
        plan->scratch_bytes);
    *out = wrap(std::move(y));
    return 1;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}

// The input gradient of the convolution for a dense [N, C, H, W] output gradient: dense [N, C_in, in_h, in_w], computed in
// the blocked layout (Winograd where it applies). 1 and *out; 0 when oneDNN has no kernel for the case; -1 on error.
EXPORT_API(int32_t) MLADnnl_conv_backward_data(void* handle, Tensor grad_out, int64_t in_h, int64_t in_w, Tensor* out) {
  try {
    auto conv = static_cast<Convolution*>(handle);
    check_float_cpu(*grad_out, "the output gradient");
    TORCH_CHECK(grad_out->dim() == 4, "the output gradient must be [N, C, H, W], got ", grad_out->sizes());
    const int64_t n = grad_out->size(0), c = conv->weight.size(1) * conv->groups;
    auto plan = conv->backward_plan_for({n, c, in_h, in_w});
    if (!plan->supported) return 0;
    const int64_t chunk = rows_per_call(plan->scratch_bytes, n);
    auto calls = chunk_plans(n, chunk, [&](int64_t rows) { return conv->backward_plan_for({rows, c, in_h, in_w}); });
    if (calls.empty()) return 0;
    TORCH_CHECK(plan->output_side.dims() == memory::dims({n, grad_out->size(1), grad_out->size(2), grad_out->size(3)}),
                "the output gradient's shape ", grad_out->sizes(), " does not match the convolution of a ", n, "x", c, "x", in_h, "x", in_w, " input");
    at::Tensor gy = reorder_activation(*grad_out, true);
    at::Tensor gx = new_activation(n, c, in_h, in_w, true);
    const int64_t out_row = grad_out->size(1) * grad_out->size(2) * grad_out->size(3), in_row = c * in_h * in_w;
    for (const auto& [row, part] : calls)
      run(part->primitive,
          {{DNNL_ARG_DIFF_DST, memory(part->output_side, cpu_engine(), gy.data_ptr<float>() + row * out_row)},
           {DNNL_ARG_WEIGHTS, part->weights},
           {DNNL_ARG_DIFF_SRC, memory(part->input_side, cpu_engine(), gx.data_ptr<float>() + row * in_row)}},
          part->scratch_bytes);
    *out = wrap(reorder_activation(gx, false));
    return 1;
  } catch (...) {
    record_current_exception();
    return -1;
  }
}

// [N, C, H, W] → [N, C/16, H, W, 16] (C divisible by 16).
EXPORT_API(Tensor) MLADnnl_to_blocked(Tensor x) { CATCH_TENSOR(reorder_activation(*x, true)); }

// [N, C/16, H, W, 16] → [N, C, H, W].
EXPORT_API(Tensor) MLADnnl_to_dense(Tensor x) { CATCH_TENSOR(reorder_activation(*x, false)); }
