#!/usr/bin/python3
"""Reference timings from Debian's PyTorch, for the CLI's `bench` command (never used at run time).

A long-lived process: the CLI writes one JSON request per line to stdin and reads one JSON reply per line,
so both sides are timed alternately in the same run, on the same machine, with the same thread count.
Request: {"task": "vgg16-convs" | "forward" | "gradient" | "integrated-gradients" | "smoothgrad" | "gradcam" | "gradcam-plus-plus"
          | "scorecam" | "rise" | "occlusion" | "dmbp" | "lrp-epsilon-plus-flat" | "lrp-epsilon-alpha2-beta1-flat"
          | "excitation-backprop" (the last three on VGG-style models), "model": "resnet50", "batch": 1, "size": 224, "iters": 5, "threads": 2,
          "steps": 32, "samples": 16, "iterations": 200}
          Optional per task (defaults = our options' defaults; for rise and occlusion `bench` sends our rows per forward as
          "chunk"): scorecam "layer" (torch module name), "chunk" (16, pytorch-grad-cam's);
          rise "masks" (4000), "grid" (7), "probability" (0.5), "score" ("probability"), "chunk" (6);
          occlusion "window" (15 or [h, w]), "stride" (8 or [h, w]), "baseline" (0.0 or one per channel),
          "score" ("logit"), "chunk" (6). "chunk" is the rows per masked/occluded forward.
The gradient tasks do in plain torch what Captum / pytorch-grad-cam do (autograd with parameter gradients enabled,
all interpolants or noisy copies in one batch), so their cost is the peers' cost on this machine. The forward-only
tasks (scorecam, rise, occlusion) run under no_grad as the peers do and build each batch of masked inputs when it is
forwarded: the peers' work, without the full stacks of masked copies that pytorch-grad-cam and the RISE code build
first (1.2 / 2.4 GB per ResNet50 image at 224², which batch 8 would not fit).
Reply:   {"seconds": [t1, t2, ...], "peak_rss_mb": VmHWM of the request (model included)} or {"error": "..."}
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

_cache = {}
_hooks = []  # forward hooks a task put on a cached model, removed before the next request

# Rows per masked/occluded forward when a request names none. `bench` sends ours (SubBatchSizes: RISE 32 rows per
# forward, occlusion 6 on ResNet50/VGG16 at the default budget), so both sides forward the same batches. The peers' own
# defaults: TorchRay's rise 32 masks per forward, the RISE code 100, Captum's Occlusion one perturbation per image.
_DEFAULT_CHUNK = 6


def vgg16_convs(batch, size):
    key = ("vgg16-convs", batch, size)
    if key not in _cache:
        g = torch.Generator().manual_seed(0)
        cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
        layers, c = [], 3
        for v in cfg:
            if v == "M":
                layers.append(None)
            else:
                layers.append((torch.randn(v, c, 3, 3, generator=g) * 0.05, torch.zeros(v)))
                c = v
        x = torch.randn(batch, 3, size, size, generator=g)

        def run():
            h = x
            for layer in layers:
                h = F.max_pool2d(h, 2, 2) if layer is None else F.relu(F.conv2d(h, layer[0], layer[1], padding=1))
            return h
        _cache[key] = run
    return _cache[key]


def torchvision_forward(model_name, batch, size):
    key = ("forward", model_name, batch, size)
    if key not in _cache:
        import torchvision
        torch.manual_seed(0)
        model = getattr(torchvision.models, model_name)(weights=None).eval()
        x = torch.randn(batch, 3, size, size)
        _cache[key] = lambda: model(x)
    return _cache[key]


def _model(name, batch, size):
    key = ("model", name, size)
    if key not in _cache:
        import torchvision
        torch.manual_seed(0)
        _cache[key] = getattr(torchvision.models, name)(weights=None).eval()
    model = _cache[key]
    # Each request starts from the plain model: no hooks left by an earlier task, parameters trainable again (as the
    # peers' models are; dmbp freezes them).
    while _hooks:
        _hooks.pop().remove()
    for p in model.parameters():
        p.requires_grad_(True)
    torch.manual_seed(1)
    return model, torch.randn(batch, 3, size, size)


def method_task(req):
    name, batch, size = req["model"], int(req.get("batch", 1)), int(req.get("size", 224))
    model, x = _model(name, batch, size)
    with torch.no_grad():
        targets = model(x).argmax(1)
    task = req["task"]

    def input_gradient(inputs, t):
        inputs = inputs.detach().requires_grad_(True)
        out = model(inputs)
        out.gather(1, t[:, None]).sum().backward()
        return inputs.grad

    if task == "gradient":
        return lambda: input_gradient(x, targets)
    if task == "integrated-gradients":
        import numpy as np
        steps = int(req.get("steps", 32))
        nodes, weights = np.polynomial.legendre.leggauss(steps)
        alphas = torch.tensor(0.5 * (nodes + 1), dtype=torch.float32)
        w = torch.tensor(0.5 * weights, dtype=torch.float32)

        def run():
            path = (alphas[:, None, None, None, None] * x[None]).reshape(-1, *x.shape[1:])
            g = input_gradient(path, targets.repeat(steps)).reshape(steps, *x.shape)
            return x * (w[:, None, None, None, None] * g).sum(0)
        return run
    if task == "smoothgrad":
        samples = int(req.get("samples", 16))

        def run():
            noisy = x.repeat_interleave(samples, 0) + 0.15 * (x.max() - x.min()) * torch.randn(batch * samples, *x.shape[1:])
            g = input_gradient(noisy, targets.repeat_interleave(samples))
            return g.reshape(batch, samples, *x.shape[1:]).mean(1)
        return run
    if task in ("gradcam", "gradcam-plus-plus"):
        layer = dict(model.named_modules())[req.get("layer", "layer4" if name.startswith("resnet") else "features.29")]
        store = {}

        def hook(module, inputs, output):
            store["a"] = output
            if output.requires_grad:  # not during the no-grad target selection
                output.register_hook(lambda g: store.__setitem__("g", g))
        _hooks.append(layer.register_forward_hook(hook))

        def run():
            out = model(x)
            model.zero_grad()
            out.gather(1, targets[:, None]).sum().backward()
            a, g = store["a"], store["g"]
            if task == "gradcam":
                weights = g.mean((2, 3), keepdim=True)
            else:  # Grad-CAM++ as pytorch-grad-cam computes its weights
                g2, g3 = g.pow(2), g.pow(3)
                aij = g2 / (2 * g2 + a.sum((2, 3), keepdim=True) * g3 + 1e-7)
                aij = torch.where(g != 0, aij, torch.zeros_like(aij))
                weights = (torch.relu(g) * aij).sum((2, 3), keepdim=True)
            cam = torch.relu((weights * a).sum(1, keepdim=True))
            return F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)
        return run
    if task == "scorecam":
        layer = dict(model.named_modules())[req.get("layer", "layer4" if name.startswith("resnet") else "features.29")]
        return scorecam_task(model, x, layer, int(req.get("chunk", 16)))
    if task == "rise":
        return rise_task(model, x, int(req.get("masks", 4000)), int(req.get("grid", 7)), float(req.get("probability", 0.5)),
                         req.get("score", "probability"), int(req.get("chunk", _DEFAULT_CHUNK)))
    if task == "occlusion":
        return occlusion_task(model, x, _pair(req.get("window", 15)), _pair(req.get("stride", 8)), req.get("baseline", 0.0),
                              req.get("score", "logit"), int(req.get("chunk", _DEFAULT_CHUNK)))
    if task == "dmbp":
        return dmbp_task(model, x, targets, int(req.get("iterations", 200)))
    if task in ("lrp-epsilon-plus-flat", "lrp-epsilon-alpha2-beta1-flat"):
        return lrp_task(model, x, targets, alpha_beta=task == "lrp-epsilon-alpha2-beta1-flat")
    if task == "excitation-backprop":
        return lrp_task(model, x, targets, excitation=True)
    raise ValueError(f"unknown task {task}")


def lrp_task(model, x, targets, alpha_beta=False, excitation=False):
    """EpsilonPlusFlat / EpsilonAlpha2Beta1Flat on a VGG-style model (features, avgpool, classifier), the same computation
    as ours written lean in torch: one no-grad forward keeping each layer's input, then per layer the rule's modified
    forward and its transpose through autograd (input gradients only) — flat on the first convolution, z+ (or alpha2-beta1)
    on the others, epsilon on the dense layers, ReLUs passed, max pools by their gradient, the average pool by the z rule.
    Zennit runs the model's own backward besides (its hooks replace each layer's gradient), so it costs more than this.
    With excitation=True: excitation backprop as TorchRay's rule (methods.md 5.9), the same loop with probability 1 at
    the target and every convolution and dense layer p_in = a * W+^T (p / (W+ a + 1e-20)) (bias dropped, the first
    convolution too); TorchRay patches each layer's backward with that rule and runs autograd, so it costs more."""
    if not (hasattr(model, "features") and hasattr(model, "classifier")):
        raise ValueError("the lrp task takes a VGG-style model (features, avgpool, classifier)")
    layers = list(model.features) + [model.avgpool, "flatten"] + list(model.classifier)
    first_conv = next(m for m in layers if isinstance(m, torch.nn.Conv2d))
    eps = 1e-6

    def stabilize(z):
        return z + eps * (z >= 0).to(z.dtype) * 2 - eps

    def modified(m, a, weight, bias):
        return F.conv2d(a, weight, bias, m.stride, m.padding, m.dilation, m.groups)

    def through(z, a, s):
        return torch.autograd.grad(z, a, s)[0]

    def run():
        inputs = []
        h = x
        with torch.no_grad():
            for m in layers:
                inputs.append(h)
                h = torch.flatten(h, 1) if m == "flatten" else m(h)
            seed = torch.ones_like(h) if excitation else h
            r = torch.zeros_like(h).scatter(1, targets[:, None], seed.gather(1, targets[:, None]))
        for m, a in reversed(list(zip(layers, inputs))):
            if m == "flatten":
                r = r.reshape(a.shape)
                continue
            if isinstance(m, (torch.nn.ReLU, torch.nn.Dropout)):
                continue
            a = a.detach().requires_grad_(True)
            with torch.enable_grad():
                if isinstance(m, torch.nn.MaxPool2d):
                    r = through(m(a), a, r)
                elif excitation and isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
                    wp = m.weight.clamp(min=0)
                    z = F.linear(a, wp) if isinstance(m, torch.nn.Linear) else modified(m, a, wp, None)
                    r = a * through(z, a, r / (z + 1e-20))
                elif isinstance(m, torch.nn.AdaptiveAvgPool2d):
                    z = m(a)
                    r = a * through(z, a, r / ((z + 1e-20) if excitation else stabilize(z)))
                elif isinstance(m, torch.nn.Linear):
                    z = m(a)
                    r = a * through(z, a, r / stabilize(z))
                elif m is first_conv:
                    ones = torch.ones_like(m.weight)
                    z = modified(m, torch.ones_like(a), ones, None)
                    r = through(modified(m, a, ones, None), a, r / stabilize(z))
                else:
                    wp, bp = m.weight.clamp(min=0), m.bias.clamp(min=0)
                    zp = modified(m, a, wp, bp)
                    positive = a * through(zp, a, r / stabilize(zp))
                    if alpha_beta:
                        zn = modified(m, a, m.weight.clamp(max=0), m.bias.clamp(max=0))
                        r = 2 * positive - a * through(zn, a, r / stabilize(zn))
                    else:
                        r = positive
        return r
    return run


