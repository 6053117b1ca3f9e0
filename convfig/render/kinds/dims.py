"""Dims: Conv1D, Conv2D and Conv3D side by side: the D counts the axes the kernel slides over.

Each panel draws one sample and the kernel at its first position: Conv1D a (steps, features) grid with
the window spanning every feature, Conv2D a stack of channel cards with the window on each card, Conv3D
a voxel volume with the kernel cube (oblique view, ``parts.Oblique``). Under each: the sample, kernel and
output shapes and the parameter count, all from the layer's ``convfig.ConvSpec``. On a slide
(``spec.target == "slide"``) the panels are wider, everything larger, and the two closing notes go.

Keys (what tests read), ``rank`` = 1, 2, 3 for the panel:

- ``("sample", rank)``: box with the sample shape, e.g. ``(6, 6, 3)``;
- ``("out_shape", rank)``: box with the output shape, e.g. ``(4, 4, 8)``;
- ``("kernel_shape", rank)``: ``3×3×3 per filter``; ``("params", rank)``: ``224``;
- ``("layer", rank)``: the layer name; ``("window", rank)``: the kernel's outline (1D and 2D, front card).
"""

from __future__ import annotations

from dataclasses import dataclass

import convfig
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line, Mix
from convfig.render.style import FONT_CAPTION, FONT_SMALL, FONT_TITLE
from convfig.render.types import FigureSpec

M = 16              # figure margin
NAMES = {1: ("steps, features", "steps, filters"), 2: ("height, width, channels", "height, width, filters"),
         3: ("depth, height, width, channels", "depth, height, width, filters")}


@dataclass(frozen=True)
class Geo:
    """Sizes of one arrangement: ``u`` scales every distance of the page figure, fonts are in pt."""

    u: float = 1          # distance unit
    pw: float = 300       # panel width
    top: float = 84       # top of the pictures
    art_h: float = 214    # height of the pictures
    title: float = FONT_TITLE
    cap: float = FONT_CAPTION      # captions, fact names and values (the numbers)
    small: float = FONT_SMALL + 1  # the lines under the facts
    mono: float = FONT_SMALL       # the Keras call
    key_w: float = 58     # room for the fact names
    notes: bool = True    # the two closing notes
    captions: bool = True  # "slides along ..." under each picture
    row: float = 21       # facts: spacing of the rows (units of u; also the chips' height)
    first: float = 30     # facts: the first row under the layer name (units of u)
    code_y: float = 182   # facts: the Keras call under the layer name (units of u)
    name: float = FONT_TITLE + 2   # the layer name


PAGE = Geo()
SLIDE = Geo(u=1.25, pw=404, top=84, art_h=244, title=20, cap=17, small=12, mono=12.5, key_w=110,
            notes=False, captions=False, row=24, first=34, code_y=204, name=22)


def compute(spec: FigureSpec) -> list[convfig.ConvSpec]:
    """One layer per rank, 8 filters each (the figure has no parameters)."""
    return [convfig.ConvSpec.make((10,), 3, channels=4, filters=8),
            convfig.ConvSpec.make((6, 6), 3, channels=3, filters=8),
            convfig.ConvSpec.make((4, 5, 5), 3, channels=2, filters=8)]


def _arrow(a: tuple[float, float], b: tuple[float, float]) -> Line:
    return Line((a, b), "window", 2.0, arrow=True, head=10)


def _caption(g: Geo, x: float, y: float, text: str) -> list[Item]:
    """The line under a picture (none on a slide: the facts say how many axes)."""
    return [Label(x, y, text, g.cap, ha="center", va="center")] if g.captions else []


def _conv1d(sp: convfig.ConvSpec, g: Geo) -> list[Item]:
    """(steps, features) grid; the window covers the first k steps of every feature."""
    u = g.u
    c, x0, y0 = 24 * u, M + 10 * u, g.top + 50 * u
    steps, feats, k = sp.input_shape[0], sp.channels, sp.kernel_size[0]
    items: list[Item] = [Box(x0 + q * c, y0 + r * c, c, c, fill="window_fill" if q < k else "input_fill",
                             edge="grid", lw=0.8) for q in range(steps) for r in range(feats)]
    bottom = y0 + feats * c
    items += [Box(x0, y0, steps * c, feats * c, edge="fg", lw=1.2),
              Box(x0, y0, k * c, feats * c, edge="window", lw=2.6, key=("window", 1)),
              _arrow((x0, bottom + 22 * u), (x0 + steps * c, bottom + 22 * u)),
              *_caption(g, x0 + steps * c / 2, bottom + 40 * u, "slides along steps (1 axis)"),
              Label(x0 - 4, y0 - 12 * u, f"{feats} features (channels) ↓", g.small, "muted", va="center")]
    return items


def _conv2d(sp: convfig.ConvSpec, g: Geo) -> list[Item]:
    """Channel cards, back to front, the window on each card."""
    u = g.u
    c, off, x0, ybase = 20 * u, 16 * u, M + g.pw + 20 * u, g.top + 70 * u
    (hh, ww), (kh, kw), n = sp.input_shape, sp.kernel_size, sp.channels
    items: list[Item] = []
    for ch in reversed(range(n)):
        cx, cy = x0 + ch * off, ybase - ch * off
        items += [Box(cx + q * c, cy + r * c, c, c, fill="window_fill" if r < kh and q < kw else "input_fill",
                      edge="grid", lw=0.8) for r in range(hh) for q in range(ww)]
        items += [Box(cx, cy, ww * c, hh * c, edge="fg", lw=1.2),
                  Box(cx, cy, kw * c, kh * c, edge="window", lw=2.4, key=("window", 2) if ch == 0 else None)]
    bottom = ybase + hh * c
    items += [_arrow((x0, bottom + 16 * u), (x0 + ww * c, bottom + 16 * u)),
              _arrow((x0 - 14 * u, ybase), (x0 - 14 * u, bottom)),
              *_caption(g, x0 + ww * c / 2 + 20 * u, bottom + 36 * u, "slides along height and width (2 axes)"),
              Label(x0 + ww * c + (n - 1) * off + 8, ybase - (n - 1) * off + 8, f"{n} channels", g.small,
                    "muted", va="center")]
    return items


