"""Dims: Conv1D, Conv2D and Conv3D side by side: the D counts the axes the kernel slides over.

Each panel draws one sample and the kernel at its first position: Conv1D a (steps, features) grid with
the window spanning every feature, Conv2D a stack of channel cards with the window on each card, Conv3D
a voxel volume with the kernel cube (oblique view, ``parts.Oblique``). Under each: the sample, kernel and
output shapes and the parameter count, all from the layer's ``convfig.ConvSpec``.

Keys (what tests read), ``rank`` = 1, 2, 3 for the panel:

- ``("sample", rank)``: box with the sample shape, e.g. ``(6, 6, 3)``;
- ``("out_shape", rank)``: box with the output shape, e.g. ``(4, 4, 8)``;
- ``("kernel_shape", rank)``: ``3×3×3 per filter``; ``("params", rank)``: ``224``;
- ``("layer", rank)``: the layer name; ``("window", rank)``: the kernel's outline (1D and 2D, front card).
"""

from __future__ import annotations

import convfig
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line, Mix
from convfig.render.style import FONT_CAPTION, FONT_SMALL, FONT_TITLE
from convfig.render.types import FigureSpec

M = 16              # figure margin
PW = 300            # panel width
TOP = 84            # top of the pictures
ART_H = 214         # height of the pictures
NAMES = {1: ("steps, features", "steps, filters"), 2: ("height, width, channels", "height, width, filters"),
         3: ("depth, height, width, channels", "depth, height, width, filters")}


def compute(spec: FigureSpec) -> list[convfig.ConvSpec]:
    """One layer per rank, 8 filters each (the figure has no parameters)."""
    return [convfig.ConvSpec.make((10,), 3, channels=4, filters=8),
            convfig.ConvSpec.make((6, 6), 3, channels=3, filters=8),
            convfig.ConvSpec.make((4, 5, 5), 3, channels=2, filters=8)]


def _arrow(a: tuple[float, float], b: tuple[float, float]) -> Line:
    return Line((a, b), "window", 2.0, arrow=True, head=10)


def _conv1d(sp: convfig.ConvSpec) -> list[Item]:
    """(steps, features) grid; the window covers the first k steps of every feature."""
    c, x0, y0 = 24, M + 10, TOP + 50
    steps, feats, k = sp.input_shape[0], sp.channels, sp.kernel_size[0]
    items: list[Item] = [Box(x0 + q * c, y0 + r * c, c, c, fill="window_fill" if q < k else "input_fill",
                             edge="grid", lw=0.8) for q in range(steps) for r in range(feats)]
    bottom = y0 + feats * c
    items += [Box(x0, y0, steps * c, feats * c, edge="fg", lw=1.2),
              Box(x0, y0, k * c, feats * c, edge="window", lw=2.6, key=("window", 1)),
              _arrow((x0, bottom + 22), (x0 + steps * c, bottom + 22)),
              Label(x0 + steps * c / 2, bottom + 40, "slides along steps (1 axis)", FONT_CAPTION, ha="center",
                    va="center"),
              Label(x0 - 4, y0 - 12, f"{feats} features (channels) ↓", FONT_SMALL + 1, "muted", va="center")]
    return items


def _conv2d(sp: convfig.ConvSpec) -> list[Item]:
    """Channel cards, back to front, the window on each card."""
    c, off, x0, ybase = 20, 16, M + PW + 20, TOP + 70
    (hh, ww), (kh, kw), n = sp.input_shape, sp.kernel_size, sp.channels
    items: list[Item] = []
    for ch in reversed(range(n)):
        cx, cy = x0 + ch * off, ybase - ch * off
        items += [Box(cx + q * c, cy + r * c, c, c, fill="window_fill" if r < kh and q < kw else "input_fill",
                      edge="grid", lw=0.8) for r in range(hh) for q in range(ww)]
        items += [Box(cx, cy, ww * c, hh * c, edge="fg", lw=1.2),
                  Box(cx, cy, kw * c, kh * c, edge="window", lw=2.4, key=("window", 2) if ch == 0 else None)]
    bottom = ybase + hh * c
    items += [_arrow((x0, bottom + 16), (x0 + ww * c, bottom + 16)), _arrow((x0 - 14, ybase), (x0 - 14, bottom)),
              Label(x0 + ww * c / 2 + 20, bottom + 36, "slides along height and width (2 axes)", FONT_CAPTION,
                    ha="center", va="center"),
              Label(x0 + ww * c + (n - 1) * off + 8, ybase - (n - 1) * off + 8, f"{n} channels", FONT_SMALL + 1,
                    "muted", va="center")]
    return items


