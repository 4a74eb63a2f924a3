#!/usr/bin/python3
"""Generates the synthetic "shapes" localization benchmark in PASCAL VOC layout (seeded, byte-reproducible).

    /usr/bin/python3 tools/make_shapes_benchmark.py --out DIR                          # 6000 train / 1000 val / 1000 test
    /usr/bin/python3 tools/make_shapes_benchmark.py --out DIR --train 100 --val 0 --test 50
    /usr/bin/python3 tools/make_shapes_benchmark.py --out src/Samples/assets/shapes-voc --test-only 40   # the committed sample

Each image is 128x128 RGB with 1-3 objects of 6 classes (circle, square, triangle, cross, ring, star), possibly of the
same class and partly overlapping, drawn with hard edges over a cluttered background (smooth colour noise, stripes,
gradients, plaid) with non-class distractors (elongated ellipses, half rings, line segments and polylines).
Boxes are the bounding boxes of each object's *visible* pixels (the pixels it owns in the final image), so they are
exact. Written files:

    JPEGImages/<id>.png            (the VOC folder name is kept; the images are PNG and <filename> says so)
    Annotations/<id>.xml           filename, size, per object: name, difficult, occluded, bndbox (1-based inclusive)
    ImageSets/Main/<split>.txt     image ids of each generated split (train, val, test)
    classes.txt                    the class names, one a line, in the models' output order
    pointing_difficult.txt         the EBP-style "difficult" pairs: per image its id and one 0/1 flag per class
    generator.json                 the seed and arguments that produced the folder

Rules (also in docs/default-models.md):
  * VOC difficult = 1 when the object is occluded (fewer than 85 % of its own pixels are visible) or tiny
    (fewer than 120 visible pixels). Placement never lets an earlier object drop below 75 % visible.
  * A pair (image, class) is "difficult" when the union of that class's boxes covers less than 1/4 of the image and
    at least one other class is present in the image.

Every image has its own random stream, MT19937 seeded by SeedSequence([seed, split, index]) (split: train 0, val 1,
test 2), so an image depends only on the seed, its split and its index: `--test-only 40` writes exactly the first
40 test images of the full set. Only numpy's legacy RandomState distributions (frozen across numpy versions) are
used; per-pixel work uses only +, -, *, /, comparisons and floor, and trigonometry is done on scalars with the math
module, so the output does not depend on SIMD code paths. PNGs are written by PIL (deterministic, no metadata).
"""
import argparse
import colorsys
import json
import math
import os
import sys

import numpy as np
from PIL import Image

CLASSES = ["circle", "square", "triangle", "cross", "ring", "star"]
SPLITS = {"train": 0, "val": 1, "test": 2}
SIZE = 128

# Documented thresholds.
MIN_VISIBLE_FRACTION = 0.75       # placement constraint for objects that get covered by later ones
DIFFICULT_VISIBLE_FRACTION = 0.85 # VOC difficult: fewer than 85 % of the object's pixels visible ...
DIFFICULT_MIN_PIXELS = 120        # ... or fewer than 120 visible pixels
BACKGROUND_CONTRAST = (0.3, 0.6)  # the background texture is blended with a flat colour: base * (1 - k) + texture * k
DIFFICULT_PAIR_AREA = 0.25        # EBP-style difficult pair: class boxes cover < 1/4 of the image, another class present


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="output folder (created; existing files with the same names are overwritten)")
    p.add_argument("--seed", type=int, default=20240607)
    p.add_argument("--train", type=int, default=6000)
    p.add_argument("--val", type=int, default=1000)
    p.add_argument("--test", type=int, default=1000)
    p.add_argument("--test-only", type=int, metavar="N", help="write only the first N test images (train = val = 0)")
    p.add_argument("--min-radius", type=float, default=10.0, help="smallest circumradius of an object, pixels")
    p.add_argument("--max-radius", type=float, default=30.0, help="largest circumradius of an object, pixels")
    p.add_argument("--max-objects", type=int, default=3)
    p.add_argument("--max-distractors", type=int, default=6)
    a = p.parse_args(argv)
    if a.test_only is not None:
        a.train, a.val, a.test = 0, 0, a.test_only
    if min(a.train, a.val, a.test) < 0 or a.train + a.val + a.test == 0:
        p.error("split sizes must be >= 0 and not all 0")
    if not 4 <= a.min_radius <= a.max_radius <= SIZE / 2 - 2:
        p.error("need 4 <= min-radius <= max-radius <= 62")
    if a.max_objects < 1:
        p.error("max-objects must be >= 1")
    return a


