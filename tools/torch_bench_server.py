#!/usr/bin/python3
"""Reference timings from Debian's PyTorch, for the CLI's `bench` command (never used at run time).

A long-lived process: the CLI writes one JSON request per line to stdin and reads one JSON reply per line,
so both sides are timed alternately in the same run, on the same machine, with the same thread count.
Request: {"task": "vgg16-convs" | "forward" | "gradient" | "integrated-gradients" | "smoothgrad" | "gradcam" | "gradcam-plus-plus"
          | "dmbp", "model": "resnet50", "batch": 1, "size": 224, "iters": 5, "threads": 2, "steps": 32, "samples": 16,
          "iterations": 200}
The method tasks do in plain torch what Captum / pytorch-grad-cam do (autograd with parameter gradients enabled,
all interpolants or noisy copies in one batch), so their cost is the peers' cost on this machine.
Reply:   {"seconds": [t1, t2, ...], "peak_rss_mb": VmHWM of the request (model included)} or {"error": "..."}
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

_cache = {}


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
        layer.register_forward_hook(hook)

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
    if task == "dmbp":
        return dmbp_task(model, x, targets, int(req.get("iterations", 200)))
    raise ValueError(f"unknown task {task}")


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
                fn()  # warm-up
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