def _conv3d(sp: convfig.ConvSpec) -> list[Item]:
    """The voxel volume with the kernel cube at its front top-left corner; arrows along its three axes."""
    (d, h, w), (kd, kh, kw) = sp.input_shape, sp.kernel_size
    k = (kd, kh, kw)
    x0 = M + 2 * PW + 20
    ob = parts.Oblique(x0, TOP + 92, 22, depth=0.8)
    vol_fills = ("input_fill", Mix("input_fill", "bg", 0.35), Mix("input_fill", "fg", 0.12))
    ker_fills = ("window_fill", Mix("window_fill", "bg", 0.3), Mix("window_fill", "fg", 0.1))
    items: list[Item] = [*parts.box_faces(ob, (0, 0, 0), (d, h, w), vol_fills, edge="grid", lw=0.8),
                         *parts.face_grid(ob, (0, 0, 0), (d, h, w), "grid", lw=0.8),
                         *parts.box_faces(ob, (0, 0, 0), k, ker_fills, edge="window", lw=0.8),
                         *parts.face_grid(ob, (0, 0, 0), k, "window", lw=0.8)]
    seen, _ = parts.box_edges(ob, (0, 0, 0), k)
    items += [Line(e, "window", 2.2) for e in seen]
    fx, fy = ob.pt(0, h, 0)
    bx, by = ob.pt(0, h, w)
    ex, ey = ob.pt(d, h, w)
    items += [_arrow((fx, fy + 16), (fx + w * ob.u, fy + 16)), _arrow((fx - 14, fy - h * ob.u), (fx - 14, fy)),
              _arrow((bx + 12, by + 4), (ex + 12, ey + 4)),
              Label(x0 + 110, fy + 36, "slides along depth, height, width (3 axes)", FONT_CAPTION, ha="center",
                    va="center")]
    return items


def _axes(rank: int) -> str:
    return f"slides over {rank} ax" + ("is" if rank == 1 else "es")


def _facts(sp: convfig.ConvSpec, x: float, ty: float) -> list[Item]:
    """Name, sample / kernel / output shapes and parameters of one layer, every number from its ConvSpec."""
    r = sp.rank
    ins, outs = NAMES[r]
    name_w = tx.width(sp.layer_name, FONT_TITLE + 2, bold=True)
    items: list[Item] = [Label(x, ty, sp.layer_name, FONT_TITLE + 2, bold=True, va="center", key=("layer", r)),
                         Label(x + name_w + 10, ty + 1, _axes(r), FONT_CAPTION, "muted", va="center")]
    kshape = fmt.shape(tuple(sp.kernel_size) + (sp.channels,))
    rows = [("sample", parts.chip(x + 58, ty + 30, fmt.tuple_str(tuple(sp.input_shape) + (sp.channels,)),
                                  fill="input_fill", size=FONT_CAPTION, pad=5, height=21, key=("sample", r))),
            ("", f"= ({ins})"),
            ("kernel", Label(x + 63, ty + 72, f"{kshape} per filter", FONT_CAPTION, va="center",
                             key=("kernel_shape", r))),
            ("", f"({fmt.shape(sp.kernel_size)} {fmt.TIMES} all {sp.channels} channels)"),
            ("output", parts.chip(x + 58, ty + 114, fmt.tuple_str(sp.output_shape), fill="output_fill",
                                  size=FONT_CAPTION, pad=5, height=21, key=("out_shape", r))),
            ("", f"= ({outs})"),
            ("params", Label(x + 63, ty + 156, f"{sp.params:,}", FONT_CAPTION, va="center", key=("params", r)))]
    ys = [ty + 30, ty + 51, ty + 72, ty + 93, ty + 114, ty + 135, ty + 156]
    chips: list[Item] = []                # drawn last: nothing overlaps a shape
    for (key, val), yy in zip(rows, ys):
        if key:
            items.append(Label(x, yy, key, FONT_CAPTION, "muted", va="center"))
            (chips if isinstance(val, Box) else items).append(val)  # type: ignore[arg-type]
        else:
            items.append(Label(x + 63, yy, str(val), FONT_SMALL + 1, "muted", va="center"))
    items.append(Label(x, ty + 182, sp.keras_call().replace("keras.layers.", ""), FONT_SMALL, "muted", mono=True,
                       va="center"))
    return items + chips


def plan(spec: FigureSpec, specs: list[convfig.ConvSpec]) -> Layout:
    items, _ = parts.heading(M, 8, "Conv1D, Conv2D, Conv3D: the D counts the axes the kernel slides over",
                             "every kernel spans all the input channels; the output has one channel per filter "
                             "(last dim)", size=FONT_TITLE, sub_size=FONT_CAPTION)
    s1, s2, s3 = specs
    items += _conv1d(s1) + _conv2d(s2) + _conv3d(s3)
    ty = TOP + ART_H + 54
    for i, sp in enumerate(specs):
        items += _facts(sp, M + i * PW + 10, ty)
    h = ty + 182 + 64
    items += [Label(M, h - 38, "Keras adds the batch axis in front: Conv2D takes (batch, height, width, channels).",
                    FONT_CAPTION, "muted", va="center"),
              Label(M, h - 18, "An RGB image is a Conv2D input: 2 axes to slide over + 3 channels, not a Conv3D "
                    "input.", FONT_CAPTION, "muted", va="center")]
    w = max(M * 2 + 3 * PW, parts.extent(items)[0] + M)
    facts = "; ".join(f"{sp.layer_name}: sample {fmt.tuple_str(tuple(sp.input_shape) + (sp.channels,))} "
                      f"({NAMES[sp.rank][0]}), kernel {fmt.shape(tuple(sp.kernel_size) + (sp.channels,))}, "
                      f"output {fmt.tuple_str(sp.output_shape)}, {_axes(sp.rank)}" for sp in specs)
    alt = (f"Conv1D, Conv2D and Conv3D side by side with {s1.filters} filters each. {facts}. The D counts the axes "
           "the kernel slides over; the kernel always spans all channels.")
    return Layout(int(w), int(h), items, alt=alt, ss=2, levels=0)
