#!/usr/bin/python3
"""Reference values for the libtorch binding's op tests, computed with Debian's python3-torch.

Run with /usr/bin/python3 (the interpreter Debian's torch is installed for):
    /usr/bin/python3 tools/make_op_fixtures.py test/Microsoft.ML.Attribution.Tests/fixtures/ops
Writes <case>.in<i>.npy (inputs) and <case>.out<j>.npy (expected outputs) plus cases.json listing them.
The C# test (test/.../Torch/OpFixtureTests.cs) runs the same op through the binding for each case name.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

out_dir = sys.argv[1] if len(sys.argv) > 1 else "test/Microsoft.ML.Attribution.Tests/fixtures/ops"
os.makedirs(out_dir, exist_ok=True)
torch.manual_seed(20261122)
cases = []


def r(*shape, dtype=torch.float64, low=-2.0, high=2.0):
    return (torch.rand(*shape, dtype=dtype) * (high - low) + low)


def case(name, inputs, outputs):
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for i, t in enumerate(inputs):
        np.save(os.path.join(out_dir, f"{name}.in{i}.npy"), t.detach().numpy())
    for j, t in enumerate(outputs):
        np.save(os.path.join(out_dir, f"{name}.out{j}.npy"), t.detach().numpy())
    cases.append({"name": name, "inputs": len(inputs), "outputs": len(outputs)})


x = r(3, 4, 5)
pos = r(3, 4, 5, low=0.1, high=3.0)
# pointwise
for op in ["neg", "abs", "sign", "relu", "exp", "sigmoid", "tanh", "floor", "ceil", "round", "square", "sin", "cos"]:
    case(f"unary_{op}", [x], getattr(torch, op)(x))
for op in ["log", "sqrt", "rsqrt", "reciprocal", "log1p"]:
    case(f"unary_{op}", [pos], getattr(torch, op)(pos))
b = r(5)
for op in ["add", "sub", "mul", "div", "maximum", "minimum", "atan2"]:
    case(f"binary_{op}", [x, b], getattr(torch, op)(x, b))
case("binary_pow", [pos, b], torch.pow(pos, b))
case("binary_add_alpha", [x, b], torch.add(x, b, alpha=-2.5))
case("scalar_ops", [x], [x + 1.5, x * -3.0, 2.0 - x, x / 4.0, 1.0 / x, x.pow(2.0)])
case("compare", [x, b], [(x > b).to(torch.uint8), (x <= 0.25).to(torch.uint8), (x == x).to(torch.uint8)])
case("where", [x, b], torch.where(x > 0, x, b))
case("clamp", [x], [x.clamp(min=-0.5, max=0.7), x.clamp(min=0.0), x.clamp(max=-0.1)])
case("leaky_relu", [x], F.leaky_relu(x, 0.2))
# reductions
case("sum", [x], [x.sum(), x.sum(1), x.sum((0, 2), keepdim=True)])
case("mean", [x], [x.mean(), x.mean(2), x.mean((1, 2), keepdim=True)])
case("amax_amin", [x], [x.amax(), x.amax(1), x.amin((0, 2), keepdim=True)])
case("max_dim", [x], list(x.max(1)))
case("argmax", [x], [x.argmax(), x.argmax(2), x.argmin(0, keepdim=True)])
case("topk", [x], list(x.topk(3, dim=2)))
case("softmax", [x], [x.softmax(1), x.log_softmax(-1), x.logsumexp(1)])
case("var_std_norm", [x], [x.var(), x.std((0, 2), keepdim=True), x.norm(dim=1)])
case("cumsum", [x], x.cumsum(2))
case("quantile", [x], [torch.quantile(x.flatten(), 0.9), torch.quantile(x, 0.25, dim=2)])
case("prod", [pos], [pos.prod(), pos.prod(1)])
# shapes and indexing
case("permute_flatten", [x], [x.permute(2, 0, 1).contiguous(), x.flatten(1), x.transpose(0, 2).contiguous()])
case("cat_stack", [x, x * 2], [torch.cat([x, x * 2], 1), torch.stack([x, x * 2], 0)])
case("narrow_select", [x], [x.narrow(2, 1, 3).contiguous(), x.select(1, 2).contiguous(), x[:, ::2, 1:4].contiguous()])
idx = torch.tensor([2, 0, 2], dtype=torch.int64)
case("index_select", [x, idx], x.index_select(1, idx))
gidx = torch.randint(0, 5, (3, 4, 2))
case("gather", [x, gidx], x.gather(2, gidx))
case("scatter_add", [x, gidx], torch.zeros(3, 4, 5, dtype=torch.float64).scatter_add(2, gidx, x[:, :, :2].contiguous()))
case("expand", [b], b.expand(3, 4, 5).contiguous())
# linear algebra
m1, m2 = r(4, 6), r(6, 3)
case("matmul", [m1, m2], [m1 @ m2, torch.addmm(r(3) * 0 + 1, m1, m2, beta=0.5, alpha=2.0)])
w_lin, b_lin = r(7, 6), r(7)
case("linear", [m1, w_lin, b_lin], F.linear(m1, w_lin, b_lin))
# nn ops (float64 so the gradient cases are exact)
img = r(2, 4, 9, 11)
w = r(6, 2, 3, 3)
bias = r(6)
case("conv2d", [img, w, bias], [
    F.conv2d(img, w, bias, stride=2, padding=1, dilation=1, groups=2),
    F.conv2d(img, w, bias, stride=(1, 2), padding=(2, 1), dilation=2, groups=2),
    F.conv2d(F.pad(img, (0, 1, 1, 2)), w, None, groups=2),
])
wt = r(4, 3, 3, 3)
case("conv_transpose2d", [img, wt], F.conv_transpose2d(img, wt, None, stride=2, padding=1, output_padding=1))
case("max_pool2d", [img], [F.max_pool2d(img, 3, 2, 1), F.max_pool2d(img, 2, 2, 0, ceil_mode=True), F.max_pool2d(img, (2, 3), (1, 2), (1, 1), dilation=(2, 1))])
case("avg_pool2d", [img], [F.avg_pool2d(img, 3, 2, 1), F.avg_pool2d(img, 3, 2, 1, count_include_pad=False), F.avg_pool2d(img, 2, 2, ceil_mode=True, count_include_pad=False)])
case("adaptive_avg_pool2d", [img], [F.adaptive_avg_pool2d(img, (3, 4)), F.adaptive_avg_pool2d(img, 1)])
rm, rv, gamma, beta = r(4), r(4, low=0.5, high=2.0), r(4), r(4)
case("batch_norm", [img, rm, rv, gamma, beta], F.batch_norm(img, rm, rv, gamma, beta, False, 0.1, 1e-3))
case("interpolate", [img], [
    F.interpolate(img, size=(20, 15), mode="bilinear", align_corners=False),
    F.interpolate(img, size=(20, 15), mode="bilinear", align_corners=True),
    F.interpolate(img, size=(18, 33), mode="nearest"),
])
case("pad", [img], [F.pad(img, (1, 2, 3, 0)), F.pad(img, (2, 1, 1, 2), mode="reflect"), F.pad(img, (1, 1, 2, 0), mode="replicate"), F.pad(img, (-1, 2, 0, -2), value=0.5)])

# input gradients by autograd (upstream gradient g), the oracle for the explicit backward ops
def input_grad(fn, inp, *extra):
    inp = inp.clone().requires_grad_(True)
    y = fn(inp, *extra)
    g = r(*y.shape)
    (gi,) = torch.autograd.grad(y, inp, g)
    return g, gi

g, gi = input_grad(lambda a: F.conv2d(a, w, bias, stride=2, padding=1, dilation=1, groups=2), img)
case("grad_conv2d", [img, w, g], gi)
g, gi = input_grad(lambda a: F.max_pool2d(a, 3, 2, 1), img)
case("grad_max_pool2d", [img, g], gi)
g, gi = input_grad(lambda a: F.avg_pool2d(a, 3, 2, 1, count_include_pad=False), img)
case("grad_avg_pool2d", [img, g], gi)
g, gi = input_grad(lambda a: F.adaptive_avg_pool2d(a, (3, 4)), img)
case("grad_adaptive_avg_pool2d", [img, g], gi)
g, gi = input_grad(lambda a: F.linear(a, w_lin, b_lin), m1)
case("grad_linear", [m1, w_lin, g], gi)

with open(os.path.join(out_dir, "cases.json"), "w") as f:
    json.dump({"torch": torch.__version__, "seed": 20261122, "cases": cases}, f, indent=1)
print(f"{len(cases)} cases written to {out_dir}")
