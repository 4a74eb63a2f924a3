#!/usr/bin/python3
"""Reference values for the map-similarity metrics and RISE's blur substrate, from Debian's scipy, skimage and torch.

Run with /usr/bin/python3 (Debian's python3-scipy, python3-skimage, python3-torch):
    /usr/bin/python3 tools/make_metric_fixtures.py test/Microsoft.ML.Attribution.Tests/fixtures/metrics
Writes <case>.a.npy / <case>.b.npy (float32 maps), <case>.hog_a.npy (skimage HOG of map a), blur.*.npy and
cases.json with the expected values. The C# tests (test/.../Metrics/SimilarityFixtureTests.cs and
DeletionInsertionTests.cs) recompute each value with the library.
Maps are cast to float64 before every call, as the library computes in double.
"""
import json
import os
import sys

import numpy as np
import scipy
import skimage
import torch
import torch.nn.functional as F
from scipy import stats
from scipy.ndimage import gaussian_filter
from skimage.feature import hog
from skimage.metrics import structural_similarity

out_dir = sys.argv[1] if len(sys.argv) > 1 else "test/Microsoft.ML.Attribution.Tests/fixtures/metrics"
os.makedirs(out_dir, exist_ok=True)
rng = np.random.default_rng(20261123)


def smooth(h, w, blobs):
    """A few Gaussian blobs: a saliency-like map with structure for HOG."""
    rows, cols = np.mgrid[0:h, 0:w]
    m = np.zeros((h, w))
    for _ in range(blobs):
        r, c, s, a = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(2, 8), rng.normal()
        m += a * np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / (2 * s * s))
    return m


def orientation_edges(h, w):
    """Steps along rows and columns (0°, 90°, 180°→0° gradients) and a gradient whose angle rounds to 180° (no HOG bin)."""
    m = np.zeros((h, w))
    m[:, w // 2:] = 1.0
    m[h // 2:, :] += 0.5
    m[5, w // 2 - 1] = 1e-38  # at (6, w/2-1): g_row = -1e-38, g_col = 1 -> angle -5.7e-37 deg, which % 180 rounds to 180
    m[10:14, 20:24] = -2.0
    return m


cases = []


def case(name, a, b, ppc=(8, 8), cpb=(3, 3), orientations=9, data_range=2.0):
    a = a.astype(np.float32)
    b = b.astype(np.float32)
    np.save(os.path.join(out_dir, f"{name}.a.npy"), a)
    np.save(os.path.join(out_dir, f"{name}.b.npy"), b)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    hog_kw = dict(orientations=orientations, pixels_per_cell=ppc, cells_per_block=cpb, block_norm="L2-Hys")
    hog_a, hog_b = hog(a64, **hog_kw), hog(b64, **hog_kw)
    np.save(os.path.join(out_dir, f"{name}.hog_a.npy"), hog_a.astype(np.float64))

    def normalized(m):
        peak = np.abs(m).max()
        return m / peak if peak > 0 else m

    na, nb = normalized(a64), normalized(b64)
    cases.append({
        "name": name,
        "shape": list(a.shape),
        "hog": {"orientations": orientations, "pixels_per_cell": list(ppc), "cells_per_block": list(cpb)},
        "data_range": data_range,
        "pearson": float(stats.pearsonr(a64.ravel(), b64.ravel())[0]),
        "spearman": float(stats.spearmanr(a64.ravel(), b64.ravel())[0]),
        "spearman_abs": float(stats.spearmanr(np.abs(a64).ravel(), np.abs(b64).ravel())[0]),
        "ssim7": float(structural_similarity(a64, b64, win_size=7, data_range=data_range)),
        "ssim5": float(structural_similarity(a64, b64, win_size=5, data_range=data_range)),
        "hog_pearson": float(stats.pearsonr(hog_a, hog_b)[0]),
        # MapSimilarity.Compare with default SimilarityOptions: max-|value| normalization, SSIM window 7, range 2.
        "compare": {
            "spearman": float(stats.spearmanr(na.ravel(), nb.ravel())[0]),
            "spearman_abs": float(stats.spearmanr(np.abs(na).ravel(), np.abs(nb).ravel())[0]),
            "ssim": float(structural_similarity(na, nb, win_size=7, data_range=2.0)),
            "hog_pearson": float(stats.pearsonr(hog(na, **hog_kw), hog(nb, **hog_kw))[0]),
        },
    })


a = rng.normal(size=(32, 40))
case("random", a, rng.normal(size=(32, 40)), data_range=6.0)
case("correlated", a, 0.7 * a + 0.3 * rng.normal(size=(32, 40)), data_range=6.0)
q = np.round(rng.normal(size=(24, 24)) * 2) / 4  # many ties, both signs
case("ties", q, np.round(rng.normal(size=(24, 24)) * 2) / 4 - 0.5 * q)
s = smooth(48, 64, 5)
case("smooth", s, s + 0.2 * rng.normal(size=s.shape) * np.abs(s).max())
big = smooth(64, 64, 8)
case("cells16", big, -big + 0.1 * smooth(64, 64, 3), ppc=(16, 16), cpb=(3, 3))
case("uneven", smooth(37, 45, 4), smooth(37, 45, 4), ppc=(7, 6), cpb=(2, 3), orientations=6)
e = orientation_edges(24, 32)
case("edges", e, np.flipud(e) + 0.1 * smooth(24, 32, 2), data_range=3.0)

# RISE's blur substrate: kernel = gaussian_filter(centred impulse, 5) on 11x11, applied per channel with zero padding.
impulse = np.zeros((11, 11))
impulse[5, 5] = 1
kernel = gaussian_filter(impulse, 5)
np.save(os.path.join(out_dir, "blur.kernel.npy"), kernel)
image = torch.tensor(rng.normal(size=(3, 20, 24)))
weight = torch.zeros(3, 3, 11, 11, dtype=torch.float64)
for c in range(3):
    weight[c, c] = torch.tensor(kernel)
np.save(os.path.join(out_dir, "blur.image.npy"), image.numpy())
np.save(os.path.join(out_dir, "blur.blurred.npy"), F.conv2d(image[None], weight, padding=5)[0].numpy())

with open(os.path.join(out_dir, "cases.json"), "w") as f:
    json.dump({"generator": "tools/make_metric_fixtures.py",
               "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                            "skimage": skimage.__version__, "torch": torch.__version__},
               "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} cases to {out_dir}")
