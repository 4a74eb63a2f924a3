#!/usr/bin/python3
"""Renders the JSON files written by tools/run_benchmarks.sh as the README's Markdown performance tables.

    /usr/bin/python3 tools/bench_table.py artifacts/bench > docs/results/benchmarks.md

Peers that are not plain autograd (Zennit's LRP, pytorch-grad-cam's FullGrad) cannot be run here; their seconds per
image come from ../shared/docs/performance-targets.md (batch 2, same kind of machine) and are calibrated to this run by
the ratio of this run's torch autograd gradient to that table's Captum Saliency or plain forward+backward time,
whichever gives the smaller (harder) peer time.
"""
import glob
import json
import os
import sys

# performance-targets.md, seconds per image at batch 2: (ResNet50, VGG16)
PEER = {
    "gradient": ("Captum Saliency", 0.16, 1.05),
    "integrated-gradients": ("Captum IG-32", 6.5, 15.1),
    "smoothgrad": ("Captum SmoothGrad-16", 3.3, 7.1),
    "lrp-epsilon-plus-flat": ("Zennit EpsilonPlusFlat", 0.66, 1.0),
    "lrp-epsilon-alpha2-beta1-flat": ("Zennit EpsilonAlpha2Beta1Flat", 1.04, 2.3),
    "gradcam": ("grad-cam GradCAM", 0.22, 0.62),
    "gradcam-plus-plus": ("grad-cam GradCAM++", 0.24, 0.58),
    "fullgrad": ("grad-cam FullGrad", 4.6, 1.1),
}
TORCH_FORWARD_BACKWARD = (0.256, 0.978)  # plain torch forward+backward per image (ResNet50, VGG16), same table
TARGET = {  # (kind, factor): "forward" = x our forward, "torch" = x the same computation in torch, "peer" = x the peer,
    "gradient": ("forward", 2.2), "gradient-x-input": ("forward", 2.2), "guided-backprop": ("forward", 2.2),
    "integrated-gradients": ("torch", 0.9), "smoothgrad": ("torch", 0.9),
    "gradcam": ("peer", 0.5), "gradcam-plus-plus": ("peer", 0.5), "fullgrad": ("peer", 0.5),
    "lrp-epsilon-plus-flat": ("peer", 0.5), "lrp-epsilon-alpha2-beta1-flat": ("peer", 0.5),
    "rsp": ("gradient", 3.0), "clrp": ("gradient", 3.0), "sglrp": ("gradient", 3.0),
    # The torch side runs these as pytorch-grad-cam (Score-CAM), the RISE code and Captum (Occlusion) do: it is the peer.
    "scorecam": ("torch", 0.5), "rise": ("torch", 0.5), "occlusion": ("torch", 0.5),
    # TorchRay's excitation rule written lean in torch (VGG-style models); TorchRay's own hooked autograd costs more.
    "excitation-backprop": ("torch", 0.5),
    # ig1pct files: ours refining until the completeness error is <= 1 % (adaptive panels by default), vs Captum's default (50 steps).
    "integrated-gradients to 1 %": ("torch", 0.5),
}


def load(folder):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        name = os.path.basename(path)
        for r in json.load(open(path))["results"]:
            r["file"] = name
            r["model"] = r["workload"].split()[-1].replace("_opset11", "")
            r["images"] = r["batch"]
            rows.append(r)
    return rows


def per_image(r, key="medianSeconds"):
    return None if r.get(key) is None else r[key] / r["batch"]


def fmt(v, digits=3):
    return "–" if v is None else f"{v:.{digits}f}"