def _conv3d(sp: convfig.ConvSpec, g: Geo) -> list[Item]:
    """The voxel volume with the kernel cube at its front top-left corner; arrows along its three axes."""
    u = g.u
    (d, h, w), (kd, kh, kw) = sp.input_shape, sp.kernel_size
    k = (kd, kh, kw)
    x0 = M + 2 * g.pw + 20 * u
    ob = parts.Oblique(x0, g.top + 92 * u, 22 * u, depth=0.8)
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
    items += [_arrow((fx, fy + 16 * u), (fx + w * ob.u, fy + 16 * u)),
              _arrow((fx - 14 * u, fy - h * ob.u), (fx - 14 * u, fy)),
              _arrow((bx + 12 * u, by + 4 * u), (ex + 12 * u, ey + 4 * u)),
              *_caption(g, x0 + 110 * u, fy + 36 * u, "slides along depth, height, width (3 axes)")]
    return items


def _axes(rank: int) -> str:
    return f"slides over {rank} ax" + ("is" if rank == 1 else "es")


def _facts(sp: convfig.ConvSpec, x: float, ty: float, g: Geo) -> list[Item]:
    """Name, sample / kernel / output shapes and parameters of one layer, every number from its ConvSpec."""
    r, u = sp.rank, g.u
    ins, outs = NAMES[r]
    name_w = tx.width(sp.layer_name, g.name, bold=True)
    items: list[Item] = [Label(x, ty, sp.layer_name, g.name, bold=True, va="center", key=("layer", r)),
                         Label(x + name_w + 10 * u, ty + 1, _axes(r), g.cap, "muted", va="center")]
    ys = [ty + (g.first + g.row * i) * u for i in range(7)]
    kx = x + g.key_w                      # the values' column
    chip_h = g.row * u
    kshape = fmt.shape(tuple(sp.kernel_size) + (sp.channels,))
    rows = [("sample", parts.chip(kx, ys[0], fmt.tuple_str(tuple(sp.input_shape) + (sp.channels,)),
                                  fill="input_fill", size=g.cap, pad=5, height=chip_h, key=("sample", r))),
            ("", f"= ({ins})"),
            ("kernel", Label(kx + 5, ys[2], f"{kshape} per filter", g.cap, va="center", key=("kernel_shape", r))),
            ("", f"({fmt.shape(sp.kernel_size)} {fmt.TIMES} all {sp.channels} channels)"),
            ("output", parts.chip(kx, ys[4], fmt.tuple_str(sp.output_shape), fill="output_fill",
                                  size=g.cap, pad=5, height=chip_h, key=("out_shape", r))),
            ("", f"= ({outs})"),
            ("params", Label(kx + 5, ys[6], f"{sp.params:,}", g.cap, va="center", key=("params", r)))]
    chips: list[Item] = []                # drawn last: nothing overlaps a shape
    for (key, val), yy in zip(rows, ys):
        if key:
            items.append(Label(x, yy, key, g.cap, "muted", va="center"))
            (chips if isinstance(val, Box) else items).append(val)  # type: ignore[arg-type]
        else:
            items.append(Label(kx + 5, yy, str(val), g.small, "muted", va="center"))
    items.append(Label(x, ty + g.code_y * u, sp.keras_call().replace("keras.layers.", ""), g.mono, "muted", mono=True,
                       va="center"))
    return items + chips


def plan(spec: FigureSpec, specs: list[convfig.ConvSpec]) -> Layout:
    g = SLIDE if spec.target == "slide" else PAGE
    items, _ = parts.heading(M, 8, "Conv1D, Conv2D, Conv3D: the D counts the axes the kernel slides over",
                             "every kernel spans all the input channels; the output has one channel per filter "
                             "(last dim)", size=g.title, sub_size=g.cap)
    s1, s2, s3 = specs
    items += _conv1d(s1, g) + _conv2d(s2, g) + _conv3d(s3, g)
    ty = g.top + g.art_h + 54 * g.u
    for i, sp in enumerate(specs):
        items += _facts(sp, M + i * g.pw + 10 * g.u, ty, g)
    h = ty + g.code_y * g.u + 64
    if g.notes:
        items += [Label(M, h - 38, "Keras adds the batch axis in front: Conv2D takes (batch, height, width, "
                        "channels).", g.cap, "muted", va="center"),
                  Label(M, h - 18, "An RGB image is a Conv2D input: 2 axes to slide over + 3 channels, not a Conv3D "
                        "input.", g.cap, "muted", va="center")]
    else:
        h -= 30
    w = max(M * 2 + 3 * g.pw, parts.extent(items)[0] + M)
    facts = "; ".join(f"{sp.layer_name}: sample {fmt.tuple_str(tuple(sp.input_shape) + (sp.channels,))} "
                      f"({NAMES[sp.rank][0]}), kernel {fmt.shape(tuple(sp.kernel_size) + (sp.channels,))}, "
                      f"output {fmt.tuple_str(sp.output_shape)}, {_axes(sp.rank)}" for sp in specs)
    alt = (f"Conv1D, Conv2D and Conv3D side by side with {s1.filters} filters each. {facts}. The D counts the axes "
           "the kernel slides over; the kernel always spans all channels.")
    return Layout(int(w), int(h), items, alt=alt, ss=2, levels=0)
