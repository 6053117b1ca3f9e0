"""3D convolution animation: an oblique voxel view with the kernel cube moving through the volume.

Top: the padded input volume (oblique projection, depth receding up-right) with the kernel cube, the
output volume beside it filling in voxel by voxel, and the output's current depth slice with its numbers.
Below: the numbers, as 2D insets — for each kernel depth, the input depth slice it reads with the window
highlighted, the kernel weights of that depth and their products — and the sum. One frame per output
position. Everything is drawn from ``convfig.trace``.

Speed: the static scene is drawn once; the input depth slices shown in the insets are pre-rendered once
per (inset slot, depth) and pasted with ``restore_region``; each frame then draws only the kernel cube,
the output voxels, the window cells, the products and the sums (GUIDE §5).
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.transforms import Bbox

import convfig
from convfig.render import style
from convfig.render.anim1d import Canvas, durations, fit_call, fmt, paren, shape_str, text_px
from convfig.render.registry import canonical_params, conv_spec
from convfig.render.types import Rendered

MARGIN = 12
SMALL = 9
INSET_FONT = 10
DEPTH_SCALE = 0.5                  # cabinet projection: depth drawn at half length ...
DEPTH_ANGLE = math.radians(35)     # ... receding up and to the right


class Oblique:
    """Map (depth, row, col) lattice points to pixels: col → right, row → down, depth → up-right."""

    def __init__(self, x: float, y: float, u: float, shape: tuple[int, int, int]):
        self.u = u
        self.dx = u * DEPTH_SCALE * math.cos(DEPTH_ANGLE)
        self.dy = u * DEPTH_SCALE * math.sin(DEPTH_ANGLE)
        self.shape = shape
        self.x0 = x
        self.y0 = y + shape[0] * self.dy          # (x, y) is the top-left of the bounding box

    @property
    def width(self) -> float:
        return self.shape[2] * self.u + self.shape[0] * self.dx

    @property
    def height(self) -> float:
        return self.shape[1] * self.u + self.shape[0] * self.dy

    def pt(self, i, r, c):
        return (self.x0 + c * self.u + i * self.dx, self.y0 + r * self.u - i * self.dy)

    def faces(self, lo, hi):
        """Front, top and right faces (polygons) of the box lo..hi (lattice coordinates)."""
        (i0, r0, c0), (i1, r1, c1) = lo, hi
        p = self.pt
        front = [p(i0, r0, c0), p(i0, r0, c1), p(i0, r1, c1), p(i0, r1, c0)]
        top = [p(i0, r0, c0), p(i0, r0, c1), p(i1, r0, c1), p(i1, r0, c0)]
        right = [p(i0, r0, c1), p(i1, r0, c1), p(i1, r1, c1), p(i0, r1, c1)]
        return front, top, right

    def edges(self, lo, hi):
        """(visible, hidden) edges of the box lo..hi as segment lists."""
        (i0, r0, c0), (i1, r1, c1) = lo, hi
        p = self.pt
        vis = [(p(i0, r0, c0), p(i0, r0, c1)), (p(i0, r0, c1), p(i0, r1, c1)), (p(i0, r1, c1), p(i0, r1, c0)),
               (p(i0, r1, c0), p(i0, r0, c0)), (p(i0, r0, c0), p(i1, r0, c0)), (p(i1, r0, c0), p(i1, r0, c1)),
               (p(i1, r0, c1), p(i0, r0, c1)), (p(i1, r0, c1), p(i1, r1, c1)), (p(i1, r1, c1), p(i0, r1, c1))]
        hid = [(p(i1, r0, c0), p(i1, r1, c0)), (p(i1, r1, c0), p(i1, r1, c1)), (p(i0, r1, c0), p(i1, r1, c0))]
        return vis, hid


def painter(cells):
    """Sort voxels far-to-near for the oblique view (deep first, low rows first, left columns first)."""
    return sorted(cells, key=lambda v: (-v[0], -v[1], v[2]))


def _voxel_size(padded: tuple[int, ...]) -> int:
    m = max(padded)
    return 28 if m <= 6 else 22 if m <= 9 else 16


def _inset_cell(padded: tuple[int, ...]) -> int:
    return 26 if max(padded[1:]) <= 8 else 22


def render_conv3d(params: dict, theme: str) -> Rendered:
    """Animated Conv3D: kernel cube through a voxel volume, output volume filling in, numbers as insets."""
    p = canonical_params("conv3d", params)
    th = style.get_theme(theme)
    spec = conv_spec(p)
    tr = convfig.trace_example(spec, seed=p.get("seed", 0))
    with matplotlib.rc_context(style.rc_params(th)):
        return _draw(tr, th)


def _mix(a: str, b: str, t: float) -> tuple[float, float, float]:
    """Colour a moved a fraction t towards colour b (opaque)."""
    ca, cb = matplotlib.colors.to_rgb(a), matplotlib.colors.to_rgb(b)
    return tuple(x + (y - x) * t for x, y in zip(ca, cb))


def _dims(t) -> str:
    return "×".join(str(int(v)) for v in t)


def _draw(tr, th: style.Theme) -> Rendered:
    spec = tr.spec
    D, H, W = spec.input_shape
    kD, kH, kW = spec.kernel_size
    dD, dH, dW = spec.dilation_rate
    pads = spec.pads
    Pd, Ph, Pw = spec.padded_shape
    oD, oH, oW = spec.out_spatial
    C, F, G = spec.channels, spec.filters, spec.groups
    cg, fg = C // G, F // G
    u = _voxel_size(spec.padded_shape)
    ci = _inset_cell(spec.padded_shape)
    real = np.zeros(spec.padded_shape, dtype=bool)
    real[pads[0][0]:pads[0][0] + D, pads[1][0]:pads[1][0] + H, pads[2][0]:pads[2][0] + W] = True

    # ---- texts that decide the width
    title = (f"input {_dims(spec.input_shape)} (depth × height × width)" + (f" × {C} channels" if C > 1 else "")
             + f", {spec.describe_padding()}")
    kdesc = f"kernel {_dims(spec.kernel_size)}"
    if max(spec.dilation_rate) > 1:
        kdesc += f", dilation {_dims(spec.dilation_rate)}"
    if max(spec.strides) > 1:
        kdesc += f", strides {_dims(spec.strides)}"
    if C > 1 or F > 1:
        kdesc += f" × {cg} channel{'s' if cg > 1 else ''} × {F} filter{'s' if F > 1 else ''}"

    # ---- horizontal layout, row B: input view, arrow, output view(s), output slice grid(s)
    vin = Oblique(0, 0, u, spec.padded_shape)
    vout_w = Oblique(0, 0, u, spec.out_spatial).width
    gap = 44
    out_label = f"output {_dims(spec.out_spatial)}" + (f" × {F} filters" if F > 1 else "")
    in_label = f"input, padded {_dims(spec.padded_shape)}" if spec.padded_shape != spec.input_shape else "input"
    view_w = max(vout_w, text_px("filter 00", SMALL) if F > 1 else 0) + 24
    if F == 1:
        view_w = max(view_w, text_px(out_label, SMALL + 1, weight="bold") + 12)
    oslice_title = "f0 depth 0" if F > 1 else "output depth 0"
    oslice_w = max(oW * ci, text_px(oslice_title, SMALL, weight="bold")) + 16
    row_b_w = max(vin.width, text_px(in_label, SMALL + 1, weight="bold")) + gap + F * view_w + F * oslice_w
    # row D: one column per kernel depth
    longest = f"input depth {-max(pads[0][0], 1)} (padding)"
    wtag = " f0 c0" if (C > 1 or F > 1) else ""
    gap_wp = max(14, int(text_px("weights" + wtag, SMALL - 1)) + 8 - kW * ci)
    col_w = max(Pw * ci, 2 * kW * ci + gap_wp, text_px(longest, SMALL - 1) + 4) + 22
    row_d_w = kD * col_w
    width = int(max(style.MIN_WIDTH_PX, row_b_w + 2 * MARGIN, row_d_w + 2 * MARGIN,
                    text_px(title, style.FONT_LABEL, weight="bold") + 2 * MARGIN + 8))
    call_lines, need = fit_call(spec.keras_call(), width)
    width = max(width, need)

    # ---- vertical layout
    y = 8
    y_title = y + 11
    y += 28
    y_vlabel = y + 8
    y += 22
    out_view_h = Oblique(0, 0, u, spec.out_spatial).height
    slice_h = oH * ci + 18
    row_b_h = max(vin.height, out_view_h + (18 if F > 1 else 0), slice_h + 10) + 10
    x_b = MARGIN + (width - 2 * MARGIN - row_b_w) / 2
    vin = Oblique(x_b, y, u, spec.padded_shape)
    vouts, oslices = [], []
    xo = x_b + vin.width + gap
    for _f in range(F):
        v = Oblique(xo, y + (vin.height - out_view_h) / 2 if vin.height > out_view_h else y, u,
                    spec.out_spatial)
        vouts.append(v)
        xo += view_w
    for _f in range(F):
        oslices.append((xo, y + 18))
        xo += oslice_w
    y += row_b_h
    y_axes = y + 4
    y += 22
    y_ktitle = y + 10
    y += 26
    # row D: for every kernel depth a column; inside: per channel the input slice, per (filter, channel)
    # the weights and the products
    x_d = MARGIN + (width - 2 * MARGIN - row_d_w) / 2
    col_x = [x_d + kd * col_w + 11 for kd in range(kD)]
    y_slice_title = y + 7
    y += 32
    y_slice: dict[int, float] = {}
    y_wp: dict[tuple[int, int], float] = {}
    for c in range(C):
        if C > 1:
            y += 14
        y_slice[c] = y
        y += Ph * ci + 8
        for f in range(F):
            if (f // fg) == (c // cg):
                y_wp[f, c] = y + 14
                y += 14 + kH * ci + 6
        y += 4
    y_partial = {f: y + 9 + 18 * f for f in range(F)}
    y += 18 * F + 4
    y_sum = {f: y + 10 + 22 * f for f in range(F)}
    y += 22 * F + 8
    y_call = [y + 8 + 15 * i for i in range(len(call_lines))]
    y += 15 * len(call_lines)
    y_shapes = y + 8
    y += 24
    height = int(y)

    cv = Canvas(width, height, th)
    ax = cv.ax

    # ---- static: titles
    cv.text(MARGIN, y_title, title, size=style.FONT_LABEL, ha="left", weight="bold")
    cv.text(vin.x0, y_vlabel, in_label, size=SMALL + 1, ha="left", weight="bold")
    cv.text(vouts[0].x0, y_vlabel, out_label, size=SMALL + 1, ha="left", weight="bold")
    if F > 1:
        for f, v in enumerate(vouts):
            cv.text(v.x0, v.y0 + v.shape[1] * v.u + 10, f"filter {f}", size=SMALL, ha="left", color=th.fg)
    # ---- static: input lattice (padding dashed and paler)
    polys, fcs, ecs, lss = [], [], [], []
    for (i, r, c) in painter(np.ndindex(*spec.padded_shape)):
        is_real = real[i, r, c]
        for face in vin.faces((i, r, c), (i + 1, r + 1, c + 1)):
            polys.append(face)
            fcs.append(matplotlib.colors.to_rgba(th.input_fill if is_real else th.pad_fill,
                                                 0.9 if is_real else 0.55))
            ecs.append(th.grid if is_real else th.pad_hatch)
            lss.append("-" if is_real else (0, (2, 2)))
    ax.add_collection(PolyCollection(polys, facecolors=fcs, edgecolors=ecs, linewidths=0.7, linestyles=lss,
                                     zorder=1))
    if spec.padded_shape != spec.input_shape:  # outline of the real volume inside the padding
        lo = (pads[0][0], pads[1][0], pads[2][0])
        hi = (lo[0] + D, lo[1] + H, lo[2] + W)
        vis, hid = vin.edges(lo, hi)
        ax.add_collection(LineCollection(vis, colors=th.fg, linewidths=1.2, zorder=1.5))
    # ---- static: empty output volume (wireframe), output slice grid frames
    for v in vouts:
        polys = []
        for (i, r, c) in painter(np.ndindex(*spec.out_spatial)):
            polys.extend(v.faces((i, r, c), (i + 1, r + 1, c + 1)))
        ax.add_collection(PolyCollection(polys, facecolors=th.output_empty, edgecolors=th.grid, linewidths=0.6,
                                         zorder=1))
    mid = vin.y0 - vin.shape[0] * vin.dy + vin.height / 2
    cv.arrow((vin.x0 + vin.width + 8, mid), (vouts[0].x0 - 8, mid), color=th.muted, lw=1.5)
    cv.text(MARGIN, y_axes + 6, "axes: depth ↗ (into the page), height ↓, width →", size=SMALL, ha="left",
            color=th.muted)
    cv.text(MARGIN, y_ktitle, kdesc + f": reads {kD} depth slice{'s' if kD > 1 else ''}",
            size=style.FONT_LABEL, ha="left", weight="bold")
    # kernel weights (static: they do not move) with their labels
    for kd in range(kD):
        x = col_x[kd]
        if C > 1:
            for c in range(C):
                cv.text(x, y_slice[c] - 8, f"input channel {c}", size=SMALL - 1, ha="left", color=th.muted)
        for (f, c), yy in y_wp.items():
            jj = c - (f // fg) * cg
            tag = f" f{f} c{c}" if (C > 1 or F > 1) else ""
            cv.text(x, yy - 8, f"weights{tag}", size=SMALL - 1, ha="left", color=th.muted)
            cv.text(x + kW * ci + gap_wp, yy - 8, "products", size=SMALL - 1, ha="left", color=th.muted)
            for r in range(kH):
                for c2 in range(kW):
                    cv.rect(x + c2 * ci, yy + r * ci, ci, ci, fc=th.window_fill, ec=th.window, lw=1)
                    cv.text(x + c2 * ci + ci / 2, yy + r * ci + ci / 2, fmt(tr.kernel[kd, r, c2, jj, f]),
                            size=INSET_FONT, color=th.weight, weight="bold")
                    cv.rect(x + kW * ci + gap_wp + c2 * ci, yy + r * ci, ci, ci, fc=th.bg, ec=th.grid, lw=0.8)
    for sx, sy in oslices:
        for r in range(oH):
            for c in range(oW):
                cv.rect(sx + c * ci, sy + r * ci, ci, ci, fc=th.output_empty, ec=th.grid, lw=1)
    for i, line in enumerate(call_lines):
        cv.text(MARGIN, y_call[i], line, size=9, ha="left", mono=True)
    shapes = (f"input shape {shape_str(spec.input_shape + (C,))} → output shape {shape_str(spec.output_shape)}"
              f", {spec.params} parameters")
    cv.text(MARGIN, y_shapes, shapes, size=SMALL, ha="left", color=th.muted)
    cv.freeze()

    # ---- pre-render the input depth slices per (inset slot, padded depth) and keep their pixels
    def slice_artists(kd: int, depth: int, c: int) -> list:
        x, yy = col_x[kd], y_slice[c]
        arts = []
        for r in range(Ph):
            for cc in range(Pw):
                if real[depth, r, cc]:
                    arts.append(cv.rect(x + cc * ci, yy + r * ci, ci, ci, fc=th.input_fill, ec=th.grid, lw=0.8,
                                        dyn=True))
                    arts.append(cv.text(x + cc * ci + ci / 2, yy + r * ci + ci / 2,
                                        fmt(tr.padded[depth, r, cc, c]), size=INSET_FONT, dyn=True))
                else:
                    arts.append(cv.rect(x + cc * ci, yy + r * ci, ci, ci, fc=th.pad_fill, ec=th.pad_hatch, lw=0.8,
                                        hatch="///", dyn=True))
                    arts.append(cv.text(x + cc * ci + ci / 2, yy + r * ci + ci / 2, "0", size=INSET_FONT,
                                        color=th.muted, dyn=True))
        return arts

    def px_bbox(x0, y0, x1, y1) -> Bbox:
        return Bbox.from_extents(math.floor(x0) - 2, height - math.ceil(y1) - 2,
                                 math.ceil(x1) + 2, height - math.floor(y0) + 2)

    slice_cache: dict[tuple[int, int, int], object] = {}
    needed = sorted({(kd, int(st.window[0][kd])) for st in tr.steps for kd in range(kD)})
    for kd, depth in needed:
        for c in range(C):
            cv.frame_begin()
            slice_artists(kd, depth, c)
            cv.draw_dynamic()
            bb = px_bbox(col_x[kd], y_slice[c], col_x[kd] + Pw * ci, y_slice[c] + Ph * ci)
            slice_cache[kd, depth, c] = cv.canvas.copy_from_bbox(bb)
            cv.discard_dynamic()

    # ---- frames
    dilated = max(spec.dilation_rate) > 1
    cube_shades = [_mix(th.window_fill, th.window, 0.15), _mix(th.window_fill, th.bg, 0.45),
                   _mix(th.window_fill, th.window, 0.4)]       # front, top, right
    frames, steps = [], []
    N = len(tr.steps)
    done_cells: list[tuple[int, int, int]] = []
    for st in tr.steps:
        oi, orow, ocol = st.out_pos
        win = [list(map(int, w)) for w in st.window]
        cv.frame_begin()
        for kd in range(kD):
            for c in range(C):
                cv.canvas.restore_region(slice_cache[kd, win[0][kd], c])
        # kernel cube in the input view: the voxels read (opaque, shaded: flat colours keep GIFs small),
        # then the box outline; with dilation the box is dashed and only the voxels read are filled
        read = painter([(a, b, c) for a in win[0] for b in win[1] for c in win[2]])
        polys, fcs = [], []
        for (a, b, c) in read:
            for face, shade in zip(vin.faces((a, b, c), (a + 1, b + 1, c + 1)), cube_shades):
                polys.append(face)
                fcs.append(shade)
        cv.collection(PolyCollection(polys, facecolors=fcs, edgecolors=th.window, linewidths=0.8, zorder=4),
                      dyn=True)
        lo = tuple(w[0] for w in win)
        hi = tuple(w[-1] + 1 for w in win)
        vis, hid = vin.edges(lo, hi)
        if dilated:
            cv.collection(dyn=True, coll=LineCollection(vis + hid, colors=th.window, linewidths=1.4,
                                                        linestyles=(0, (4, 3)), zorder=5))
        else:
            cv.collection(dyn=True, coll=LineCollection(vis, colors=th.window, linewidths=2.4, zorder=5))
        # output volume: done voxels filled, current voxel highlighted
        done_cells.append((oi, orow, ocol))
        for f, v in enumerate(vouts):
            polys, fcs, ecs, lws = [], [], [], []
            for cell3 in painter(done_cells):
                cur = cell3 == (oi, orow, ocol)
                for face in v.faces(cell3, tuple(q + 1 for q in cell3)):
                    polys.append(face)
                    fcs.append(th.output_new if cur else th.output_fill)
                    ecs.append(th.window if cur else th.fg)
                    lws.append(2.0 if cur else 0.8)
            cv.collection(dyn=True, coll=PolyCollection(polys, facecolors=fcs, edgecolors=ecs, linewidths=lws,
                                                            zorder=4))
            # x-ray outline of the current voxel: visible even behind voxels filled earlier
            vis, hid = v.edges((oi, orow, ocol), (oi + 1, orow + 1, ocol + 1))
            cv.collection(dyn=True, coll=LineCollection(hid, colors=th.window, linewidths=1.2,
                                                            linestyles=(0, (3, 2)), zorder=5))
            cv.collection(dyn=True, coll=LineCollection(vis, colors=th.window, linewidths=2.4, zorder=5))
            # the current output depth slice with its numbers
            sx, sy = oslices[f]
            cv.text(sx, sy - 10, f"f{f} depth {oi}" if F > 1 else f"output depth {oi}", size=SMALL, ha="left",
                    color=th.fg, weight="bold", dyn=True)
            for r in range(oH):
                for c in range(oW):
                    idx = (oi * oH + r) * oW + c
                    if idx > st.index:
                        continue
                    cur = idx == st.index
                    cv.rect(sx + c * ci + (1.5 if cur else 0), sy + r * ci + (1.5 if cur else 0),
                            ci - (3 if cur else 0), ci - (3 if cur else 0),
                            fc=th.output_new if cur else th.output_fill, ec=th.window if cur else th.fg,
                            lw=3 if cur else 1, dyn=True, z=4 if cur else 3)
                    cv.text(sx + c * ci + ci / 2, sy + r * ci + ci / 2, fmt(tr.output[oi, r, c, f]),
                            size=INSET_FONT, weight="bold", dyn=True, z=5)
        # insets: slice titles, window cells, products, partial sums
        partial = np.zeros((kD, F))
        for kd in range(kD):
            depth = win[0][kd]
            x = col_x[kd]
            rdepth = depth - pads[0][0]
            name = f"depth {rdepth}" if 0 <= rdepth < D else f"depth {rdepth} (padding)"
            cv.text(x, y_slice_title, f"kernel depth {kd}", size=SMALL, ha="left", color=th.fg, weight="bold",
                    dyn=True)
            cv.text(x, y_slice_title + 14, f"on input {name}", size=SMALL - 1, ha="left", color=th.fg, dyn=True)
            for c in range(C):
                yy = y_slice[c]
                for r in win[1]:
                    for cc in win[2]:
                        if real[depth, r, cc]:
                            cv.rect(x + cc * ci, yy + r * ci, ci, ci, fc=th.window_fill, ec=th.grid, lw=0.8, dyn=True)
                            cv.text(x + cc * ci + ci / 2, yy + r * ci + ci / 2, fmt(tr.padded[depth, r, cc, c]),
                                    size=INSET_FONT, dyn=True)
                        cv.rect(x + cc * ci + 1, yy + r * ci + 1, ci - 2, ci - 2, ec=th.window, lw=2.2, dyn=True, z=4)
            for (f, c), yy in y_wp.items():
                jj = c - (f // fg) * cg
                xp = x + kW * ci + gap_wp
                for r in range(kH):
                    for c2 in range(kW):
                        pr = float(st.products[kd, r, c2, jj, f])
                        partial[kd, f] += pr
                        cv.text(xp + c2 * ci + ci / 2, yy + r * ci + ci / 2, fmt(pr), size=INSET_FONT, dyn=True)
            for f in range(F):
                tag = f"f{f} " if F > 1 else ""
                cv.text(x, y_partial[f], f"{tag}slice sum {fmt(partial[kd, f])}", size=SMALL, ha="left",
                        color=th.fg, dyn=True)
        for f in range(F):
            terms = " + ".join(paren(v) for v in partial[:, f])
            b = float(tr.bias[f])
            if b != 0:
                terms += f" + bias {paren(b)}"
            tag = f"filter {f}: " if F > 1 else ""
            cv.text(MARGIN, y_sum[f], f"{tag}sum = {terms} = {fmt(st.sums[f])}  →  output[{oi}, {orow}, {ocol}]",
                    size=style.FONT_CAPTION + 1, ha="left", weight="bold", dyn=True)
        cv.text(width - MARGIN, y_ktitle, f"step {st.index + 1} / {N}", size=SMALL, ha="right", color=th.muted,
                dyn=True)
        frames.append(cv.frame())
        steps.append(_describe_step(st, tr, N, partial))
    cv.close()
    return Rendered(frames=frames, durations_ms=durations(N), alt=_alt(spec), steps=steps)


def _describe_step(st, tr, N: int, partial: np.ndarray) -> str:
    spec = tr.spec
    pads = spec.pads
    oi, orow, ocol = st.out_pos
    depths = [int(v) - pads[0][0] for v in st.window[0]]
    rows = [int(v) - pads[1][0] for v in st.window[1]]
    cols = [int(v) - pads[2][0] for v in st.window[2]]
    npad = int(st.is_pad.sum())
    sums = (", ".join(f"filter {f}: {fmt(v)}" for f, v in enumerate(st.sums)) if spec.filters > 1
            else fmt(st.sums[0]))
    slices = " + ".join(paren(v) for v in partial[:, 0])
    text = (f"Step {st.index + 1} of {N}: output voxel ({oi}, {orow}, {ocol}) reads input depths "
            f"{depths[0]}..{depths[-1]}, rows {rows[0]}..{rows[-1]}, columns {cols[0]}..{cols[-1]}"
            + (f" ({npad} of the {st.is_pad.size} kernel cells on padding)" if npad else "")
            + f"; per depth slice the products add up to {slices}, so the sum is {sums}.")
    return text


def _alt(spec) -> str:
    filt = f"{spec.filters} filter" + ("s" if spec.filters > 1 else "")
    chans = f"{spec.channels} channel" + ("s" if spec.channels > 1 else "")
    pads = ", ".join(f"{b} before / {a} after" for b, a in spec.pads)
    return (f"Animated 3D convolution (Conv3D) on a {_dims(spec.input_shape)} volume (depth × height × width) "
            f"× {chans}: kernel size {_dims(spec.kernel_size)}, strides {_dims(spec.strides)}, padding "
            f"'{spec.padding_label}' (per axis {pads}), dilation {_dims(spec.dilation_rate)}, {filt}; output "
            f"{_dims(spec.out_spatial)} × {filt}, shape {shape_str(spec.output_shape)}. An oblique voxel view "
            f"shows the kernel cube moving through the padded input volume while the output volume beside it "
            f"fills in one voxel per frame; below, for each kernel depth, the input depth slice it reads with "
            f"the window highlighted, the kernel weights, their products, the per-slice sums and the total.")
