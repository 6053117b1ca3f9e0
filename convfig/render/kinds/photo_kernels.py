"""The classic kernels on a real photo: input, each kernel with its numbers, and its feature map.

The photo is matplotlib's sample ``grace_hopper.jpg`` (public domain), in grey, box-reduced 4x to 150x128
(``convfig.render.samples.photo``). Every map is ``convfig.conv(photo, kernel, padding=...)``, one array
pixel per figure pixel. Maps of kernels whose weights add up to 1 (identity, blurs, sharpen) are drawn in
grey, clipped to 0-255; maps of zero-sum kernels (Sobel, Laplacian: edge detectors) are signed and drawn
with a diverging colour map (blue negative, white 0, vermillion positive) and a colour bar of their own.

``padding`` is same (the maps keep the photo's size; the zeros outside darken a blur's border) or valid
(each map loses a 1-pixel frame: 148x126).

Keys: ``("kernel", (name, a, b))`` a weight cell (text = the weight, or its numerator when the kernel is
written as integers times 1/9 or 1/16: ``("scale", name)`` says so); ``("map", name)`` the feature map's
Image, ``("input", ())`` the photo's; ``("shape", name)`` the map's shape under it; ``("bar", name)``
the colour bar Image and ``("limit", name)`` its end value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.errors import ConvfigError
from convfig.render import fmt, parts, samples
from convfig.render import text as tx
from convfig.render.layout import Box, Image, Item, Label, Layout
from convfig.render.types import FigureSpec

REDUCE = 4
M = 14
KC = 19              # kernel cell
COLS = 4             # tiles per row
TILE_GAP = 18
BAR_H = samples.BAR_H


@dataclass(frozen=True)
class Maps:
    photo: np.ndarray
    padding: str
    maps: dict[str, np.ndarray]          # kernel name -> feature map (rows, cols)


def compute(spec: FigureSpec) -> Maps:
    padding = spec.params["padding"]
    if padding not in ("valid", "same"):
        raise ConvfigError(f"padding: photo-kernels shows valid or same, got {padding!r}")
    img = samples.photo(REDUCE)
    maps = {name: convfig.conv(img[..., None], k[..., None, None], padding=padding)[..., 0]
            for name, k in samples.KERNELS.items()}
    return Maps(img, padding, maps)


def kernel_cells(x: float, y: float, name: str, k: np.ndarray) -> tuple[list[Item], float]:
    """The kernel's weights as a small grid (integers times 1/n written once under it); returns (items, h)."""
    scale = samples.KERNEL_SCALE.get(name, 1)
    items: list[Item] = []
    for (a, b), w in np.ndenumerate(k * scale):
        s = fmt.num(w)
        items.append(Box(x + b * KC, y + a * KC, KC, KC, fill="window_fill", edge="grid", text=s, color="weight",
                         bold=True, size=tx.fit(s, 8, KC - 3, True), key=("kernel", (name, a, b))))
    h = 3 * KC
    if scale != 1:
        items.append(Label(x + 3 * KC + 5, y + 3 * KC / 2, f"× 1/{scale}", 8, "weight", bold=True, va="center",
                           key=("scale", name)))
    return items, h


def picture(name: str, values: np.ndarray, signed: bool) -> tuple[np.ndarray, float]:
    """(uint8 pixels, colour-bar limit or 0) of a feature map."""
    if signed:
        limit = samples.nice_limit(values)
        return samples.diverging(values, limit), limit
    return samples.grey(values), 0.0


def plan(spec: FigureSpec, data: Maps) -> Layout:
    ph, pw = data.photo.shape
    tile_w = max(pw, 3 * KC + 40)
    kern_h = 3 * KC + 8
    tile_h = 16 + kern_h + ph + BAR_H + 42
    items: list[Item] = []
    tiles = [("input", None)] + list(samples.KERNELS.items())
    for i, (name, k) in enumerate(tiles):
        x = M + (i % COLS) * (tile_w + TILE_GAP)
        y = M + (i // COLS) * (tile_h + TILE_GAP)
        items.append(Label(x, y + 10, name if k is not None else "input (grey)", 9, "fg", bold=True, va="center"))
        yi = y + 16 + kern_h
        if k is None:
            items.append(Label(x, y + 32, samples.PHOTO_FILE, 8, "muted", va="center"))
            items.append(Label(x, y + 48, "public domain", 8, "muted", va="center"))
            items.append(Image(x, yi, pw, ph, samples.grey(data.photo), key=("input", ())))
            items.append(Label(x, yi + ph + 10, fmt.tuple_str((ph, pw, 1)), 8, "muted", va="center"))
            continue
        cells, _ = kernel_cells(x, y + 18, name, k)
        items += cells
        values = data.maps[name]
        mh, mw = values.shape
        pix, limit = picture(name, values, samples.signed(k))
        off = ((ph - mh) / 2, (pw - mw) / 2)          # valid: the smaller map sits where its pixels belong
        if data.padding == "valid":
            items += parts.frame(x, yi, pw, ph, "grid", 1, dash=True)
        items.append(Image(x + off[1], yi + off[0], mw, mh, pix, key=("map", name)))
        items.append(Label(x, yi + ph + 10, fmt.tuple_str((mh, mw, 1)), 8, "muted", va="center",
                           key=("shape", name)))
        if limit:
            items += samples.colour_bar(x, yi + ph + 20, pw, limit, name)
    rows = -(-len(tiles) // COLS)
    y = M + rows * (tile_h + TILE_GAP) - 4
    call = f"feature_map = convfig.conv(photo, kernel, padding='{data.padding}')   # photo: (150, 128, 1)"
    items.append(Label(M, y + 4, call, 8.5, "fg", mono=True))
    items.append(Label(M, y + 22, "grey: weights sum to 1, clipped to 0–255;  colour: weights sum to 0 (edge "
                       "detectors), blue < 0 < vermillion", 8.5, "muted"))
    w, h = parts.extent(items)
    width, height = int(w) + M, int(h) + M - 4
    alt = (f"The classic 3×3 kernels applied with padding='{data.padding}' to a grey 150×128 photo of Grace "
           "Hopper: identity (unchanged), box and Gaussian blur (softer), sharpen (crisper), Sobel x and y "
           "(vertical and horizontal edges, signed: blue negative, vermillion positive), Laplacian (outlines).")
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=1, levels=3)
