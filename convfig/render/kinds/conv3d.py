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
from convfig.render import conv3d_text as words
from convfig.render import fmt, parts, samples, voxels
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line, Step
from convfig.render.style import FONT_CAPTION, FONT_LABEL, MIN_WIDTH_PX
from convfig.render.types import FigureSpec

MARGIN = 12
SMALL = 9
INSET = 10           # pt: numbers in the inset cells
ARROW = "  " + fmt.ARROW
GAP = 44             # px between the input and the output volume (the arrow)
SLIDE_CELL, SLIDE_FONT = 44, 20.5   # slide: smallest cell px, number pt (digits >= 24 px tall at 1920 x 1080)


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
    Slide (``slide``): the kernel depths in rows ``row_dy`` apart from x ``kx``, weights and products right
    of the input slice (``wx`` px; 0 on the page: under it), the slice sums ``sum_dx`` px right; weight and
    output cells ``ck``/``co`` px (0: ``ci``); ``s`` scales the offsets, the rest are type sizes."""

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
    ck: int = 0
    co: int = 0
    kx: float = MARGIN
    sum_dx: float = 0
    row_dy: dict = field(default_factory=dict)         # kernel depth -> y offset of its row (slide)

    def __post_init__(self) -> None:
        self.ck, self.co = self.ck or self.ci, self.co or self.ci


def _slice_blocks(cs, g: _Geo) -> list[tuple[int, int, float]]:
    """(filter, depth, width) of each output depth slice grid with its title."""
    F, (oD, _oH, oW) = cs.filters, cs.out_spatial
    return [(f, d, max(oW * g.co, tx.width(words.slice_title(F, f, d), g.small, bold=True)) + 14 * g.s)
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
    grid_h = 18 * s + oH * g.co + 10 * s
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
    over each (one row, the rows are ``g.row_dy`` apart)."""
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
                yw += kH * g.ck + 14 * s + 6
            elif f // fg == c // cg:
                g.y_wp[f, c] = y + 14
                y += 14 + kH * g.ci + 6
        y = max(y, yw - 14 * s) + 4
    g.y.update(partial=y + 12 * s, sum=y + (18 * F + 19) * s)
    return y + (40 * F + 12) * s


def _voxel(cs) -> int:
    pad_max = max(cs.padded_shape)
    return 28 if pad_max <= 6 else 22 if pad_max <= 9 else 16


def _geometry(cs, t: dict[str, str]) -> _Geo:
    """The page: the volumes over the kernel-depth columns."""
    s = 1
    g = _Geo(u=_voxel(cs), ci=26 if max(cs.padded_shape[1:]) <= 8 else 22)
    kD, kW, Pw = cs.kernel_size[0], cs.kernel_size[2], cs.padded_shape[2]
    wtag = " f0 c0" if (cs.channels > 1 or cs.filters > 1) else ""
    g.gap_wp = max(14 * s, tx.width("weights" + wtag, g.small - 1) + 8 - kW * g.ci)
    longest = f"on input depth {-max(cs.pads[0][0], 1)} (padding)"
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


