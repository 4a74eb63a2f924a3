#!/usr/bin/python3
"""Tiny image fixtures for the imaging tests (test/.../Imaging), written with Debian's python3-pil, python3-numpy
and python3-skimage — independent of the OpenCV code under test.

Run with /usr/bin/python3:
    /usr/bin/python3 tools/make_image_fixtures.py test/Microsoft.ML.Attribution.Tests/fixtures/images
Writes images in several formats and modes, broken files, and .npy files with the pixels a decoder must return
(and skimage's bilinear resize of one image, the reference for ImageResize).
"""
import io
import os
import sys

import numpy as np
from PIL import Image
from skimage.transform import resize

out_dir = sys.argv[1] if len(sys.argv) > 1 else "test/Microsoft.ML.Attribution.Tests/fixtures/images"
os.makedirs(out_dir, exist_ok=True)
rng = np.random.default_rng(20261122)


def path(name):
    return os.path.join(out_dir, name)


def save_npy(name, array):
    np.save(path(name), np.ascontiguousarray(array))


# 3x4 RGB with both extremes in every channel; the same pixels as PNG, BMP and (with alpha) RGBA PNG.
y, x = np.mgrid[0:3, 0:4]
rgb = np.stack([85 * x, 127 * y, (85 * x + 3 * 127 * y + 11 * x * y) % 256], axis=-1).astype(np.uint8)
rgb[2, 3] = [255, 255, 255]
save_npy("rgb_3x4.npy", rgb)
Image.fromarray(rgb, "RGB").save(path("rgb_3x4.png"))
Image.fromarray(rgb, "RGB").save(path("rgb_3x4.bmp"))
alpha = np.array([[0, 64, 128, 255]] * 3, dtype=np.uint8)  # alpha 0 too: the decoder must not premultiply
Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(path("rgba_3x4.png"))

# 8-bit gray.
gray = (np.arange(12).reshape(3, 4) * 23).astype(np.uint8)
gray[0, 0], gray[2, 3] = 0, 255
save_npy("gray_3x4.npy", gray)
Image.fromarray(gray, "L").save(path("gray_3x4.png"))

# 16-bit gray: 8-bit value = round(v * 255 / 65535).
gray16 = np.array([[0, 257, 65535], [1000, 32768, 12345]], dtype=np.uint16)
Image.fromarray(gray16, "I;16").save(path("gray16_2x3.png"))

# Palette (indexed) PNG.
palette_image = Image.new("P", (2, 2))
palette_image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30] + [0] * (256 - 4) * 3)
palette_image.putdata([0, 1, 2, 3])
palette_image.save(path("palette_2x2.png"))

# A smooth 16x16 gradient as lossless PNG and as JPEG (quality 95): the JPEG must decode close to the PNG.
gy, gx = np.mgrid[0:16, 0:16]
gradient = np.stack([gx * 16, gy * 16, 255 - (gx + gy) * 8], axis=-1).clip(0, 255).astype(np.uint8)
Image.fromarray(gradient, "RGB").save(path("gradient_16x16.png"))
Image.fromarray(gradient, "RGB").save(path("gradient_16x16.jpg"), quality=95)
pil_decoded = np.asarray(Image.open(path("gradient_16x16.jpg")).convert("RGB"))
save_npy("gradient_16x16_jpg_pil.npy", pil_decoded)  # libjpeg's own decode, via PIL
print(f"gradient_16x16.jpg: max abs error after decode = {np.abs(pil_decoded.astype(int) - gradient).max()}")

# EXIF orientation 6 ("rotate 90° clockwise to display"): stored 8 high x 16 wide, left half red, right half blue;
# shown upright it is 16 high x 8 wide with red on top.
stored = np.zeros((8, 16, 3), dtype=np.uint8)
stored[:, :8] = [255, 0, 0]
stored[:, 8:] = [0, 0, 255]
exif = Image.Exif()
exif[0x0112] = 6
Image.fromarray(stored, "RGB").save(path("exif_rotated_8x16.jpg"), quality=95, exif=exif.tobytes())

# Broken files: text with an image extension, a PNG signature followed by garbage, a PNG cut in half.
with open(path("not_an_image.png"), "wb") as f:
    f.write(b"this is a text file, not a PNG\n")
with open(path("corrupt.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + bytes(rng.integers(0, 256, 200, dtype=np.uint8)))
buffer = io.BytesIO()
Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8), "RGB").save(buffer, format="PNG")
with open(path("truncated.png"), "wb") as f:
    f.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])

# Bilinear reference: skimage's resize (order 1, pixel centers aligned, edges replicated, no antialiasing) is the
# same sampling as OpenCV's INTER_LINEAR; OpenCV's fixed-point arithmetic may differ by 1 after rounding.
source = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
Image.fromarray(source, "RGB").save(path("resize_source_5x7.png"))
for height, width in [(9, 11), (3, 4)]:
    expected = resize(source, (height, width), order=1, mode="edge", anti_aliasing=False, preserve_range=True)
    save_npy(f"resize_bilinear_{height}x{width}.npy", np.rint(expected).clip(0, 255).astype(np.uint8))