def _pair(value):
    return (int(value), int(value)) if isinstance(value, (int, float)) else (int(value[0]), int(value[1]))


def _score(logits, targets, kind):
    """Each row's target score as our PerturbationScore names it: logit, softmax probability or sigmoid."""
    kind = kind.replace("-", "").replace("_", "").lower()
    if kind == "probability":
        logits = logits.softmax(1)
    elif kind == "sigmoid":
        logits = logits.sigmoid()
    elif kind != "logit":
        raise ValueError(f"unknown score {kind}")
    return logits.gather(1, targets[:, None]).squeeze(1)


def scorecam_task(model, x, layer, chunk):
    """Score-CAM as pytorch-grad-cam's ScoreCAM: the layer's activations from one forward, each channel upsampled to
    the input (UpsamplingBilinear2d: align_corners=True, as ours), min-max scaled (ε 1e-8) and multiplied into the image;
    the target logit of each masked image (batches of `chunk` channels of one image, pytorch-grad-cam's batch_size 16),
    softmaxed over channels, weights the channels; ReLU, then resized like our map (bilinear, align_corners=False).
    K forwards per image: 2048 on ResNet50, 512 on VGG16."""
    n, size = x.shape[0], x.shape[2:]

    def run():
        with torch.no_grad():
            store = {}
            # Hooked for this forward only: the masked forwards below need no activations.
            handle = layer.register_forward_hook(lambda module, inputs, output: store.__setitem__("a", output))
            try:
                targets = model(x).argmax(1)
            finally:
                handle.remove()
            a = store["a"]
            scores = torch.empty(n, a.shape[1])
            for i in range(n):
                for k in range(0, a.shape[1], chunk):
                    up = F.interpolate(a[i, k:k + chunk, None], size=size, mode="bilinear", align_corners=True)
                    low, high = up.amin((2, 3), keepdim=True), up.amax((2, 3), keepdim=True)
                    masks = (up - low) / (high - low + 1e-8)
                    scores[i, k:k + chunk] = model(x[i:i + 1] * masks)[:, targets[i]]
            weights = scores.softmax(1)
            cam = torch.relu((weights[:, :, None, None] * a).sum(1, keepdim=True))
            return F.interpolate(cam, size=size, mode="bilinear", align_corners=False)
    return run