# ---------------------------------------------------------------------------------------------------------- geometry
_ROWS, _COLS = np.mgrid[0:SIZE, 0:SIZE]
_X = _COLS.astype(np.float64) + 0.5  # pixel centres
_Y = _ROWS.astype(np.float64) + 0.5


def polygon_mask(vertices):
    """Even-odd point-in-polygon test at every pixel centre (arithmetic only)."""
    inside = np.zeros((SIZE, SIZE), dtype=bool)
    n = len(vertices)
    for k in range(n):
        x1, y1 = vertices[k]
        x2, y2 = vertices[(k + 1) % n]
        if y1 == y2:
            continue
        straddles = (y1 > _Y) != (y2 > _Y)
        x_cross = (x2 - x1) * (_Y - y1) / (y2 - y1) + x1
        inside ^= straddles & (_X < x_cross)
    return inside


def rotated(points, cx, cy, angle):
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + c * u - s * v, cy + s * u + c * v) for u, v in points]


def disc_mask(cx, cy, r):
    dx, dy = _X - cx, _Y - cy
    return dx * dx + dy * dy <= r * r


def ellipse_mask(cx, cy, a, b, angle):
    c, s = math.cos(angle), math.sin(angle)
    dx, dy = _X - cx, _Y - cy
    u, v = c * dx + s * dy, -s * dx + c * dy
    return (u * u) / (a * a) + (v * v) / (b * b) <= 1.0


def segment_mask(x1, y1, x2, y2, half_width):
    """Pixels whose centre lies within half_width of the segment."""
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    t = np.clip(((_X - x1) * dx + (_Y - y1) * dy) / length2, 0.0, 1.0)
    ex, ey = _X - (x1 + t * dx), _Y - (y1 + t * dy)
    return ex * ex + ey * ey <= half_width * half_width


def shape_mask(name, cx, cy, r, rng):
    """The filled mask of a class object with circumradius r centred at (cx, cy); random rotation and proportions."""
    if name == "circle":
        return disc_mask(cx, cy, r)
    if name == "ring":
        inner = r * rng.uniform(0.45, 0.62)
        dx, dy = _X - cx, _Y - cy
        d2 = dx * dx + dy * dy
        return (d2 <= r * r) & (d2 >= inner * inner)
    if name == "square":
        h = r / math.sqrt(2.0)
        return polygon_mask(rotated([(-h, -h), (h, -h), (h, h), (-h, h)], cx, cy, rng.uniform(0, math.pi / 2)))
    if name == "triangle":
        pts = [(r * math.cos(math.pi / 2 + k * 2 * math.pi / 3), r * math.sin(math.pi / 2 + k * 2 * math.pi / 3)) for k in range(3)]
        return polygon_mask(rotated(pts, cx, cy, rng.uniform(0, 2 * math.pi / 3)))
    if name == "cross":
        t = rng.uniform(0.28, 0.38)  # arm half-width / arm half-length
        a = r / math.sqrt(1 + t * t)
        w = a * t
        pts = [(w, -a), (w, -w), (a, -w), (a, w), (w, w), (w, a), (-w, a), (-w, w), (-a, w), (-a, -w), (-w, -w), (-w, -a)]
        return polygon_mask(rotated(pts, cx, cy, rng.uniform(0, math.pi / 2)))
    if name == "star":
        inner = r * rng.uniform(0.38, 0.5)
        pts = []
        for k in range(10):
            radius = r if k % 2 == 0 else inner
            angle = -math.pi / 2 + k * math.pi / 5
            pts.append((radius * math.cos(angle), radius * math.sin(angle)))
        return polygon_mask(rotated(pts, cx, cy, rng.uniform(0, 2 * math.pi / 5)))
    raise ValueError(name)