def main(folder):
    rows = load(folder)
    forward = {(r["model"], r["batch"]): per_image(r) for r in rows if r["file"].startswith("forward")}
    methods = [r for r in rows if r["file"].startswith(("methods", "gradient", "ig32", "smoothgrad16", "ig1pct", "scorecam", "rise", "occlusion"))]
    for r in methods:
        if r["file"].startswith("ig1pct"):
            r["method"] = "integrated-gradients to 1 %"
    gradient = {(r["model"], r["batch"]): r for r in methods if r["method"] == "gradient"}
    models = sorted({r["model"] for r in methods}, key=lambda m: ["resnet50", "vgg16"].index(m) if m in ("resnet50", "vgg16") else 9)

    out = ["| model | batch | our forward s/img | torch forward s/img | ours / torch |", "|---|---|---|---|---|"]
    for r in rows:
        if r["file"].startswith("forward"):
            out.append(f"| {r['model']} | {r['batch']} | {fmt(per_image(r), 4)} | {fmt(per_image(r, 'torchMedianSeconds'), 4)} | {fmt(r.get('ratio'))} |")
    out.append("")

    out.append("| method | model | batch | ours s/img | torch same computation s/img | ours / torch | peer s/img (calibrated) | ours / peer "
               "| target | met | our peak MB | torch peak MB |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for model in models:
        for r in sorted((r for r in methods if r["model"] == model), key=lambda r: (r["batch"], r["method"])):
            ours = per_image(r)
            b = r["batch"]
            g = gradient.get((model, b))
            calibration = None
            if g is not None and g.get("torchMedianSeconds") and model in ("resnet50", "vgg16"):
                k = ["resnet50", "vgg16"].index(model)
                torch_gradient = per_image(g, "torchMedianSeconds")
                # The smaller of two machine factors (fewer peer seconds, a harder target): vs Captum Saliency and vs
                # plain torch forward+backward of that table (they disagree by 2x on ResNet50).
                calibration = min(torch_gradient / PEER["gradient"][1 + k], torch_gradient / TORCH_FORWARD_BACKWARD[k])
            peer = None
            if r["method"] in PEER and calibration is not None and b == 2:
                peer = PEER[r["method"]][1 + ["resnet50", "vgg16"].index(model)] * calibration
            target, met = "–", "–"
            if r["method"] in TARGET:
                kind, factor = TARGET[r["method"]]
                bound = {"forward": forward.get((model, b)), "torch": per_image(r, "torchMedianSeconds"), "peer": peer,
                         "gradient": per_image(g) if g else None}[kind]
                label = {"forward": "our forward", "torch": "torch", "peer": "peer", "gradient": "our Gradient"}[kind]
                target = f"≤ {factor:g}× {label}"
                if bound is not None:
                    met = "yes" if ours <= factor * bound else f"no ({ours / bound:.2f}×)"
            out.append(f"| {r['method']} | {model} | {b} | {fmt(ours)} | {fmt(per_image(r, 'torchMedianSeconds'))} | {fmt(r.get('ratio'))} "
                       f"| {fmt(peer)} | {fmt(ours / peer if peer else None)} | {target} | {met} | {fmt(r.get('peakMegabytes'), 0)} "
                       f"| {fmt(r.get('torchPeakMegabytes'), 0)} |")
    out.append("")

    dmbp = [r for r in rows if r["file"].startswith("dmbp")]
    if dmbp:
        out.append("| DMBP | model | batch | iterations | measured s/call | s/img at 200 iterations | torch same computation s/call "
                   "| ours / torch |")
        out.append("|---|---|---|---|---|---|---|---|")
        for r in dmbp:
            iterations = int(r["file"][len("dmbp"):].split("_")[0])  # dmbp<iterations>_<model>_b<batch>.json
            scaled = per_image(r) * 200 / iterations
            out.append(f"| dmbp | {r['model']} | {r['batch']} | {iterations} | {fmt(r['medianSeconds'], 1)} | {fmt(scaled, 1)}"
                       f"{'' if iterations == 200 else ' (scaled)'} | {fmt(r.get('torchMedianSeconds'), 1)} | {fmt(r.get('ratio'))} |")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "artifacts/bench")
