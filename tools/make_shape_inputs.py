#!/usr/bin/python3
"""Shape images for the positive aggregation/propagation study on the peer model (fixtures/peer-small/small.onnx).

The peer fixture's own inputs.npy are N(0, 1) noise; this draws real inputs of the task the model was trained on:
one filled shape (circle, square, triangle, cross — the model's classes 0..3) per 64x64 RGB image, random centre,
size and colour, on a black background, pixels in [0, 1] (the convention the fixture README names). It is our own
drawing, not the training generator; `attribution study` reports the model's top-1 classes, which match the drawn
shapes (0, 1, 2, 3, 0, 1, 2, 3) for the committed file.

Standard library only (no numpy):
    /usr/bin/python3 tools/make_shape_inputs.py test/Microsoft.ML.Attribution.Tests/fixtures/study/shapes.npy
Writes float32 [8, 3, 64, 64]; deterministic (seed 0).
"""
import os
import random
import struct
import sys

SIZE = 64
CLASSES = ["circle", "square", "triangle", "cross"]


def inside(kind, px, py, r):
    """Whether the pixel offset (px, py) from the centre lies in the shape of radius r."""
    if kind == "circle":
        return px * px + py * py <= r * r
    if kind == "square":
        return abs(px) <= 0.8 * r and abs(py) <= 0.8 * r
    if kind == "triangle":  # apex up
        return -r <= py <= 0.7 * r and abs(px) <= 0.6 * (py + r)
    arm = 0.28 * r  # cross
    return (abs(px) <= arm and abs(py) <= r) or (abs(py) <= arm and abs(px) <= r)


def draw(kind, rng):
    cx, cy, r = rng.uniform(24, 40), rng.uniform(24, 40), rng.uniform(12, 18)
    colour = [rng.uniform(0.6, 1.0) for _ in range(3)]
    mask = [[1.0 if inside(kind, x + 0.5 - cx, y + 0.5 - cy, r) else 0.0 for x in range(SIZE)] for y in range(SIZE)]
    return [[[m * colour[c] for m in row] for row in mask] for c in range(3)]


def write_npy(path, images):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 3, %d, %d), }" % (len(images), SIZE, SIZE)
    header += " " * (128 - 10 - len(header) - 1) + "\n"  # pad the 10-byte preamble + header to 128 bytes
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        for image in images:
            for channel in image:
                for row in channel:
                    f.write(struct.pack("<%df" % SIZE, *row))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "test/Microsoft.ML.Attribution.Tests/fixtures/study/shapes.npy"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    rng = random.Random(0)
    write_npy(out, [draw(CLASSES[i % 4], rng) for i in range(8)])


if __name__ == "__main__":
    main()
