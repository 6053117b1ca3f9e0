"""Several filters on one input: their feature maps, stacked as the output's last axis, on a real photo.

One Conv2D with 4 filters -- Sobel x, Sobel y, a diagonal edge and the Laplacian, a kernel tensor of shape
(3, 3, 1, 4) -- over the grey 150x128 photo (matplotlib's ``grace_hopper.jpg``, public domain) gives an
output of shape (150, 128, 4): map f is ``y[..., f]``. Top: the input and the output drawn as a stack of
its 4 maps (the last axis); bottom: each filter's kernel with its numbers above its map. The maps are
signed (every kernel's weights add up to 0), so all four share one diverging colour map (blue negative,
near white 0, vermillion positive) and one colour bar.

Keys: ``("input", ())`` the photo Image; ``("map", f)`` filter f's map Image (bottom row) and
``("stack", f)`` its copy in the stack; ``("kernel", (f, a, b))`` weight cells; ``("name", f)`` the
filter's name; ``("shape", "output")`` / ``("shape", "kernel")``; ``("bar", "maps")`` and
``("limit", "maps")`` the shared colour bar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.render import fmt, parts, samples
from convfig.render import text as tx
from convfig.render.layout import Box, Image, Item, Label, Layout, Line
from convfig.render.types import FigureSpec

REDUCE = 4
M = 14
KC = 17
GAP = 16
STEP = 22          # offset between stacked maps (px, right and up)
S_FONT, S_KC, S_GAP, BAR_S = 15.5, 40, 24, 14      # slides: type size (pt), kernel cell, gap between tiles, bar
FILTERS = ("Sobel x", "Sobel y", "diagonal", "Laplacian")
DIAGONAL = np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [-2.0, -1.0, 0.0]])


@dataclass(frozen=True)
class Stack:
    photo: np.ndarray
    kernel: np.ndarray          # (3, 3, 1, F)
    output: np.ndarray          # (rows, cols, F)
    limit: float


def compute(spec: FigureSpec) -> Stack:
    img = samples.photo(REDUCE)
    ks = [DIAGONAL if name == "diagonal" else samples.KERNELS[name] for name in FILTERS]
    kernel = np.stack(ks, axis=-1)[:, :, None, :]
    out = convfig.conv(img[..., None], kernel, padding="same")
    return Stack(img, kernel, out, samples.nice_limit(out))


def _stack(xs: float, y_top: float, data: Stack, size: float) -> list[Item]:
    """The output drawn as its maps stacked back to front, map f at (xs, y_top) moved STEP right and up per
    filter, each named ``[..., f]`` (``size`` pt) at its lower right."""
    ph, pw = data.photo.shape
    nf = data.kernel.shape[-1]
    items: list[Item] = []
    for f in range(nf):
        x, y = xs + STEP * f, y_top + STEP * (nf - 1 - f)
        pix = samples.diverging(data.output[..., f], data.limit)
        items.append(Image(x, y, pw, ph, pix, key=("stack", f)))
        items += parts.frame(x, y, pw, ph, "grid", 1)
        items.append(Label(x + pw + 5, y + ph - 7, f"[..., {f}]", size, "muted", va="center"))
    return items


def _kernel(x: float, y: float, data: Stack, f: int, kc: float, size: float) -> list[Item]:
    """Filter f's weights, kernel[:, :, 0, f], as a 3x3 grid of ``kc`` px cells from (x, y)."""
    items: list[Item] = []
    for (a, b), w in np.ndenumerate(data.kernel[:, :, 0, f]):
        s = fmt.num(w)
        items.append(Box(x + b * kc, y + a * kc, kc, kc, fill="window_fill", edge="grid", text=s, color="weight",
                         bold=True, size=tx.fit(s, size, kc - 3, True), key=("kernel", (f, a, b))))
    return items


def _alt(data: Stack) -> str:
    return (f"One Conv2D layer with 4 filters (Sobel x, Sobel y, diagonal, Laplacian; kernel shape "
            f"{fmt.tuple_str(data.kernel.shape)}) on a grey 150×128 photo gives an output of shape "
            f"{fmt.tuple_str(data.output.shape)}: four feature maps stacked on the last axis. Each map lights up "
            "on edges of its own direction; negative responses are blue, positive vermillion, on one shared colour "
            "scale.")


