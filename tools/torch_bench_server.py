#!/usr/bin/python3
"""Reference timings from Debian's PyTorch, for the CLI's `bench` command (never used at run time).

A long-lived process: the CLI writes one JSON request per line to stdin and reads one JSON reply per line,
so both sides are timed alternately in the same run, on the same machine, with the same thread count.
Request: {"task": "vgg16-convs" | "forward", "model": "resnet50", "batch": 1, "size": 224, "iters": 5, "threads": 2}
Reply:   {"seconds": [t1, t2, ...]} or {"error": "..."}
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


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            torch.set_num_threads(int(req.get("threads", torch.get_num_threads())))
            batch, size, iters = int(req.get("batch", 1)), int(req.get("size", 224)), int(req.get("iters", 5))
            task = req["task"]
            if task == "vgg16-convs":
                fn = vgg16_convs(batch, size)
            elif task == "forward":
                fn = torchvision_forward(req["model"], batch, size)
            else:
                raise ValueError(f"unknown task {task}")
            times = []
            with torch.no_grad():
                fn()  # warm-up
                for _ in range(iters):
                    t0 = time.perf_counter()
                    fn()
                    times.append(time.perf_counter() - t0)
            reply = {"seconds": times}
        except Exception as e:  # reported to the caller, which prints it
            reply = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
