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
S_KC, S_FONT, S_KFONT, S_GAP = 40, 16, 15.5, 30    # slides: kernel cell, type size, its weights (pt), tile gap


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


def kernel_cells(x: float, y: float, name: str, k: np.ndarray, kc: float = KC, size: float = 8,
                 below: bool = False) -> tuple[list[Item], float]:
    """The kernel's weights as a small grid of ``kc`` px cells (integers times 1/n written once beside it,
    or ``below`` it); returns (items, h)."""
    scale = samples.KERNEL_SCALE.get(name, 1)
    items: list[Item] = []
    for (a, b), w in np.ndenumerate(k * scale):
        s = fmt.num(w)
        items.append(Box(x + b * kc, y + a * kc, kc, kc, fill="window_fill", edge="grid", text=s, color="weight",
                         bold=True, size=tx.fit(s, size, kc - 3, True), key=("kernel", (name, a, b))))
    h = 3 * kc
    if scale != 1:
        at = (x, y + 3 * kc + size * 1.4) if below else (x + 3 * kc + 5, y + 3 * kc / 2)
        items.append(Label(*at, f"× 1/{scale}", size, "weight", bold=True, va="center", key=("scale", name)))
    return items, h


def picture(name: str, values: np.ndarray, signed: bool) -> tuple[np.ndarray, float]:
    """(uint8 pixels, colour-bar limit or 0) of a feature map."""
    if signed:
        limit = samples.nice_limit(values)
        return samples.diverging(values, limit), limit
    return samples.grey(values), 0.0


def _map_items(x: float, y: float, name: str, k: np.ndarray, data: Maps, sizes: tuple[float, float, float],
               bar_x: float | None = None) -> list[Item]:
    """One feature map with its top-left at (x, y) (a valid map centred in the photo's frame), its shape
    under it and, if signed, its colour bar; ``sizes``: (shape font, colour bar font, colour bar height).
    With ``bar_x`` (slides) the bar runs from there to the map's right edge and the shape is centred."""
    ph, pw = data.photo.shape
    values = data.maps[name]
    mh, mw = values.shape
    pix, limit = picture(name, values, samples.signed(k))
    off = ((ph - mh) / 2, (pw - mw) / 2)          # valid: the smaller map sits where its pixels belong
    items: list[Item] = []
    if data.padding == "valid":
        items += parts.frame(x, y, pw, ph, "grid", 1, dash=True)
    shape_size, bar_size, bar_h = sizes
    items.append(Image(x + off[1], y + off[0], mw, mh, pix, key=("map", name)))
    items.append(Label(x if bar_x is None else x + pw / 2, y + ph + 10 * shape_size / 8, fmt.tuple_str((mh, mw, 1)),
                       shape_size, "muted", ha="left" if bar_x is None else "center", va="center",
                       key=("shape", name)))
    if limit:
        bx = x if bar_x is None else bar_x
        items += samples.colour_bar(bx, y + ph + 20 * shape_size / 8, x + pw - bx, limit, name, size=bar_size,
                                    h=bar_h)
    return items


def _footer(padding: str, slide: bool = False) -> tuple[str, str]:
    note = ("grey: weights sum to 1;  colour: weights sum to 0 (edges), blue < 0 < vermillion" if slide else
            "grey: weights sum to 1, clipped to 0–255;  colour: weights sum to 0 (edge detectors), blue < 0 < "
            "vermillion")
    return f"feature_map = convfig.conv(photo, kernel, padding='{padding}')   # photo: (150, 128, 1)", note


def _alt(padding: str) -> str:
    return (f"The classic 3×3 kernels applied with padding='{padding}' to a grey 150×128 photo of Grace "
            "Hopper: identity (unchanged), box and Gaussian blur (softer), sharpen (crisper), Sobel x and y "
            "(vertical and horizontal edges, signed: blue negative, vermillion positive), Laplacian (outlines).")


def _plan_slide(data: Maps) -> Layout:
    """The slide: the same 4 x 2 tiles, each kernel to the left of its map (a wider tile), all type larger."""
    ph, pw = data.photo.shape
    kc, size = S_KC, S_FONT
    tile_w = 3 * kc + 16 + pw
    items: list[Item] = []
    tiles = [("input", None)] + list(samples.KERNELS.items())
    y = M
    for r in range(0, len(tiles), COLS):              # a row of tiles is as tall as its content
        row = tiles[r:r + COLS]
        bars = any(k is not None and samples.signed(k) for _, k in row)
        for i, (name, k) in enumerate(row):
            x = M + i * (tile_w + S_GAP)
            xi, yi = x + 3 * kc + 16, y + 34
            items.append(Label(x, y + 12, name if k is not None else "input (grey)", size + 1.5, "fg", bold=True,
                               va="center"))
            if k is None:
                items.append(Image(xi, yi, pw, ph, samples.grey(data.photo), key=("input", ())))
                items.append(Label(xi + pw / 2, yi + ph + 10 * size / 8, fmt.tuple_str((ph, pw, 1)), size, "muted",
                                   ha="center", va="center"))
                items += [Label(x, yi + 10 + j * size * 1.8, s, size - 1, "muted", va="center")
                          for j, s in enumerate(("Grace", "Hopper,", "public", "domain"))]
                continue
            items += kernel_cells(x, yi, name, k, kc, S_KFONT, below=True)[0]
            items += _map_items(xi, yi, name, k, data, (size, size, BAR_H + 2), bar_x=x)   # a tile-wide bar
        y += 34 + ph + 20 * size / 8 + (BAR_H + 2 * size + 12 if bars else 0) + S_GAP
    call, note = _footer(data.padding, slide=True)
    items.append(Label(M, y + 8, call, size, "fg", mono=True))
    items.append(Label(M, y + 12 + 2 * size, note, size, "muted"))
    w, h = parts.extent(items)
    width, height = int(w) + M, int(h) + M
    return Layout(width + width % 2, height + height % 2, items, alt=_alt(data.padding), ss=1, levels=3)


def plan(spec: FigureSpec, data: Maps) -> Layout:
    if spec.target == "slide":
        return _plan_slide(data)
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
        items += _map_items(x, yi, name, k, data, (8, 7.5, BAR_H))
    rows = -(-len(tiles) // COLS)
    y = M + rows * (tile_h + TILE_GAP) - 4
    call, note = _footer(data.padding)
    items.append(Label(M, y + 4, call, 8.5, "fg", mono=True))
    items.append(Label(M, y + 22, note, 8.5, "muted"))
    w, h = parts.extent(items)
    width, height = int(w) + M, int(h) + M - 4
    return Layout(width + width % 2, height + height % 2, items, alt=_alt(data.padding), ss=1, levels=3)