def _plan_slide(data: Stack) -> Layout:
    """The slide: input -> the stacked output with the colour scale and the call beside it (top); each
    filter's kernel to the left of its map (bottom); all type larger."""
    ph, pw = data.photo.shape
    nf = data.kernel.shape[-1]
    sz, kc = S_FONT, S_KC
    y_top = M + 66
    y_in = y_top + STEP * (nf - 1)
    items: list[Item] = [Label(M, M + 12, f"input {fmt.tuple_str((ph, pw, 1))}", sz + 1.5, "fg", bold=True,
                               va="center"),
                         Image(M, y_in, pw, ph, samples.grey(data.photo), key=("input", ()))]
    call = f"Conv2D({nf}, 3)"
    xs = M + pw + tx.width(call, sz) + 44
    items += [Line(((M + pw + 12, y_in + ph / 2), (xs - 14, y_in + ph / 2)), "fg", 1.6, arrow=True, head=9),
              Label((M + pw + xs) / 2, y_in + ph / 2 - 16, call, sz, "muted", ha="center", va="center")]
    items += [Label(xs, M + 12, f"output {fmt.tuple_str(data.output.shape)}", sz + 1.5, "fg", bold=True,
                    va="center", key=("shape", "output")),
              Label(xs, M + 36, "one map per filter, stacked on the last axis", sz, "muted", va="center")]
    items += _stack(xs, y_top, data, sz)
    xr = xs + pw + STEP * (nf - 1) + tx.width("[..., 0]", sz) + 48            # the colour scale and the call
    tile_w = 3 * kc + 14 + pw
    bar_w = max(300, M + nf * tile_w + (nf - 1) * S_GAP - xr)                  # to the tiles' right edge
    items += samples.colour_bar(xr, y_top + 40, bar_w, data.limit, "maps", size=sz, h=BAR_S)
    items += [Label(xr, y_top + 40 + BAR_S + 2.6 * sz + 10, "one colour scale for all maps:", sz, "muted",
                    va="center"),
              Label(xr, y_top + 40 + BAR_S + 4.4 * sz + 10, "blue < 0 < vermillion", sz, "muted", va="center"),
              Label(xr, y_in + ph - 8 - 1.8 * sz, "y = convfig.conv(photo, kernel,", sz, "fg", mono=True,
                    va="center"),
              Label(xr, y_in + ph - 8, "                 padding='same')", sz, "fg", mono=True, va="center")]
    y_row = y_in + ph + 62
    items.append(Label(M, y_row, f"kernel {fmt.tuple_str(data.kernel.shape)}: filter f is kernel[:, :, 0, f], "
                       "its map y[..., f]", sz + 1.5, "fg", bold=True, va="center", key=("shape", "kernel")))
    for f in range(nf):
        x, y = M + f * (tile_w + S_GAP), y_row + 62
        items.append(Label(x, y - 22, f"filter {f}: {FILTERS[f]}", sz + 0.5, "fg", bold=True, va="center",
                           key=("name", f)))
        items += _kernel(x, y, data, f, kc, sz)
        items.append(Image(x + 3 * kc + 14, y, pw, ph, samples.diverging(data.output[..., f], data.limit),
                           key=("map", f)))
    w, h = parts.extent(items)
    width, height = int(w) + M, int(h) + M
    return Layout(width + width % 2, height + height % 2, items, alt=_alt(data), ss=1, levels=3)


def plan(spec: FigureSpec, data: Stack) -> Layout:
    if spec.target == "slide":
        return _plan_slide(data)
    ph, pw = data.photo.shape
    nf = data.kernel.shape[-1]
    items: list[Item] = []
    # top row: input -> stacked output
    y_top = M + 30
    items.append(Label(M, M + 10, f"input {fmt.tuple_str((ph, pw, 1))}", 9.5, "fg", bold=True, va="center"))
    items.append(Image(M, y_top + STEP * (nf - 1), pw, ph, samples.grey(data.photo), key=("input", ())))
    xs = M + pw + 96
    items.append(Line(((M + pw + 10, y_top + STEP * (nf - 1) + ph / 2), (xs - 12, y_top + STEP * (nf - 1) + ph / 2)),
                      "fg", 1.4, arrow=True, head=7))
    items.append(Label((M + pw + xs) / 2, y_top + STEP * (nf - 1) + ph / 2 - 12, f"Conv2D({nf}, 3)", 8, "muted",
                       ha="center", va="center"))
    shape = fmt.tuple_str(data.output.shape)
    items.append(Label(xs, M + 10, f"output {shape}: one map per filter, stacked on the last axis", 9.5, "fg",
                       bold=True, va="center", key=("shape", "output")))
    items += _stack(xs, y_top, data, 8)
    # bottom row: each filter's kernel above its map
    y_row = y_top + STEP * (nf - 1) + ph + 30
    items.append(Label(M, y_row, f"kernel {fmt.tuple_str(data.kernel.shape)}: filter f is kernel[:, :, 0, f], "
                       f"its map y[..., f]", 9.5, "fg", bold=True, va="center", key=("shape", "kernel")))
    y_k = y_row + 16
    for f in range(nf):
        x = M + f * (pw + GAP)
        items.append(Label(x, y_k + 8, f"filter {f}: {FILTERS[f]}", 8.5, "fg", bold=True, va="center",
                           key=("name", f)))
        items += _kernel(x, y_k + 18, data, f, KC, 7.5)
        items.append(Image(x, y_k + 18 + 3 * KC + 8, pw, ph, samples.diverging(data.output[..., f], data.limit),
                           key=("map", f)))
    y_bar = y_k + 18 + 3 * KC + 8 + ph + 10
    bar_w = min(260, nf * (pw + GAP) - GAP)
    items += samples.colour_bar(M, y_bar, bar_w, data.limit, "maps")
    items.append(Label(M + bar_w + 12, y_bar + 4, "one colour scale for all maps: blue < 0 < vermillion", 8,
                       "muted", va="center"))
    items.append(Label(M, y_bar + 36, "y = convfig.conv(photo, kernel, padding='same')", 8.5, "fg", mono=True))
    w, h = parts.extent(items)
    width, height = int(w) + M, int(h) + M
    return Layout(width + width % 2, height + height % 2, items, alt=_alt(data), ss=1, levels=3)