# ---------------------------------------------------------------------------------------------------------- colour
def random_color(rng, sat=(0.35, 1.0), val=(0.3, 1.0)):
    h, s, v = rng.uniform(0, 1), rng.uniform(*sat), rng.uniform(*val)
    return np.array(colorsys.hsv_to_rgb(h, s, v)) * 255.0


def bilinear_noise(rng, cells, channels=3, scale=1.0):
    """A smooth field: a random (cells+1)^2 grid bilinearly interpolated to the image (arithmetic only)."""
    grid = rng.uniform(0, 1, size=(cells + 1, cells + 1, channels)) * scale
    pos = (np.arange(SIZE, dtype=np.float64) + 0.5) * cells / SIZE
    i0 = np.floor(pos).astype(int)
    f = pos - i0
    i1 = np.minimum(i0 + 1, cells)
    fy, fx = f[:, None, None], f[None, :, None]
    g00, g01 = grid[i0][:, i0], grid[i0][:, i1]
    g10, g11 = grid[i1][:, i0], grid[i1][:, i1]
    return (g00 * (1 - fx) + g01 * fx) * (1 - fy) + (g10 * (1 - fx) + g11 * fx) * fy


def background(rng):
    kind = rng.randint(4)
    if kind == 0:    # smooth colour noise
        img = bilinear_noise(rng, rng.randint(2, 7)) * 255.0
    elif kind == 1:  # stripes between two colours (triangle wave, soft or hard)
        c1, c2 = random_color(rng), random_color(rng)
        period, angle = rng.uniform(5, 22), rng.uniform(0, math.pi)
        proj = (_X * math.cos(angle) + _Y * math.sin(angle)) / period
        tri = np.abs(proj - np.floor(proj) - 0.5) * 2.0
        t = np.clip((tri - 0.5) * rng.uniform(1.5, 6.0) + 0.5, 0, 1)[:, :, None]
        img = c1 * t + c2 * (1 - t)
    elif kind == 2:  # linear gradient plus smooth noise
        c1, c2 = random_color(rng), random_color(rng)
        angle = rng.uniform(0, 2 * math.pi)
        proj = ((_X - SIZE / 2) * math.cos(angle) + (_Y - SIZE / 2) * math.sin(angle)) / SIZE + 0.5
        t = np.clip(proj, 0, 1)[:, :, None]
        img = c1 * t + c2 * (1 - t) + (bilinear_noise(rng, rng.randint(3, 8)) - 0.5) * 90.0
    else:            # plaid: two stripe sets over a smooth field
        img = bilinear_noise(rng, rng.randint(2, 5)) * 255.0
        for _ in range(2):
            period, angle = rng.uniform(6, 26), rng.uniform(0, math.pi)
            proj = (_X * math.cos(angle) + _Y * math.sin(angle)) / period
            band = (proj - np.floor(proj)) < rng.uniform(0.2, 0.5)
            img = np.where(band[:, :, None], img * 0.55 + random_color(rng) * 0.45, img)
    # Lower the texture's contrast towards a base colour (objects and distractors keep full contrast).
    k = rng.uniform(BACKGROUND_CONTRAST[0], BACKGROUND_CONTRAST[1])
    return random_color(rng) * (1 - k) + img * k


