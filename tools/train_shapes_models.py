#!/usr/bin/python3
"""Trains the two default models on the shapes benchmark and exports them to ONNX (Debian's python3-torch).

    /usr/bin/python3 tools/make_shapes_benchmark.py --out artifacts/shapes-voc
    /usr/bin/python3 tools/train_shapes_models.py --data artifacts/shapes-voc --out src/Samples/assets/models

Models (multi-label, one logit per class, BCEWithLogits):
  shapes_vgg     five conv-BN-ReLU blocks (16, 32, 64, 64, 128 channels), a max pool after each of the first four
                 (128 -> 64 -> 32 -> 16 -> 8), the last conv block at 8x8, global average pooling, one linear layer
                 (CAM-friendly: the classifier weights are CAM weights)
  shapes_resnet  a 3x3 stem (stride 1) and max pool, three residual basic blocks of stride 2 (64 -> 32 -> 16 -> 8),
                 global average pooling, one linear layer
Input: RGB 128x128, x = (pixel / 255 - mean) / std per channel (mean and std are written to shapes_models.json).
Training uses the train split only (with label-preserving flips and 90-degree rotations); the val split picks
nothing but is reported; the test split is evaluated once at the end. Seeds are fixed; torch uses 2 threads.

Writes OUT/shapes_vgg.onnx, OUT/shapes_resnet.onnx (opset 13, eval mode, input "input", output "logits", dynamic batch)
and OUT/shapes_models.json (classes, input size, mean/std, the generator's settings, hyperparameters, metrics).
"""
import argparse
import json
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

SIZE = 128
SUBSET = 500  # metrics are also reported on the first SUBSET test images


# ------------------------------------------------------------------------------------------------------------ data
def read_split(root, split, classes):
    ids = open(os.path.join(root, "ImageSets", "Main", split + ".txt")).read().split()
    images = np.empty((len(ids), SIZE, SIZE, 3), dtype=np.uint8)
    labels = np.zeros((len(ids), len(classes)), dtype=np.float32)
    for i, image_id in enumerate(ids):
        xml = open(os.path.join(root, "Annotations", image_id + ".xml")).read()
        filename = re.search(r"<filename>([^<]+)</filename>", xml).group(1)
        images[i] = np.asarray(Image.open(os.path.join(root, "JPEGImages", filename)).convert("RGB"))
        for name in re.findall(r"<name>([^<]+)</name>", xml):
            labels[i, classes.index(name)] = 1.0
    return ids, images, labels