def rise_masks(count, cells, p, height, width, generator):
    """The RISE code's generate_masks: s×s grids kept with probability p, upsampled bilinearly to (s+1)·⌈H/s⌉ and
    cropped at a random shift below one cell. F.interpolate clamps at the border where skimage's resize (and ours)
    mirrors: values differ in the outer half cell only, the work is the same."""
    cell_h, cell_w = -(-height // cells), -(-width // cells)
    grids = (torch.rand(count, 1, cells, cells, generator=generator) < p).float()
    shifts = torch.stack([torch.randint(0, cell_h, (count,), generator=generator),
                          torch.randint(0, cell_w, (count,), generator=generator)], 1).tolist()
    masks = torch.empty(count, 1, height, width)
    for start in range(0, count, 256):  # upsampled in slices: all 4000 at once would hold another 1 GB at 224²
        up = F.interpolate(grids[start:start + 256], size=((cells + 1) * cell_h, (cells + 1) * cell_w), mode="bilinear",
                           align_corners=False)
        for j, (dy, dx) in enumerate(shifts[start:start + 256]):
            masks[start + j] = up[j, :, dy:dy + height, dx:dx + width]
    return masks


def rise_task(model, x, count, cells, p, score, chunk):
    """RISE as the paper's code (eclique/RISE) computes it: N masks, generated per call as ours are (seeded, shared by
    the images of the batch), x ⊙ M forwarded `chunk` masks at a time, saliency = P^T · M / N / p with P the softmax
    probabilities (our default score; "score" picks logit or sigmoid as ours). Only the target's row of P^T · M is
    taken (ours explains the target; the paper's code multiplies all 1000 classes, ~1000× this matmul). The masks are
    held as the code's self.masks ([N, 1, H, W]: 0.8 GB at 224²)."""
    n, height, width = x.shape[0], x.shape[2], x.shape[3]

    def run():
        with torch.no_grad():
            targets = model(x).argmax(1)
            masks = rise_masks(count, cells, p, height, width, torch.Generator().manual_seed(0))
            saliency = torch.empty(n, height * width)
            for i in range(n):
                probs = torch.cat([_score(model(x[i:i + 1] * masks[k:k + chunk]), targets[i].expand(min(chunk, count - k)), score)
                                   for k in range(0, count, chunk)])
                saliency[i] = probs @ masks.reshape(count, -1)
            return (saliency / count / p).reshape(n, 1, height, width)
    return run


def occlusion_task(model, x, window, stride, baseline, score, chunk):
    """Occlusion as Captum's Occlusion (sliding_window_shapes (C, h, w), strides (C, sh, sw), baselines, target score):
    ⌈(size − window) / stride⌉ + 1 window positions per side, each window's mask the window padded (or cut) to the
    image, occluded = x·(1 − mask) + baseline·mask, drop = score(x) − score(occluded) added under the mask, divided by
    how many windows cover each pixel. Captum forwards perturbations_per_eval windows × all images per call; here
    max(1, chunk // batch) windows, so a forward has about our sub-batch of rows. The map is [N, C, H, W] as Captum's."""
    n, c, height, width = x.shape
    rows = -(-(height - window[0]) // stride[0]) + 1
    cols = -(-(width - window[1]) // stride[1]) + 1
    per_eval = max(1, chunk // n)
    fill = torch.tensor(baseline, dtype=x.dtype).reshape(1, -1, 1, 1) if isinstance(baseline, list) else float(baseline)

    def window_mask(index):
        top, left = (index // cols) * stride[0], (index % cols) * stride[1]
        # Negative padding cuts off a window that runs past the border, as Captum's _occlusion_mask.
        return F.pad(torch.ones(c, *window), (left, width - left - window[1], top, height - top - window[0]))

    def run():
        with torch.no_grad():
            logits = model(x)
            targets = logits.argmax(1)
            initial = _score(logits, targets, score)
            total = torch.zeros(n, c, height, width)
            weights = torch.zeros(c, height, width)
            for start in range(0, rows * cols, per_eval):
                mask = torch.stack([window_mask(i) for i in range(start, min(start + per_eval, rows * cols))])[:, None]
                k = mask.shape[0]
                occluded = (x[None] * (1 - mask) + fill * mask).reshape(k * n, c, height, width)
                drop = initial[None] - _score(model(occluded), targets.repeat(k), score).reshape(k, n)
                total += (drop[:, :, None, None, None] * mask).sum(0)
                weights += mask.sum((0, 1))
            return total / weights
    return run


def dmbp_task(model, x, targets, iterations):
    """DMBP as one would write it in torch: a tensor hook scales the gradient at every conv output by sigmoid(θ), the input
    gradient is taken with create_graph=True over one retained forward of both mask sets (rows 0..N-1 positive, N..2N-1
    negative), and Adam steps θ on the reconstructed objective of methods.md §1.4 (λ_e 0.5, λ_m 0.05, lr 0.05, θ = 0).
    Parameters are frozen, which only makes torch faster."""
    for p in model.parameters():
        p.requires_grad_(False)
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    n = x.shape[0]

    def run():
        xx = torch.cat([x, x]).requires_grad_(True)
        thetas = []

        def hook(module, inputs, output):
            theta = torch.zeros(output.shape[0], output.shape[1], requires_grad=True)
            thetas.append(theta)
            output.register_hook(lambda g, th=theta: g * torch.sigmoid(th)[:, :, None, None])
        handles = [c.register_forward_hook(hook) for c in convs]
        try:
            out = model(xx)
        finally:
            for h in handles:
                h.remove()
        picked = out.gather(1, torch.cat([targets, targets])[:, None]).squeeze(1)
        scale = picked.detach().abs().clamp_min(1e-12)
        optimizer = torch.optim.Adam(thetas, lr=0.05)
        for _ in range(iterations):
            g, = torch.autograd.grad(picked.sum(), xx, create_graph=True, retain_graph=True)
            a = (xx.detach() * g).flatten(1)
            data = torch.cat([-a[:n].sum(1), a[n:].sum(1)]) + 0.5 * a.abs().sum(1)
            sparsity = torch.stack([torch.sigmoid(th).mean(1) for th in thetas]).mean(0)
            loss = (data / scale + 0.05 * sparsity).sum()
            optimizer.zero_grad()
            loss.backward(inputs=thetas)
            optimizer.step()
        return a
    return run


def reset_peak_rss():
    """Starts a new VmHWM at the current RSS (Linux clear_refs "5"), so a request reports its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            torch.set_num_threads(int(req.get("threads", torch.get_num_threads())))
            batch, size, iters = int(req.get("batch", 1)), int(req.get("size", 224)), int(req.get("iters", 5))
            task = req["task"]
            if task == "ping":  # the caller waits for this so torch's start-up never overlaps its own timing
                print(json.dumps({"seconds": []}), flush=True)
                continue
            if task == "vgg16-convs":
                fn = vgg16_convs(batch, size)
            elif task == "forward":
                fn = torchvision_forward(req["model"], batch, size)
            else:
                fn = method_task(req)
            times = []
            reset_peak_rss()
            with torch.set_grad_enabled(task not in ("vgg16-convs", "forward")):
                # warm-up: at least one call, and calls until warmup_seconds have passed (the allocator's heap grows to its working size)
                warm_until = time.perf_counter() + float(req.get("warmup_seconds", 0))
                fn()
                while time.perf_counter() < warm_until:
                    fn()
                for _ in range(iters):
                    t0 = time.perf_counter()
                    fn()
                    times.append(time.perf_counter() - t0)
            reply = {"seconds": times, "peak_rss_mb": peak_rss_mb()}
        except Exception as e:  # reported to the caller, which prints it
            reply = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