def draw_distractors(img, rng, count):
    for _ in range(count):
        kind = rng.randint(4)
        color = random_color(rng)
        cx, cy = rng.uniform(0, SIZE), rng.uniform(0, SIZE)
        if kind == 0:    # elongated ellipse (aspect 2-4: not a circle)
            a = rng.uniform(6, 22)
            mask = ellipse_mask(cx, cy, a, a / rng.uniform(2.0, 4.0), rng.uniform(0, math.pi))
        elif kind == 1:  # less than half a ring (an arc band cut by a chord)
            r = rng.uniform(8, 24)
            inner = r * rng.uniform(0.5, 0.7)
            angle = rng.uniform(0, 2 * math.pi)
            dx, dy = _X - cx, _Y - cy
            d2 = dx * dx + dy * dy
            side = dx * math.cos(angle) + dy * math.sin(angle) >= r * rng.uniform(0.1, 0.4)
            mask = (d2 <= r * r) & (d2 >= inner * inner) & side
        elif kind == 2:  # line segment
            length, angle = rng.uniform(15, 90), rng.uniform(0, 2 * math.pi)
            mask = segment_mask(cx, cy, cx + length * math.cos(angle), cy + length * math.sin(angle), rng.uniform(0.5, 1.8))
        else:            # polyline of 2-4 thin segments
            mask = np.zeros((SIZE, SIZE), dtype=bool)
            width = rng.uniform(0.5, 1.3)
            for _ in range(rng.randint(2, 5)):
                length, angle = rng.uniform(10, 35), rng.uniform(0, 2 * math.pi)
                nx, ny = cx + length * math.cos(angle), cy + length * math.sin(angle)
                mask |= segment_mask(cx, cy, nx, ny, width)
                cx, cy = nx, ny
        img[mask] = color


# ---------------------------------------------------------------------------------------------------------- images
def make_image(rng, args):
    """Returns (uint8 HxWx3 image, list of objects) for one random stream."""
    img = background(rng)
    draw_distractors(img, rng, rng.randint(1, args.max_distractors + 1))

    n_objects = 1 + int(rng.choice(args.max_objects, p=object_count_probabilities(args.max_objects)))
    owner = np.full((SIZE, SIZE), -1, dtype=np.int32)
    full_masks, objects = [], []
    for _ in range(n_objects):
        name = CLASSES[rng.randint(len(CLASSES))]
        k = len(full_masks)
        for _ in range(50):  # find a placement that keeps every earlier object at least 75 % visible
            r = args.min_radius + (args.max_radius - args.min_radius) * rng.uniform(0, 1) ** 1.3
            cx, cy = rng.uniform(r + 1, SIZE - r - 1), rng.uniform(r + 1, SIZE - r - 1)
            mask = shape_mask(name, cx, cy, r, rng)
            trial = np.where(mask, k, owner)
            if all((trial == j).sum() >= MIN_VISIBLE_FRACTION * full_masks[j].sum() for j in range(k)):
                break
        else:
            continue  # no room: draw fewer objects
        # A colour that stands out from what lies under the object.
        under = img[mask].mean(axis=0)
        for _ in range(20):
            color = random_color(rng)
            if np.abs(color - under).sum() >= 150:
                break
        img[mask] = color
        owner = trial
        full_masks.append(mask)
        objects.append({"name": name, "index": k})
    # The loop above may skip a class object only when 50 placements fail; the first object always fits.

    img = np.clip(np.floor(img + 0.5), 0, 255).astype(np.uint8)  # no pixel noise: the textures are the clutter

    result = []
    for obj in objects:
        j = obj["index"]
        visible = owner == j
        rows, cols = np.nonzero(visible)
        n_visible, n_full = int(visible.sum()), int(full_masks[j].sum())
        fraction = n_visible / n_full
        result.append({
            "name": obj["name"],
            # VOC: 1-based inclusive pixel coordinates of the visible pixels' bounding box
            "box": (int(cols.min()) + 1, int(rows.min()) + 1, int(cols.max()) + 1, int(rows.max()) + 1),
            "occluded": int(n_visible < n_full),
            "difficult": int(fraction < DIFFICULT_VISIBLE_FRACTION or n_visible < DIFFICULT_MIN_PIXELS),
        })
    return img, result


