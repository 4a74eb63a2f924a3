#!/usr/bin/python3
"""Reference maps for RectGrad, Occlusion, RISE, Excitation Backprop and contrastive MWP on the peer-small model.

    /usr/bin/python3 tools/make_method_references.py [OUT_DIR]

Written from shared/docs/methods.md (§5.7 RectGrad, §5.9 EBP / c-MWP), the RISE paper (Petsiuk et al. 2018) and
Captum's documented Occlusion semantics, with Debian's torch only. It does not share code with the C# library.

The model: test/.../fixtures/peer-small/small.onnx is read by a small protobuf wire-format reader below (no onnx
package here) and evaluated node by node with torch.nn.functional — the network is a plain chain of Conv, Relu,
MaxPool, GlobalAveragePool, Flatten and Gemm, so an interpreter of those six ops is all it takes. That keeps the
weights bit-identical to what the C# importer reads, with no export step on the C# side.

Modified backward passes walk the recorded chain in reverse; each node's ordinary backward is torch autograd on a
recomputation, and the method's rule replaces it where the method says so. Writes float32 .npy files and
reference.json (every parameter) into OUT_DIR (default: the test project's fixtures/method-reference).
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, 'test', 'Microsoft.ML.Attribution.Tests', 'fixtures')
PEER = os.path.join(FIXTURES, 'peer-small')


# ---------------------------------------------------------------------------------------------------------------
# ONNX (protobuf wire format) reader: just the fields this model uses.

def _varint(buf, i):
    value, shift = 0, 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _fields(buf):
    """Yields (field number, wire type, value) of one message."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        elif wire == 2:
            length, i = _varint(buf, i)
            value, i = buf[i:i + length], i + length
        else:
            raise ValueError('unsupported wire type %d' % wire)
        yield number, wire, value


def _signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def _ints(wire, value):
    """A repeated int64 field entry, packed or not."""
    if wire == 0:
        return [_signed(value)]
    out, i = [], 0
    while i < len(value):
        v, i = _varint(value, i)
        out.append(_signed(v))
    return out