def to_tensor(images, mean, std):
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0
    return (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


def augment(x, generator):
    """Per sample: one of the 8 symmetries of the square (flips and 90-degree rotations keep every class label)."""
    n = x.shape[0]
    choice = torch.randint(0, 8, (n,), generator=generator)
    out = torch.empty_like(x)
    for k in range(8):
        idx = (choice == k).nonzero().flatten()
        if idx.numel() == 0:
            continue
        part = x[idx]
        if k & 1:
            part = part.flip(3)
        out[idx] = torch.rot90(part, k >> 1, (2, 3))
    return out


# ------------------------------------------------------------------------------------------------------------ models
def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class ShapesVgg(nn.Module):
    def __init__(self, classes, widths=(16, 32, 64, 64, 128)):
        super().__init__()
        w0, w1, w2, w3, w4 = widths
        self.features = nn.Sequential(
            *conv_bn_relu(3, w0), nn.MaxPool2d(2),     # 64x64
            *conv_bn_relu(w0, w1), nn.MaxPool2d(2),    # 32x32
            *conv_bn_relu(w1, w2), nn.MaxPool2d(2),    # 16x16
            *conv_bn_relu(w2, w3), nn.MaxPool2d(2),    # 8x8
            *conv_bn_relu(w3, w4))                     # the last conv block, 8x8 (its output: features.18)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(w4, classes)

    last_conv_block = "features.18"

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ShapesResNet(nn.Module):
    def __init__(self, classes, widths=(16, 32, 64, 128)):
        super().__init__()
        w0, w1, w2, w3 = widths
        self.conv1 = nn.Conv2d(3, w0, 3, 1, 1, bias=False)  # 128x128
        self.bn1 = nn.BatchNorm2d(w0)
        self.maxpool = nn.MaxPool2d(2)                      # 64x64
        self.layer1 = BasicBlock(w0, w1, 2)                 # 32x32
        self.layer2 = BasicBlock(w1, w2, 2)                 # 16x16
        self.layer3 = BasicBlock(w2, w3, 2)                 # 8x8, the last conv block
        self.fc = nn.Linear(w3, classes)

    last_conv_block = "layer3"

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


ARCHITECTURES = {"shapes_vgg": ShapesVgg, "shapes_resnet": ShapesResNet}


# ------------------------------------------------------------------------------------------------------------ metrics
def average_precision(scores, labels):
    """Non-interpolated AP: mean precision at the rank of each positive (ties broken by a stable sort)."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order] > 0.5
    if hits.sum() == 0:
        return float("nan")
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].mean())


def metrics(logits, labels, classes):
    predicted = logits > 0.0  # sigmoid(logit) > 0.5
    truth = labels > 0.5
    per_class = {c: float((predicted[:, i] == truth[:, i]).mean()) for i, c in enumerate(classes)}
    ap = {c: average_precision(logits[:, i], labels[:, i]) for i, c in enumerate(classes)}
    return {
        "images": int(len(labels)),
        "exact_match": float((predicted == truth).all(axis=1).mean()),
        "mean_label_accuracy": float((predicted == truth).mean()),
        "mAP": float(np.mean(list(ap.values()))),
        "per_class_accuracy": per_class,
        "per_class_AP": ap,
    }


@torch.no_grad()
def predict(model, images, mean, std, batch=200):
    model.eval()
    out = [model(to_tensor(images[i:i + batch], mean, std)) for i in range(0, len(images), batch)]
    return torch.cat(out).numpy()


# ------------------------------------------------------------------------------------------------------------ training
def train(name, data, classes, mean, std, hp, log):
    torch.manual_seed(hp["seed"])
    generator = torch.Generator().manual_seed(hp["seed"])
    model = ARCHITECTURES[name](len(classes)).to(memory_format=torch.channels_last)
    train_images, train_labels = data["train"][1], torch.from_numpy(data["train"][2])
    with torch.no_grad():  # start from the label prior: logit(p) per class
        prior = train_labels.mean(0).clamp(1e-3, 1 - 1e-3)
        final = model.classifier if hasattr(model, "classifier") else model.fc
        final.bias.copy_(torch.log(prior / (1 - prior)))
    n = len(train_images)
    steps_per_epoch = n // hp["batch_size"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=hp["lr"], weight_decay=hp["weight_decay"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=hp["lr"], epochs=hp["epochs"],
                                                   steps_per_epoch=steps_per_epoch, pct_start=hp["warmup_fraction"])
    start, cpu_start = time.time(), time.process_time()
    for epoch in range(hp["epochs"]):
        model.train()
        order = torch.randperm(n, generator=generator)
        total = 0.0
        for step in range(steps_per_epoch):
            idx = order[step * hp["batch_size"]:(step + 1) * hp["batch_size"]].numpy()
            x = augment(to_tensor(train_images[idx], mean, std), generator).contiguous(memory_format=torch.channels_last)
            loss = F.binary_cross_entropy_with_logits(model(x), train_labels[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item()
        val = metrics(predict(model, data["val"][1], mean, std), data["val"][2], classes)
        log(f"{name} epoch {epoch + 1}/{hp['epochs']}: loss {total / steps_per_epoch:.4f}, val exact-match "
            f"{val['exact_match']:.4f}, val mAP {val['mAP']:.4f} ({time.time() - start:.0f} s, cpu {time.process_time() - cpu_start:.0f} s)")
    return model, time.time() - start, time.process_time() - cpu_start


def export(model, path):
    model.eval()
    model = model.to(memory_format=torch.contiguous_format)
    torch.onnx.export(model, torch.zeros(1, 3, SIZE, SIZE), path, opset_version=13, do_constant_folding=True,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})


def pooled_node_name(path):
    """Reads the exported graph and returns the name of the node that feeds the global average pool."""
    import onnx  # Debian python3-onnx
    graph = onnx.load(path).graph
    producers = {o: n.name for n in graph.node for o in n.output}
    for n in graph.node:
        if n.op_type in ("GlobalAveragePool", "ReduceMean"):
            return producers[n.input[0]]
    return None


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="the benchmark folder written by make_shapes_benchmark.py")
    p.add_argument("--out", required=True)
    p.add_argument("--models", default="shapes_vgg,shapes_resnet")
    p.add_argument("--epochs", type=int, default=None, help="override the epochs of every model")
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    log = lambda s: print(s, flush=True)  # noqa: E731

    classes = open(os.path.join(a.data, "classes.txt")).read().split()
    generator_settings = json.load(open(os.path.join(a.data, "generator.json")))
    data = {s: read_split(a.data, s, classes) for s in ("train", "val", "test")}
    pixels = data["train"][1].reshape(-1, 3).astype(np.float64) / 255.0
    mean = [round(float(v), 3) for v in pixels.mean(axis=0)]
    std = [round(float(v), 3) for v in pixels.std(axis=0)]
    log(f"train {len(data['train'][0])}, val {len(data['val'][0])}, test {len(data['test'][0])}; mean {mean}, std {std}")

    hyper = {
        "shapes_vgg": {"seed": 1, "epochs": 24, "batch_size": 32, "lr": 2e-3, "weight_decay": 5e-4, "warmup_fraction": 0.15},
        "shapes_resnet": {"seed": 2, "epochs": 20, "batch_size": 32, "lr": 2e-3, "weight_decay": 5e-4, "warmup_fraction": 0.15},
    }
    os.makedirs(a.out, exist_ok=True)
    json_path = os.path.join(a.out, "shapes_models.json")
    summary = json.load(open(json_path)) if os.path.exists(json_path) else {"models": {}}
    summary.update({
        "classes": classes,
        "input": {"name": "input", "shape": ["batch", 3, SIZE, SIZE], "channel_order": "RGB",
                  "normalization": "x = (pixel / 255 - mean) / std, per channel"},
        "output": {"name": "logits", "shape": ["batch", len(classes)], "meaning": "one logit per class (multi-label; sigmoid > 0.5 means present)"},
        "mean": mean,
        "std": std,
        "benchmark": generator_settings,
        "torch_version": torch.__version__,
        "training_script": "tools/train_shapes_models.py",
    })
    for name in a.models.split(","):
        hp = dict(hyper[name], optimizer="AdamW", schedule="OneCycleLR", loss="BCEWithLogits",
                  augmentation="random flip / 90-degree rotation (8 symmetries of the square)", threads=2)
        if a.epochs:
            hp["epochs"] = a.epochs
        model, seconds, cpu_seconds = train(name, data, classes, mean, std, hp, log)
        results = {s: metrics(predict(model, data[s][1], mean, std), data[s][2], classes) for s in ("val", "test")}
        subset = min(SUBSET, len(data["test"][1]))  # what the C# test regenerates and checks through our engine
        results["test_first"] = metrics(predict(model, data["test"][1][:subset], mean, std), data["test"][2][:subset], classes)
        log(f"{name}: test exact-match {results['test']['exact_match']:.4f}, mAP {results['test']['mAP']:.4f}, "
            f"per class {results['test']['per_class_accuracy']}")
        path = os.path.join(a.out, name + ".onnx")
        export(model, path)
        summary["models"][name] = {
            "file": name + ".onnx",
            "architecture": type(model).__name__,
            "parameters": int(sum(p.numel() for p in model.parameters())),
            "last_conv_block": {"torch_module": model.last_conv_block, "onnx_node": pooled_node_name(path)},
            "hyperparameters": hp,
            "training_seconds": round(seconds),
            "training_cpu_seconds": round(cpu_seconds),
            "val": results["val"],
            "test": results["test"],
            f"test_first_{subset}": results["test_first"],
        }
        with open(json_path, "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(summary, indent=2) + "\n")
        log(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
