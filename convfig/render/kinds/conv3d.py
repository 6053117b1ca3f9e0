"""Conv3D animation: an oblique voxel view with the kernel cube moving through the volume (GUIDE §4).

Top: the padded input volume (depth recedes up-right) with the kernel cube, the output volume filling in
voxel by voxel, and the output's depth slices. Below, per kernel depth: the input depth slice it reads with
the window, the weights, their products and the slice sum; then the total, the Keras call and the shapes.
Every number comes from the engine's trace; a slice sum adds up the trace's products of one kernel depth.

Keys (what ``Layout.text_at`` reads):

- ``("input", (d, r, c))``: cell (r, c) of input depth slice d in the insets, in PADDED coordinates
  (padding cells included: they show 0); ``(d, r, c, ch)`` when there are several channels;
- ``("kernel", (kd, r, c))``, ``("product", (kd, r, c))``: a weight and its product with the input;
  ``(kd, r, c, j, f)`` (channel in the group, filter: the trace's kernel index) when channels or filters > 1;
- ``("slice_sum", (kd,))`` / ``(kd, f)``: one kernel depth's sum; ``("sum", (f,))``: the total line;
- ``("output", (d, r, c))``: output voxel (d, r, c) in the depth slices; ``(d, r, c, f)`` when filters > 1.

>>> from convfig.render.registry import make_spec
>>> spec = make_spec("conv3d", {"input": "3x3x3", "kernel": 2})
>>> lay = plan(spec, compute(spec))
>>> len(lay.steps), lay.steps[0].window[:2], lay.text_at(("output", (0, 0, 0)), 0)
(8, (('input', (0, 0, 0)), ('input', (0, 0, 1))), '−5')
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

import convfig
from convfig.render import fmt, parts, samples, voxels
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line, Step
from convfig.render.style import FONT_CAPTION, FONT_LABEL, MIN_WIDTH_PX
from convfig.render.types import FigureSpec

MARGIN = 12
SMALL = 9
INSET = 10           # pt: numbers in the inset cells
GAP = 44             # px between the input and the output volume (the arrow)
AXES = "axes: depth \u2197 (into the page), height \u2193, width \u2192"


@dataclass(frozen=True)
class Data:
    """The trace and, per step, the sum of the products of each kernel depth: partial[step, kd, f]."""

    tr: convfig.compute.Trace
    partial: np.ndarray


def compute(spec: FigureSpec) -> Data:
    """The engine's trace of the spec's example data, and the per-depth sums of its products."""
    tr = samples.example_trace(spec.params)
    partial = np.array([st.products.sum(axis=(1, 2, 3)) for st in tr.steps])
    return Data(tr, partial)


@dataclass
class _Geo:
    """Where everything goes. u: voxel edge, ci: inset cell (px); vin, vouts: the volumes' projections;
    oslices[f, d]: (x, y) of an output depth slice; col_x: the kernel-depth columns; gap_wp: weights to
    products; y: named rows; y_slice[channel], y_wp[f, c]: input slice and weights rows; call: Keras call.
    On a slide (``slide``) the weights and products stand right of the input slice (``wx`` px from the
    column's left, 0 on the page: under it); ``s`` scales the offsets, the other fields are type sizes."""

    u: int
    ci: int
    width: int = 0
    height: int = 0
    gap_wp: float = 14
    vin: parts.Oblique = parts.Oblique(0, 0, 1)
    vouts: list = field(default_factory=list)          # the output volumes' projections, one per filter
    col_x: list = field(default_factory=list)
    call: list = field(default_factory=list)
    oslices: dict = field(default_factory=dict)
    y: dict = field(default_factory=dict)
    y_slice: dict = field(default_factory=dict)
    y_wp: dict = field(default_factory=dict)
    slide: bool = False
    wx: float = 0
    s: float = 1
    inset: float = INSET
    small: float = SMALL
    label: float = FONT_LABEL
    cap: float = FONT_CAPTION


def _texts(cs) -> dict[str, str]:
    C, F, kD = cs.channels, cs.filters, cs.kernel_size[0]
    cg = C // cs.groups
    title = (f"input {fmt.shape(cs.input_shape)} (depth {fmt.TIMES} height {fmt.TIMES} width)"
             + (f" {fmt.TIMES} {C} channels" if C > 1 else "") + f", {cs.describe_padding()}")
    kdesc = (f"kernel {fmt.shape(cs.kernel_size)}"
             + (f", dilation {fmt.shape(cs.dilation_rate)}" if max(cs.dilation_rate) > 1 else "")
             + (f", strides {fmt.shape(cs.strides)}" if max(cs.strides) > 1 else "")
             + (f" {fmt.TIMES} {cg} channel{'s' if cg > 1 else ''} {fmt.TIMES} {F} filter{'s' if F > 1 else ''}"
                if C > 1 or F > 1 else ""))
    return {
        "title": title, "kernel": kdesc + f": reads {kD} depth slice{'s' if kD > 1 else ''}",
        "in": f"input, padded {fmt.shape(cs.padded_shape)}" if cs.padded_shape != cs.input_shape else "input",
        "out": f"output {fmt.shape(cs.out_spatial)}" + (f" {fmt.TIMES} {F} filters" if F > 1 else ""),
        "shapes": (f"input shape {fmt.tuple_str(cs.input_shape + (C,))} {fmt.ARROW} output shape "
                   f"{fmt.tuple_str(cs.output_shape)}, {cs.params} parameters"),
    }


def _slice_title(F: int, f: int, d: int) -> str:
    return f"f{f} depth {d}" if F > 1 else f"output depth {d}"


def _slice_blocks(cs, g: _Geo) -> list[tuple[int, int, float]]:
    """(filter, depth, width) of each output depth slice grid with its title."""
    F, (oD, _oH, oW) = cs.filters, cs.out_spatial
    return [(f, d, max(oW * g.ci, tx.width(_slice_title(F, f, d), g.small, bold=True)) + 14 * g.s)
            for f in range(F) for d in range(oD)]


def _volume_widths(cs, g: _Geo, t: dict[str, str]) -> tuple[float, float]:
    """(input view width, one output view width) with their labels."""
    ob = parts.Oblique(0, 0, g.u)
    label = tx.width("filter 00", g.small) if cs.filters > 1 else tx.width(t["out"], g.small + 1, bold=True) - 12
    view_w = max(ob.size(cs.out_spatial)[0], label) + 24 * g.s
    return max(ob.size(cs.padded_shape)[0], tx.width(t["in"], g.small + 1, bold=True)), view_w


def _row_b(cs, g: _Geo, t: dict[str, str], y: float, width: float) -> float:
    """Place the volumes and the output depth slices from y; returns the y under them."""
    F, oH, s = cs.filters, cs.out_spatial[1], g.s
    ob = parts.Oblique(0, 0, g.u)
    (_vin_w, vin_h), (_vout_w, vout_h) = ob.size(cs.padded_shape), ob.size(cs.out_spatial)
    in_w, view_w = _volume_widths(cs, g, t)
    vol_w = in_w + GAP * s + F * view_w
    blocks = _slice_blocks(cs, g)
    beside = vol_w + sum(b[2] for b in blocks) + 2 * MARGIN <= width
    x = MARGIN + (width - 2 * MARGIN - (vol_w + (sum(b[2] for b in blocks) if beside else 0))) / 2
    g.y["vlabel"] = y + 10 * s
    y += 18 * s
    vol_h = max(vin_h, vout_h + (18 * s if F > 1 else 0))
    g.vin = parts.Oblique.around(x, y, g.u, cs.padded_shape)
    g.vouts = [parts.Oblique.around(x + in_w + GAP * s + f * view_w, y + max(0.0, (vin_h - vout_h) / 2), g.u,
                                    cs.out_spatial) for f in range(F)]
    grid_h = 18 * s + oH * g.ci + 10 * s
    xs, ys = (x + vol_w, y) if beside else (MARGIN, y + vol_h + 14 * s)
    for f, d, w in blocks:            # beside the volumes, or in rows under them
        if xs + w > width - MARGIN and xs > MARGIN:
            xs, ys = MARGIN, ys + grid_h
        g.oslices[f, d] = (round(xs), round(ys + 18 * s))
        xs += w
    return max(y + vol_h, ys + grid_h) + 10 * s


def _row_d(cs, g: _Geo, y: float) -> float:
    """Place the per-kernel-depth columns from y; returns the y under them. Page: per channel the input
    slice, then the weights of each filter under it; slide: the weights right of the slice, a label line
    over each."""
    C, F, G, s = cs.channels, cs.filters, cs.groups, g.s
    cg, fg = C // G, F // G
    Ph, kH = cs.padded_shape[1], cs.kernel_size[1]
    g.y["slice_title"] = y + 10 * s
    y += (24 if g.slide else 34) * s
    for c in range(C):
        y += 14 * s if C > 1 or g.slide else 0
        g.y_slice[c] = yw = y
        y += Ph * g.ci + 8
        for f in range(F):
            if f // fg == c // cg and g.slide:
                g.y_wp[f, c] = yw
                yw += kH * g.ci + 14 * s + 6
            elif f // fg == c // cg:
                g.y_wp[f, c] = y + 14
                y += 14 + kH * g.ci + 6
        y = max(y, yw - 14 * s) + 4
    g.y.update(partial=y + 12 * s, sum=y + (18 * F + 19) * s)
    return y + (40 * F + 12) * s


def _geometry(cs, t: dict[str, str], slide: bool = False) -> _Geo:
    pad_max, s = max(cs.padded_shape), 1.5 if slide else 1
    g = _Geo(u=28 if pad_max <= 6 else 22 if pad_max <= 9 else 16, ci=26 if max(cs.padded_shape[1:]) <= 8 else 22)
    if slide:
        g = _Geo(u=round(g.u * 1.8), ci=round(g.ci * 1.6), slide=True, s=s, inset=15, small=15, label=17, cap=15)
    kD, kW, Pw = cs.kernel_size[0], cs.kernel_size[2], cs.padded_shape[2]
    wtag = " f0 c0" if (cs.channels > 1 or cs.filters > 1) else ""
    g.gap_wp = max(14 * s, tx.width("weights" + wtag, g.small - 1) + 8 - kW * g.ci)
    longest = f"on input depth {-max(cs.pads[0][0], 1)} (padding)"
    g.wx = Pw * g.ci + 16 * s if slide else 0
    col_w = max(Pw * g.ci, 2 * kW * g.ci + g.gap_wp + g.wx, tx.width(longest, g.small - 1) + 4,
                tx.width("kernel depth 00", g.small, bold=True)) + 22 * s
    in_w, view_w = _volume_widths(cs, g, t)
    vol_w = in_w + GAP * s + cs.filters * view_w
    width = int(max(MIN_WIDTH_PX, kD * col_w + 2 * MARGIN, tx.width(t["title"], g.label, bold=True) + 2 * MARGIN,
                    vol_w + 2 * MARGIN))
    beside = vol_w + sum(b[2] for b in _slice_blocks(cs, g)) + 2 * MARGIN
    if beside <= max(width, 760 * s):        # the output slices fit beside the volumes
        width = max(width, math.ceil(beside))
    g.width = width
    y = _row_b(cs, g, t, 34 * s, width)
    g.y.update(title=24 * s, axes=y + 12 * s, ktitle=y + 38 * s)
    y += 48 * s
    x_d = MARGIN + (width - 2 * MARGIN - kD * col_w) / 2
    g.col_x = [round(x_d + kd * col_w + 11 * s) for kd in range(kD)]
    y = _row_d(cs, g, y)
    g.call, h = parts.code_lines(MARGIN, y, cs.keras_call(), width - 2 * MARGIN, size=g.cap - 1, line_h=15 * s)
    g.y["shapes"], g.height = y + h + 14 * s, int(y + h + 24 * s)
    return g


# ------------------------------------------------------------------ the static scene
def _static(tr, g: _Geo, t: dict[str, str]) -> list[Item]:
    cs = tr.spec
    F, (oH, oW) = cs.filters, cs.out_spatial[1:]
    items: list[Item] = [Label(MARGIN, g.y["title"], t["title"], g.label, bold=True),
                         Label(g.vin.top_left(cs.padded_shape)[0], g.y["vlabel"], t["in"], g.small + 1, bold=True),
                         Label(g.vouts[0].x, g.y["vlabel"], t["out"], g.small + 1, bold=True)]
    items += voxels.input_volume(cs, g.vin)
    for f, v in enumerate(g.vouts):
        items += (parts.box_faces(v, (0, 0, 0), cs.out_spatial, ("output_empty",) * 3, edge="grid")
                  + parts.face_grid(v, (0, 0, 0), cs.out_spatial, "grid"))
        if F > 1:
            items.append(Label(v.x, v.y + oH * v.u + 16 * g.s, f"filter {f}", g.small))
    (vx, vy), (vw, vh) = g.vin.top_left(cs.padded_shape), g.vin.size(cs.padded_shape)
    items.append(Line(((vx + vw + 8, vy + vh / 2), (g.vouts[0].x - 8, vy + vh / 2)), "muted", 1.5, arrow=True))
    for (f, d), (sx, sy) in g.oslices.items():
        items.append(Label(sx, sy - 6 * g.s, _slice_title(F, f, d), g.small, bold=True))
        items += parts.grid(sx, sy, [[""] * oW] * oH, g.ci, fill="output_empty", edge="grid")
    items += [Label(MARGIN, g.y["axes"], AXES, g.small, "muted"),
              Label(MARGIN, g.y["ktitle"], t["kernel"], g.label, bold=True)]
    return items + _static_insets(tr, g) + g.call + [Label(MARGIN, g.y["shapes"], t["shapes"], g.small, "muted")]


def _fit(s: str, g: _Geo, bold: bool = False) -> float:
    """The inset font size, smaller for numbers too wide for their cell (e.g. −15 in a 26 px cell)."""
    return tx.fit(s, g.inset, g.ci - 6, bold)


def _kidx(cs, kd: int, r: int, c: int, j: int, f: int) -> tuple[int, ...]:
    return (kd, r, c, j, f) if cs.channels > 1 or cs.filters > 1 else (kd, r, c)


def _static_insets(tr, g: _Geo) -> list[Item]:
    cs = tr.spec
    C, F = cs.channels, cs.filters
    cg, fg = C // cs.groups, F // cs.groups
    kD, kH, kW = cs.kernel_size
    items: list[Item] = []
    for kd, x in enumerate(g.col_x):
        items.append(Label(x, g.y["slice_title"], f"kernel depth {kd}", g.small, bold=True))
        if C > 1:
            items += [Label(x, g.y_slice[c] - 5 * g.s, f"input channel {c}", g.small - 1, "muted") for c in range(C)]
        for (f, c), yy in g.y_wp.items():
            j, xw, tag = c - (f // fg) * cg, x + g.wx, f" f{f} c{c}" if (C > 1 or F > 1) else ""
            xp = xw + kW * g.ci + g.gap_wp
            items += [Label(xw, yy - 5 * g.s, f"weights{tag}", g.small - 1, "muted"),
                      Label(xp, yy - 5 * g.s, "products", g.small - 1, "muted")]
            for r, c2 in itertools.product(range(kH), range(kW)):
                w = fmt.num(tr.kernel[kd, r, c2, j, f])
                items.append(Box(xw + c2 * g.ci, yy + r * g.ci, g.ci, g.ci, fill="window_fill", edge="window", text=w,
                                 color="weight", size=_fit(w, g, True), bold=True,
                                 key=("kernel", _kidx(cs, kd, r, c2, j, f))))
                items.append(Box(xp + c2 * g.ci, yy + r * g.ci, g.ci, g.ci, fill="bg", edge="grid"))
    return items


# ------------------------------------------------------------------ one step
def _slice_cells(tr, g: _Geo, kd: int, depth: int, ch: int, win: list[list[int]]) -> list[Item]:
    """Input depth slice ``depth`` of channel ch in column kd, the window's cells highlighted and outlined."""
    cs = tr.spec
    x, y, ci = g.col_x[kd], g.y_slice[ch], g.ci
    (b0, b1, b2), (D, H, W) = (b for b, _a in cs.pads), cs.input_shape
    items: list[Item] = []
    for r, c in itertools.product(range(cs.padded_shape[1]), range(cs.padded_shape[2])):
        key = ("input", (depth, r, c, ch) if cs.channels > 1 else (depth, r, c))
        s = fmt.num(tr.padded[depth, r, c, ch])
        pad = not (0 <= depth - b0 < D and 0 <= r - b1 < H and 0 <= c - b2 < W)
        fill = "pad_fill" if pad else "window_fill" if r in win[1] and c in win[2] else "input_fill"
        items.append(Box(x + c * ci, y + r * ci, ci, ci, fill=fill, edge="pad_hatch" if pad else "grid", dash=pad,
                         text=s, hatch="pad_hatch" if pad else None, color="muted" if pad else "fg",
                         size=_fit(s, g), key=key))
    items += [Box(x + c * ci + 1, y + r * ci + 1, ci - 2, ci - 2, edge="window", lw=2)
              for r, c in itertools.product(win[1], win[2])]
    return items


def _insets(tr, g: _Geo, data: Data, i: int) -> list[Item]:
    cs, st = tr.spec, tr.steps[i]
    C, F = cs.channels, cs.filters
    cg, fg = C // cs.groups, F // cs.groups
    kH, kW = cs.kernel_size[1:]
    win = [[int(v) for v in w] for w in st.window]
    items: list[Item] = []
    for kd, x in enumerate(g.col_x):
        depth = win[0][kd]
        rd = depth - cs.pads[0][0]
        name = f"depth {rd}" if 0 <= rd < cs.input_shape[0] else f"depth {rd} (padding)"
        dx = tx.width(f"kernel depth {kd}", g.small, bold=True) + 12 if g.slide else 0    # slide: on the title line
        items.append(Label(x + dx, g.y["slice_title"] + (0 if g.slide else 14), f"on input {name}", g.small - 1))
        for ch in range(C):
            items += _slice_cells(tr, g, kd, depth, ch, win)
        for (f, c), yy in g.y_wp.items():
            j, xp = c - (f // fg) * cg, x + g.wx + kW * g.ci + g.gap_wp
            for r, c2 in itertools.product(range(kH), range(kW)):
                s = fmt.num(st.products[kd, r, c2, j, f])
                items.append(Box(xp + c2 * g.ci, yy + r * g.ci, g.ci, g.ci, fill="bg", edge="grid", text=s,
                                 size=_fit(s, g), key=("product", _kidx(cs, kd, r, c2, j, f))))
        for f in range(F):
            tag = f"f{f} " if F > 1 else ""
            items.append(Label(x, g.y["partial"] + 18 * g.s * f, f"{tag}slice sum {fmt.num(data.partial[i, kd, f])}",
                               g.small, key=("slice_sum", (kd, f) if F > 1 else (kd,))))
    pos = ", ".join(str(int(v)) for v in st.out_pos)
    for f in range(F):
        bias = [f"bias {fmt.paren(tr.bias[f])}"] if tr.bias[f] else []
        terms = [fmt.paren(v) for v in data.partial[i, :, f]] + bias
        line = (f"{f'filter {f}: ' if F > 1 else ''}sum = {' + '.join(terms)} = {fmt.num(st.sums[f])}  {fmt.ARROW}  "
                f"output[{pos}]")
        items.append(Label(MARGIN, g.y["sum"] + 22 * g.s * f, line, g.cap + 1, bold=True, key=("sum", (f,))))
    return items


def _step(tr, g: _Geo, data: Data, i: int) -> Step:
    cs, st = tr.spec, tr.steps[i]
    F = cs.filters
    win = [[int(v) for v in w] for w in st.window]
    done = [tuple(int(v) for v in s.out_pos) for s in tr.steps[:i + 1]]
    od, orow, ocol = done[-1]
    keep: list[Item] = []
    show = voxels.kernel_cube(cs, g.vin, win) + [it for v in g.vouts for it in voxels.output_volume(v, done)]
    for f in range(F):
        sx, sy = g.oslices[f, od]
        idx = (od, orow, ocol, f) if F > 1 else (od, orow, ocol)
        val = fmt.num(tr.output[od, orow, ocol, f])
        size = _fit(val, g, True)
        bx, by = sx + ocol * g.ci, sy + orow * g.ci
        keep.append(Box(bx, by, g.ci, g.ci, fill="output_fill", edge="fg", text=val, size=size, bold=True,
                        key=("output", idx)))
        show.append(Box(bx + 1, by + 1, g.ci - 2, g.ci - 2, fill="output_new", edge="window", lw=3, text=val,
                        size=size, bold=True, key=("output", idx)))
    show += _insets(tr, g, data, i)
    show.append(Label(g.width - MARGIN, g.y["ktitle"], f"step {i + 1} / {len(tr.steps)}", g.small, "muted",
                      ha="right"))
    chans = range(cs.channels) if cs.channels > 1 else [None]
    window = tuple(("input", (d, r, c) if ch is None else (d, r, c, ch))
                   for d, r, c, ch in itertools.product(*win, chans))
    return Step(_describe_step(tr, i, data.partial[i]), keep=keep, show=show, window=window)


def _describe_step(tr, i: int, partial: np.ndarray) -> str:
    cs, st = tr.spec, tr.steps[i]
    (d0, *_, d1), (r0, *_, r1), (c0, *_, c1) = ([int(v) for v in ax] * 2 for ax in st.input_index)
    npad = int(st.is_pad.sum())
    sums = (", ".join(f"filter {f}: {fmt.num(v)}" for f, v in enumerate(st.sums)) if cs.filters > 1
            else fmt.num(st.sums[0]))
    return (f"Step {i + 1} of {len(tr.steps)}: output voxel {tuple(int(v) for v in st.out_pos)} reads input "
            f"depths {d0}..{d1}, rows {r0}..{r1}, columns {c0}..{c1}"
            + (f" ({npad} of the {st.is_pad.size} kernel cells on padding)" if npad else "")
            + f"; per depth slice the products add up to {' + '.join(fmt.paren(v) for v in partial[:, 0])}, "
            f"so the sum is {sums}.")


def _alt(cs) -> str:
    filt, chans = (f"{n} {w}" + ("s" if n > 1 else "") for n, w in ((cs.filters, "filter"), (cs.channels, "channel")))
    pads = ", ".join(f"{b} before / {a} after" for b, a in cs.pads)
    return (f"Animated 3D convolution (Conv3D) on a {fmt.shape(cs.input_shape)} volume (depth {fmt.TIMES} height "
            f"{fmt.TIMES} width) {fmt.TIMES} {chans}: kernel size {fmt.shape(cs.kernel_size)}, strides "
            f"{fmt.shape(cs.strides)}, padding '{cs.padding_label}' (per axis {pads}), dilation "
            f"{fmt.shape(cs.dilation_rate)}, {filt}; output {fmt.shape(cs.out_spatial)} {fmt.TIMES} {filt}, shape "
            f"{fmt.tuple_str(cs.output_shape)}. An oblique voxel view shows the kernel cube moving through the "
            f"padded input volume while the output volume beside it fills in one voxel per frame; below, for "
            f"each kernel depth, the input depth slice it reads with the window highlighted, the kernel "
            f"weights, their products, the per-slice sums and the total.")


def plan(spec: FigureSpec, data: Data) -> Layout:
    """The Layout: static volumes, slice grids, weights and captions; one Step per output position."""
    tr, t = data.tr, _texts(data.tr.spec)
    g = _geometry(tr.spec, t, spec.target == "slide")
    steps = [_step(tr, g, data, i) for i in range(len(tr.steps))]
    return Layout(g.width, g.height, _static(tr, g, t), steps, alt=_alt(tr.spec), ss=1, levels=3)