def _tensor(buf):
    dims, name, raw, floats, dtype = [], None, None, [], 1
    for number, wire, value in _fields(buf):
        if number == 1:
            dims += _ints(wire, value)
        elif number == 2:
            dtype = value
        elif number == 4:
            floats += list(struct.unpack('<%df' % (len(value) // 4), value)) if wire == 2 else [struct.unpack('<f', value)[0]]
        elif number == 8:
            name = value.decode()
        elif number == 9:
            raw = value
    if dtype != 1:
        raise ValueError('only float initializers are expected, %s has type %d' % (name, dtype))
    data = np.frombuffer(raw, dtype='<f4') if raw is not None else np.array(floats, dtype=np.float32)
    return name, torch.from_numpy(data.reshape(dims).copy())


def _attribute(buf):
    name, ints, value = None, [], None
    for number, wire, v in _fields(buf):
        if number == 1:
            name = v.decode()
        elif number == 2:
            value = struct.unpack('<f', v)[0]
        elif number == 3:
            value = _signed(v)
        elif number == 8:
            ints += _ints(wire, v)
    return name, (ints if ints else value)


def load_onnx(path):
    """(nodes, initializers, graph input name); nodes are dicts with name, op, inputs, outputs, attrs."""
    with open(path, 'rb') as f:
        model = f.read()
    graph = next(v for n, _, v in _fields(model) if n == 7)
    nodes, weights, graph_inputs = [], {}, []
    for number, _, value in _fields(graph):
        if number == 1:
            node = {'inputs': [], 'outputs': [], 'attrs': {}, 'name': None, 'op': None}
            for n, _, v in _fields(value):
                if n == 1:
                    node['inputs'].append(v.decode())
                elif n == 2:
                    node['outputs'].append(v.decode())
                elif n == 3:
                    node['name'] = v.decode()
                elif n == 4:
                    node['op'] = v.decode()
                elif n == 5:
                    key, attr = _attribute(v)
                    node['attrs'][key] = attr
            nodes.append(node)
        elif number == 5:
            name, t = _tensor(value)
            weights[name] = t
        elif number == 11:
            graph_inputs.append(next(v.decode() for n, _, v in _fields(value) if n == 1))
    data_inputs = [i for i in graph_inputs if i not in weights]
    return nodes, weights, data_inputs[0]


# ---------------------------------------------------------------------------------------------------------------
# Forward interpreter and a reverse walk with per-node rules.

class Model:
    def __init__(self, path):
        self.nodes, self.weights, self.input = load_onnx(path)
        self.logits = self.nodes[-1]['outputs'][0]

    def apply(self, node, x, weight=None, bias='default'):
        """One node's forward on input x; Conv and Gemm may take replacement weights (bias=None drops it)."""
        op, a = node['op'], node['attrs']
        if op in ('Conv', 'Gemm'):
            w = self.weights[node['inputs'][1]] if weight is None else weight
            b = (self.weights[node['inputs'][2]] if len(node['inputs']) > 2 else None) if bias == 'default' else bias
            if op == 'Gemm':
                assert a.get('transB', 0) == 1 and a.get('transA', 0) == 0 and a.get('alpha', 1.0) == 1.0 and a.get('beta', 1.0) == 1.0
                return F.linear(x, w, b)
            pads = a.get('pads', [0, 0, 0, 0])
            assert pads[0] == pads[2] and pads[1] == pads[3], 'symmetric pads expected'
            return F.conv2d(x, w, b, stride=a.get('strides', [1, 1]), padding=pads[:2],
                            dilation=a.get('dilations', [1, 1]), groups=a.get('group', 1))
        if op == 'Relu':
            return F.relu(x)
        if op == 'MaxPool':
            pads = a.get('pads', [0, 0, 0, 0])
            return F.max_pool2d(x, a['kernel_shape'], a.get('strides', a['kernel_shape']), pads[:2],
                                ceil_mode=bool(a.get('ceil_mode', 0)))
        if op == 'GlobalAveragePool':
            return x.mean(dim=(2, 3), keepdim=True)
        if op == 'Flatten':
            return torch.flatten(x, a.get('axis', 1))
        raise ValueError('op %s is not handled by this reference' % op)

    def forward(self, x):
        """All values by name (the recorded chain)."""
        values = {self.input: x}
        with torch.no_grad():
            for node in self.nodes:
                values[node['outputs'][0]] = self.apply(node, values[node['inputs'][0]])
        return values

    def logits_of(self, x):
        return self.forward(x)[self.logits]

    def node_by_name(self, name):
        return next(n for n in self.nodes if n['name'] == name)

    def backward(self, values, seed, rule, stop_at=None, replace=None):
        """Walks from the logits to stop_at (a value name; None = the input) applying rule(node, a, out, g) -> g_in.
        replace(value name, g) may substitute the relevance arriving at a value."""
        g = seed
        for node in reversed(self.nodes):
            out_name = node['outputs'][0]
            if replace is not None:
                g = replace(out_name, g)
            if out_name == stop_at:
                return g
            g = rule(node, values[node['inputs'][0]], values[out_name], g)
        return g


def vjp(model, node, a, g):
    """The node's ordinary input gradient (autograd on a recomputation)."""
    with torch.enable_grad():
        leaf = a.detach().requires_grad_(True)
        out = model.apply(node, leaf)
        return torch.autograd.grad(out, leaf, g)[0]


def one_hot(logits, targets, value=None):
    seed = torch.zeros_like(logits)
    for i, t in enumerate(targets):
        seed[i, t] = 1.0 if value is None else value[i]
    return seed


# ---------------------------------------------------------------------------------------------------------------
# RectGrad (methods.md §5.7)

def percentile_rows(values, q):
    """q-th percentile of each row (all but dim 0), linear interpolation between closest ranks, shaped to broadcast."""
    flat = values.reshape(values.shape[0], -1)
    ordered, _ = torch.sort(flat, dim=1)
    n = flat.shape[1]
    position = q / 100.0 * (n - 1)
    below = min(int(math.floor(position)), n - 1)
    above = min(below + 1, n - 1)
    fraction = position - below
    low, high = ordered[:, below:below + 1], ordered[:, above:above + 1]
    tau = low if fraction == 0 else low + (high - low) * fraction
    return tau.reshape([values.shape[0]] + [1] * (values.dim() - 1))


def rectgrad(model, x, targets, q=98.0, absolute=False, padding_trick=True, threshold=None):
    values = model.forward(x)
    seed = one_hot(values[model.logits], targets)

    def rule(node, a, out, g):
        if node['op'] == 'Relu':
            importance = out * g
            if absolute:
                importance = importance.abs()
            tau = threshold if threshold is not None else percentile_rows(importance, q)
            keep = (importance > tau) & (out > 0)
            return torch.where(keep, g, torch.zeros_like(g))
        if node['op'] == 'Conv' and padding_trick and any(p > 0 for p in node['attrs'].get('pads', [0])):
            border = torch.zeros_like(g)
            border[:, :, 1:-1, 1:-1] = g[:, :, 1:-1, 1:-1]
            g = border
        return vjp(model, node, a, g)

    return x * model.backward(values, seed, rule)


# ---------------------------------------------------------------------------------------------------------------
# Excitation backprop and contrastive MWP (methods.md §5.9)

EBP_EPS = 1e-20


def ebp_rule(model, negate=None):
    def rule(node, a, out, g):
        if node['op'] in ('Conv', 'Gemm'):
            w = model.weights[node['inputs'][1]]
            if negate is not None and node['name'] == negate:
                w = -w
            w_plus = w.clamp(min=0)
            with torch.enable_grad():
                leaf = a.detach().requires_grad_(True)
                z = model.apply(node, leaf, weight=w_plus, bias=None)
                back = torch.autograd.grad(z, leaf, g / (z.detach() + EBP_EPS))[0]
            return a * back
        if node['op'] == 'GlobalAveragePool':
            with torch.enable_grad():
                leaf = a.detach().requires_grad_(True)
                z = model.apply(node, leaf)
                back = torch.autograd.grad(z, leaf, g / (z.detach() + EBP_EPS))[0]
            return a * back
        return vjp(model, node, a, g)  # ReLU, MaxPool, Flatten: ordinary backward
    return rule


def readout(p, size, positive):
    s = p.sum(dim=1, keepdim=True)
    if positive:
        s = s.clamp(min=0)
    if s.shape[2:] != size:
        s = F.interpolate(s, size=size, mode='bilinear', align_corners=False)
    return s


def output_of(model, layer):
    return None if layer is None else model.node_by_name(layer)['outputs'][0]


def excitation_backprop(model, x, targets, layer=None):
    values = model.forward(x)
    seed = one_hot(values[model.logits], targets)
    p = model.backward(values, seed, ebp_rule(model), stop_at=output_of(model, layer))
    return readout(p, x.shape[2:], positive=False)


def contrastive_excitation_backprop(model, x, targets, saliency_layer, contrast_layer, classifier):
    values = model.forward(x)
    seed = one_hot(values[model.logits], targets)
    contrast = output_of(model, contrast_layer)
    dual = model.backward(values, seed, ebp_rule(model, negate=classifier), stop_at=contrast)
    p = model.backward(values, seed, ebp_rule(model), stop_at=output_of(model, saliency_layer),
                       replace=lambda name, g: g - dual if name == contrast else g)
    return readout(p, x.shape[2:], positive=True)


# ---------------------------------------------------------------------------------------------------------------
# Occlusion (Captum's placement: windows from 0 in strides until the border, the last one cut off; mean per pixel)

def score(logits, targets, kind):
    if kind == 'probability':
        logits = torch.softmax(logits, dim=1)
    return logits[torch.arange(len(targets)), torch.as_tensor(targets)]


def occlusion(model, x, targets, window, stride, baseline, kind):
    n, c, h, w = x.shape
    base = torch.as_tensor(baseline, dtype=x.dtype).reshape(1, -1, 1, 1).expand(1, c, 1, 1)
    tops = [i * stride[0] for i in range(math.ceil((h - window[0]) / stride[0]) + 1)]
    lefts = [j * stride[1] for j in range(math.ceil((w - window[1]) / stride[1]) + 1)]
    total = torch.zeros(n, 1, h, w, dtype=torch.float64)
    count = torch.zeros(1, 1, h, w, dtype=torch.float64)
    reference = score(model.logits_of(x), targets, kind).double()
    for i in range(n):
        copies, boxes = [], []
        for top in tops:
            for left in lefts:
                occluded = x[i:i + 1].clone()
                occluded[:, :, top:top + window[0], left:left + window[1]] = base.expand(1, c, 1, 1)
                copies.append(occluded)
                boxes.append((top, left))
        drops = reference[i] - score(model.logits_of(torch.cat(copies)), [targets[i]] * len(copies), kind).double()
        for (top, left), d in zip(boxes, drops):
            total[i, :, top:top + window[0], left:left + window[1]] += d
            if i == 0:
                count[:, :, top:top + window[0], left:left + window[1]] += 1
    return (total / count).float()


# ---------------------------------------------------------------------------------------------------------------
# RISE (Petsiuk et al. 2018): grid → bilinear upsampling to (s+1)·cell with half-pixel centres and a mirrored
# border (skimage resize order=1 mode='reflect'), crop at the shift; saliency = Σ P·M / (N·p)

def mirror(index, count):
    period = 2 * (count - 1)
    folded = np.abs(index) % period
    return np.where(folded < count, folded, period - folded)


def rise_mask(grid, shift, height, width):
    s = grid.shape[0]
    cell = (math.ceil(height / s), math.ceil(width / s))
    up = ((s + 1) * cell[0], (s + 1) * cell[1])
    ys = (np.arange(up[0]) + 0.5) * s / up[0] - 0.5
    xs = (np.arange(up[1]) + 0.5) * s / up[1] - 0.5
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    g = lambda yi, xi: grid[mirror(yi, s)[:, None], mirror(xi, s)[None, :]]
    full = ((1 - fy) * (1 - fx) * g(y0, x0) + (1 - fy) * fx * g(y0, x0 + 1)
            + fy * (1 - fx) * g(y0 + 1, x0) + fy * fx * g(y0 + 1, x0 + 1))
    return full[shift[0]:shift[0] + height, shift[1]:shift[1] + width]


def rise(model, x, targets, masks, p, kind, batch=100):
    n, _, h, w = x.shape
    saliency = torch.zeros(n, h * w, dtype=torch.float64)
    for i in range(n):
        for start in range(0, len(masks), batch):
            m = masks[start:start + batch]
            weights = score(model.logits_of(x[i:i + 1] * m), [targets[i]] * len(m), kind).double()
            saliency[i] += weights @ m.reshape(len(m), -1).double()
    return (saliency / (len(masks) * p)).reshape(n, 1, h, w).float()


# ---------------------------------------------------------------------------------------------------------------

def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(FIXTURES, 'method-reference')
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(2)
    model = Model(os.path.join(PEER, 'small.onnx'))
    x = torch.from_numpy(np.load(os.path.join(PEER, 'inputs.npy')))
    targets = [int(t) for t in np.load(os.path.join(PEER, 'targets.npy'))]
    convs = [n['name'] for n in model.nodes if n['op'] == 'Conv']
    pools = [n['name'] for n in model.nodes if n['op'] == 'MaxPool']
    classifier = model.nodes[-1]['name']
    feeding = next(n['name'] for n in model.nodes if n['outputs'][0] == model.nodes[-1]['inputs'][0])
    params = {'model': 'peer-small/small.onnx', 'inputs': 'peer-small/inputs.npy', 'targets': targets,
              'torch': torch.__version__, 'numpy': np.__version__, 'methods': {}}

    def save(name, array, **p):
        np.save(os.path.join(out_dir, name + '.npy'), array.detach().numpy().astype(np.float32))
        params['methods'][name] = p
        print(name, tuple(array.shape), float(array.abs().max()))

    save('rectgrad', rectgrad(model, x, targets), percentile=98, absolute=False, padding_trick=True)
    save('rectgrad_abs_no_padding', rectgrad(model, x, targets, absolute=True, padding_trick=False),
         percentile=98, absolute=True, padding_trick=False)
    save('rectgrad_q90', rectgrad(model, x, targets, q=90.0), percentile=90, absolute=False, padding_trick=True)

    save('occlusion_logit', occlusion(model, x, targets, (12, 12), (8, 8), [0.0, 0.0, 0.0], 'logit'),
         window=[12, 12], stride=[8, 8], baseline=0.0, score='logit')
    save('occlusion_probability', occlusion(model, x, targets, (11, 9), (5, 4), [0.1, -0.2, 0.3], 'probability'),
         window=[11, 9], stride=[5, 4], channel_baseline=[0.1, -0.2, 0.3], score='probability')

    count, cells, keep = 160, 7, 0.5
    rng = np.random.RandomState(0)
    grids = (rng.rand(count, cells, cells) < keep).astype(np.float32)
    cell = math.ceil(x.shape[2] / cells)
    shifts = rng.randint(0, cell, size=(count, 2)).astype(np.int64)
    masks = torch.from_numpy(np.stack([rise_mask(g, s, x.shape[2], x.shape[3]) for g, s in zip(grids, shifts)])
                             .astype(np.float32)).unsqueeze(1)
    np.save(os.path.join(out_dir, 'rise_grids.npy'), grids)
    np.save(os.path.join(out_dir, 'rise_shifts.npy'), shifts)
    np.save(os.path.join(out_dir, 'rise_masks_head.npy'), masks[:6].numpy())
    save('rise_probability', rise(model, x, targets, masks, keep, 'probability'),
         masks=count, grid=cells, p=keep, score='probability', grids='rise_grids.npy', shifts='rise_shifts.npy')
    save('rise_logit', rise(model, x, targets, masks, keep, 'logit'),
         masks=count, grid=cells, p=keep, score='logit', grids='rise_grids.npy', shifts='rise_shifts.npy')

    save('ebp_input', excitation_backprop(model, x, targets), layer=None)
    save('ebp_layer', excitation_backprop(model, x, targets, layer=pools[1]), layer=pools[1])
    save('cmwp_layer', contrastive_excitation_backprop(model, x, targets, pools[1], feeding, classifier),
         saliency_layer=pools[1], contrast_layer=feeding, classifier=classifier)
    save('cmwp_input_contrast_conv', contrastive_excitation_backprop(model, x, targets, None, pools[2], classifier),
         saliency_layer=None, contrast_layer=pools[2], classifier=classifier)

    with open(os.path.join(out_dir, 'reference.json'), 'w') as f:
        json.dump(params, f, indent=1)


if __name__ == '__main__':
    main()