def _slide_geometry(cs, t: dict[str, str], data: Data) -> _Geo:
    """The slide (aspect near 16:9): left the volumes, output depth slices, axes, totals and Keras call; right
    the kernel title and one row per kernel depth. SLIDE_FONT pt numbers, every cell at least SLIDE_CELL px
    and wide enough for the widest number of its panel."""
    tr, s, F, kD, kW, Pw = data.tr, 1.5, cs.filters, cs.kernel_size[0], cs.kernel_size[2], cs.padded_shape[2]
    ci, ck, co = (max(SLIDE_CELL, 2 * math.ceil((max(tx.width(fmt.num(v), SLIDE_FONT, b) for v in a.flat) + 12) / 2))
                  for a, b in ((tr.padded, False), (np.concatenate([tr.kernel.ravel(), tr.output.ravel()]), True),
                               (tr.output, True)))
    g = _Geo(round(_voxel(cs) * 1.8), ci, ck=ck, co=co, slide=True, s=s, inset=SLIDE_FONT, small=15, label=17, cap=15)
    wtag = " f0 c0" if (cs.channels > 1 or cs.filters > 1) else ""
    g.gap_wp = max(14 * s, tx.width("weights" + wtag, g.small - 1) + 8 - kW * ck)
    g.wx, tag = Pw * ci + 16 * s, "f0 " if F > 1 else ""
    g.sum_dx = g.wx + 2 * kW * ck + g.gap_wp + 14 * s
    row_w = max(g.sum_dx + max(tx.width(f"{tag}slice sum {fmt.num(v)}", g.inset) for v in data.partial.flat),
                tx.width("kernel depth 00", g.small, bold=True) + 12
                + tx.width(f"on input depth {-max(cs.pads[0][0], 1)} (padding)", g.small - 1),
                tx.width(t["kernel"] + "  step 000 / 000", g.label, bold=True))
    in_w, view_w = _volume_widths(cs, g, t)
    left_w = max(in_w + GAP * s + F * view_w, tx.width(t["shapes"], g.small), tx.width(words.AXES, g.small),
                 max(tx.width(part, g.inset, True) for i in range(len(tr.steps)) for f in range(F)
                     for part in words.sum_line(tr, data.partial[i, :, f], i, f).split(ARROW)))
    widths = list(itertools.accumulate(b[2] for b in _slice_blocks(cs, g)))   # k output slices in a row
    title_w, col = tx.width(t["title"], g.label, bold=True) + 2 * MARGIN, row_w + 30 * s

    def place(lw: float) -> float:     # a left column lw px wide, the kernel depths in n columns; the scale
        g.kx = MARGIN + lw + 36 * s
        y = _row_b(cs, g, t, 34 * s, lw + 2 * MARGIN)
        top = g.y["vlabel"] + 12 * s
        row_h = _row_d(cs, g, top) - (40 * F + 12) * s - top + 6 * s
        g.y.update(title=24 * s, axes=y + 12 * s, ktitle=g.y["vlabel"], sum=y + 46 * s)
        g.call, h = parts.code_lines(MARGIN, y + (42 + 44 * F) * s, cs.keras_call(), lw, size=g.cap - 1,
                                     line_h=15 * s)
        g.y["shapes"] = y + (42 + 44 * F) * s + h + 14 * s
        sizes = {n: (math.ceil(max(g.kx + n * col - 30 * s + MARGIN, title_w)), math.ceil(
            max(g.y["shapes"] + 10 * s, top + math.ceil(kD / n) * row_h + 4 * s))) for n in range(1, kD + 1)}
        n = max(sizes, key=lambda n: min(1872 / sizes[n][0], 1032 / sizes[n][1]))
        (g.width, g.height), g.row_dy = sizes[n], {kd: kd // n * row_h for kd in range(kD)}
        g.col_x = [round(g.kx + kd % n * col) for kd in range(kD)]
        return min(1872 / g.width, 1032 / g.height)
    place(max([left_w] + [w for w in widths if w > left_w], key=place))
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
        items.append(Label(sx, sy - 6 * g.s, words.slice_title(F, f, d), g.small, bold=True))
        items += parts.grid(sx, sy, [[""] * oW] * oH, g.co, fill="output_empty", edge="grid")
    items += [Label(MARGIN, g.y["axes"], words.AXES, g.small, "muted"),
              Label(g.kx, g.y["ktitle"], t["kernel"], g.label, bold=True)]
    return items + _static_insets(tr, g) + g.call + [Label(MARGIN, g.y["shapes"], t["shapes"], g.small, "muted")]


def _fit(s: str, g: _Geo, bold: bool = False, cell: float = 0) -> float:
    """The inset font size, smaller for numbers too wide for their cell (e.g. −15 in a 26 px cell)."""
    return tx.fit(s, g.inset, (cell or g.ci) - 6, bold)


def _kidx(cs, kd: int, r: int, c: int, j: int, f: int) -> tuple[int, ...]:
    return (kd, r, c, j, f) if cs.channels > 1 or cs.filters > 1 else (kd, r, c)


def _static_insets(tr, g: _Geo) -> list[Item]:
    cs = tr.spec
    C, F = cs.channels, cs.filters
    cg, fg = C // cs.groups, F // cs.groups
    kD, kH, kW = cs.kernel_size
    items: list[Item] = []
    k = g.ck
    for kd, x in enumerate(g.col_x):
        dy = g.row_dy.get(kd, 0)
        items.append(Label(x, g.y["slice_title"] + dy, f"kernel depth {kd}", g.small, bold=True))
        if C > 1:
            items += [Label(x, g.y_slice[c] + dy - 5 * g.s, f"input channel {c}", g.small - 1, "muted")
                      for c in range(C)]
        for (f, c), yy in g.y_wp.items():
            j, xw, tag, yy = c - (f // fg) * cg, x + g.wx, f" f{f} c{c}" if (C > 1 or F > 1) else "", yy + dy
            xp = xw + kW * k + g.gap_wp
            items += [Label(xw, yy - 5 * g.s, f"weights{tag}", g.small - 1, "muted"),
                      Label(xp, yy - 5 * g.s, "products", g.small - 1, "muted")]
            for r, c2 in itertools.product(range(kH), range(kW)):
                w = fmt.num(tr.kernel[kd, r, c2, j, f])
                items.append(Box(xw + c2 * k, yy + r * k, k, k, fill="window_fill", edge="window", text=w,
                                 color="weight", size=_fit(w, g, True, k), bold=True,
                                 key=("kernel", _kidx(cs, kd, r, c2, j, f))))
                items.append(Box(xp + c2 * k, yy + r * k, k, k, fill="bg", edge="grid"))
    return items


# ------------------------------------------------------------------ one step
def _slice_cells(tr, g: _Geo, kd: int, depth: int, ch: int, win: list[list[int]]) -> list[Item]:
    """Input depth slice ``depth`` of channel ch in column kd, the window's cells highlighted and outlined."""
    cs = tr.spec
    x, y, ci = g.col_x[kd], g.y_slice[ch] + g.row_dy.get(kd, 0), g.ci
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
        dy, k = g.row_dy.get(kd, 0), g.ck
        items.append(Label(x + dx, g.y["slice_title"] + dy + (0 if g.slide else 14), f"on input {name}", g.small - 1))
        for ch in range(C):
            items += _slice_cells(tr, g, kd, depth, ch, win)
        for (f, c), yy in g.y_wp.items():
            j, xp = c - (f // fg) * cg, x + g.wx + kW * k + g.gap_wp
            for r, c2 in itertools.product(range(kH), range(kW)):
                s = fmt.num(st.products[kd, r, c2, j, f])
                items.append(Box(xp + c2 * k, yy + dy + r * k, k, k, fill="bg", edge="grid", text=s,
                                 size=_fit(s, g, cell=k), key=("product", _kidx(cs, kd, r, c2, j, f))))
        for f in range(F):
            text = f"{f'f{f} ' if F > 1 else ''}slice sum {fmt.num(data.partial[i, kd, f])}"
            key = ("slice_sum", (kd, f) if F > 1 else (kd,))
            if g.slide:       # right of the filter's first products, level with their middle
                yy = g.y_wp[f, f // fg * cg] + dy + kH * k / 2
                items.append(Label(x + g.sum_dx, yy, text, g.inset, va="center", key=key))
            else:
                items.append(Label(x, g.y["partial"] + 18 * g.s * f, text, g.small, key=key))
    for f in range(F):
        line, size = words.sum_line(tr, data.partial[i, :, f], i, f), max(g.cap + 1, g.inset)
        if g.slide:       # two lines: the sum, then the output voxel it writes
            line, rest = line.split(ARROW)
            items.append(Label(MARGIN + 2 * size, g.y["sum"] + 22 * g.s * (2 * f + 1), ARROW + rest, size, bold=True))
        items.append(Label(MARGIN, g.y["sum"] + 22 * g.s * (2 * f if g.slide else f), line.rstrip(), size, bold=True,
                           key=("sum", (f,))))
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
        o = g.co
        size = _fit(val, g, True, o)
        bx, by = sx + ocol * o, sy + orow * o
        keep.append(Box(bx, by, o, o, fill="output_fill", edge="fg", text=val, size=size, bold=True,
                        key=("output", idx)))
        show.append(Box(bx + 1, by + 1, o - 2, o - 2, fill="output_new", edge="window", lw=3, text=val,
                        size=size, bold=True, key=("output", idx)))
    show += _insets(tr, g, data, i)
    show.append(Label(g.width - MARGIN, g.y["ktitle"], f"step {i + 1} / {len(tr.steps)}", g.small, "muted",
                      ha="right"))
    chans = range(cs.channels) if cs.channels > 1 else [None]
    window = tuple(("input", (d, r, c) if ch is None else (d, r, c, ch))
                   for d, r, c, ch in itertools.product(*win, chans))
    return Step(words.describe_step(tr, i, data.partial[i]), keep=keep, show=show, window=window)


def plan(spec: FigureSpec, data: Data) -> Layout:
    """The Layout: static volumes, slice grids, weights and captions; one Step per output position."""
    tr, t = data.tr, words.texts(data.tr.spec)
    g = _slide_geometry(tr.spec, t, data) if spec.target == "slide" else _geometry(tr.spec, t)
    steps = [_step(tr, g, data, i) for i in range(len(tr.steps))]
    return Layout(g.width, g.height, _static(tr, g, t), steps, alt=words.alt(tr.spec), ss=1, levels=3)