def object_count_probabilities(max_objects):
    weights = np.array([1.0 / (1 + 0.3 * k) for k in range(max_objects)])
    return weights / weights.sum()


def difficult_flags(objects):
    """One 0/1 flag per class: present, its boxes' union covers < 1/4 of the image, and another class is present."""
    present = {o["name"] for o in objects}
    flags = []
    for name in CLASSES:
        if name not in present or len(present) < 2:
            flags.append(0)
            continue
        covered = np.zeros((SIZE, SIZE), dtype=bool)
        for o in objects:
            if o["name"] == name:
                x1, y1, x2, y2 = o["box"]
                covered[y1 - 1:y2, x1 - 1:x2] = True
        flags.append(int(covered.sum() < DIFFICULT_PAIR_AREA * SIZE * SIZE))
    return flags


def annotation_xml(image_id, objects):
    lines = ["<annotation>", "\t<folder>shapes-voc</folder>", f"\t<filename>{image_id}.png</filename>",
             "\t<source>", "\t\t<database>Microsoft.ML.Attribution synthetic shapes</database>", "\t</source>",
             "\t<size>", f"\t\t<width>{SIZE}</width>", f"\t\t<height>{SIZE}</height>", "\t\t<depth>3</depth>", "\t</size>",
             "\t<segmented>0</segmented>"]
    for o in objects:
        x1, y1, x2, y2 = o["box"]
        lines += ["\t<object>", f"\t\t<name>{o['name']}</name>", "\t\t<pose>Unspecified</pose>", "\t\t<truncated>0</truncated>",
                  f"\t\t<occluded>{o['occluded']}</occluded>", f"\t\t<difficult>{o['difficult']}</difficult>", "\t\t<bndbox>",
                  f"\t\t\t<xmin>{x1}</xmin>", f"\t\t\t<ymin>{y1}</ymin>", f"\t\t\t<xmax>{x2}</xmax>", f"\t\t\t<ymax>{y2}</ymax>",
                  "\t\t</bndbox>", "\t</object>"]
    lines.append("</annotation>")
    return "\n".join(lines) + "\n"


def image_stream(seed, split, index):
    return np.random.RandomState(np.random.MT19937(np.random.SeedSequence([seed, SPLITS[split], index])))


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv):
    args = parse_args(argv)
    out = args.out
    for sub in ("JPEGImages", "Annotations", os.path.join("ImageSets", "Main")):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    difficult_rows = []
    counts = {"train": args.train, "val": args.val, "test": args.test}
    for split, count in counts.items():
        if count == 0:
            continue
        ids = []
        for index in range(count):
            image_id = f"{split}_{index:05d}"
            img, objects = make_image(image_stream(args.seed, split, index), args)
            Image.fromarray(img, "RGB").save(os.path.join(out, "JPEGImages", image_id + ".png"), format="PNG")
            write_text(os.path.join(out, "Annotations", image_id + ".xml"), annotation_xml(image_id, objects))
            difficult_rows.append(image_id + "\t" + "\t".join(str(f) for f in difficult_flags(objects)))
            ids.append(image_id)
        write_text(os.path.join(out, "ImageSets", "Main", split + ".txt"), "\n".join(ids) + "\n")
        print(f"{split}: {count} images", flush=True)
    write_text(os.path.join(out, "classes.txt"), "\n".join(CLASSES) + "\n")
    write_text(os.path.join(out, "pointing_difficult.txt"), "\n".join(difficult_rows) + "\n")
    settings = {"generator": "tools/make_shapes_benchmark.py", "seed": args.seed, "train": args.train, "val": args.val,
                "test": args.test, "min_radius": args.min_radius, "max_radius": args.max_radius,
                "max_objects": args.max_objects, "max_distractors": args.max_distractors, "image_size": SIZE,
                "classes": CLASSES}
    write_text(os.path.join(out, "generator.json"), json.dumps(settings, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
