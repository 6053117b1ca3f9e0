"""Static concept diagrams (one PNG frame + SVG each), every number taken from the engine.

Each ``render_<kind>(params, theme) -> Rendered`` draws on a :class:`Board`: a matplotlib figure whose
data coordinates are pixels with y pointing down, so layouts are plain arithmetic on cell sizes.
Shapes, pads, output sizes, coverage counts, receptive fields and parameter counts all come from
``convfig.ConvSpec`` / ``convfig.trace`` / ``convfig.arithmetic``; nothing here computes them itself.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Polygon, Rectangle

import convfig
from convfig import arithmetic
from convfig.render.registry import canonical_params, conv_spec
from convfig.render.style import (
    DPI,
    FONT_CAPTION,
    FONT_CELL,
    FONT_FAMILY,
    FONT_LABEL,
    FONT_SMALL,
    FONT_TITLE,
    MONO_FAMILY,
    Theme,
    contrast_ratio,
    get_theme,
    rc_params,
)
from convfig.render.types import ConvfigError, Rendered

MINUS = "\u2212"
TIMES = "\u00d7"


# --------------------------------------------------------------------------------------------------
# small formatting helpers


def fmt(v) -> str:
    """A number as a learner would write it: integers without '.0', a real minus sign."""
    v = float(v)
    if v.is_integer():
        s = str(int(v))
    else:
        s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s.replace("-", MINUS)


def shape_str(shape: Iterable[int]) -> str:
    """(4, 4, 3) -> '4×4×3'."""
    return TIMES.join(str(int(n)) for n in shape)


def tuple_str(shape: Iterable[int]) -> str:
    """(4, 4, 3) -> '(4, 4, 3)'; (7,) -> '(7,)'."""
    t = tuple(int(n) for n in shape)
    return str(t)


def text_width(s: str, size: float, *, weight: str = "normal", mono: bool = False) -> float:
    """Width in pixels of a (possibly multi-line) text at ``size`` points (the figures use DPI px per inch)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=MONO_FAMILY if mono else FONT_FAMILY, weight=weight, size=size)
    width = max((text_to_path.get_text_width_height_descent(line or " ", prop, ismath=False)[0]
                 for line in s.split("\n")), default=0.0)
    return width * DPI / 72.0


def best_text(fill: str, candidates: Sequence[str]) -> str:
    """The candidate text colour with the highest contrast on ``fill``."""
    return max(candidates, key=lambda c: contrast_ratio(c, fill))


def to_hex(rgb) -> str:
    r, g, b = (int(round(float(v) * 255)) for v in rgb[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def mix(a: str, b: str, t: float) -> str:
    """Blend two '#rrggbb' colours: t=0 -> a, t=1 -> b."""
    ca = np.array(matplotlib.colors.to_rgb(a))
    cb = np.array(matplotlib.colors.to_rgb(b))
    return to_hex(ca + (cb - ca) * t)


# --------------------------------------------------------------------------------------------------
# parameters (canonical params from kinds.py arrive as lists; accept loose forms too)


# --------------------------------------------------------------------------------------------------
# the drawing board


class Board:
    """A figure W×H pixels, drawn in pixel coordinates (x right, y down)."""

    def __init__(self, width: float, height: float, theme: Theme):
        self.theme = theme
        self.w = int(np.ceil(width))
        self.h = int(np.ceil(height))
        self.fig = Figure(figsize=(self.w / DPI, self.h / DPI), dpi=DPI, facecolor=theme.bg)
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, self.w)
        self.ax.set_ylim(self.h, 0)
        self.ax.set_axis_off()
        self.ax.set_facecolor(theme.bg)

    # primitives -----------------------------------------------------------------------------------
    def rect(self, x, y, w, h, *, fill=None, edge=None, lw=1.0, ls="-", hatch=None, z=1.0, animated=False,
             alpha=None):
        kw = {"hatch": hatch} if hatch else {}
        r = Rectangle((x, y), w, h, facecolor=fill if fill else "none", edgecolor=edge if edge else "none",
                      linewidth=lw, linestyle=ls, zorder=z, animated=animated, alpha=alpha, **kw)
        if hatch:
            self._hatch_colour(r)
        self.ax.add_patch(r)
        return r

    def _hatch_colour(self, patch) -> None:
        try:
            patch.set_hatchcolor(self.theme.pad_hatch)
        except AttributeError:  # matplotlib < 3.10 reads rcParams['hatch.color'] (set by the theme)
            pass

    def poly(self, pts, *, fill=None, edge=None, lw=1.0, ls="-", z=1.0, alpha=None, hatch=None):
        kw = {"hatch": hatch} if hatch else {}
        p = Polygon(pts, closed=True, facecolor=fill if fill else "none", edgecolor=edge if edge else "none",
                    linewidth=lw, linestyle=ls, zorder=z, alpha=alpha, **kw)
        if hatch:
            self._hatch_colour(p)
        self.ax.add_patch(p)
        return p

    def squares(self, corners, size, *, fill, edge, lw=0.5, hatch=None, z=1.0):
        """Many equal squares (top-left corners) as one collection: fast to draw, small in SVG."""
        verts = [[(x, y), (x + size, y), (x + size, y + size), (x, y + size)] for x, y in corners]
        coll = PolyCollection(verts, facecolors=fill, edgecolors=edge, linewidths=lw, zorder=z,
                              hatch=hatch)
        if hatch:
            self._hatch_colour(coll)
        self.ax.add_collection(coll)
        return coll

    def text(self, x, y, s, *, size=FONT_LABEL, color=None, ha="center", va="center", weight="normal",
             mono=False, z=5.0, animated=False, style="normal", linespacing=1.25):
        kw = {"family": MONO_FAMILY} if mono else {}
        return self.ax.text(x, y, s, fontsize=size, color=color or self.theme.fg, ha=ha, va=va,
                            fontweight=weight, zorder=z, animated=animated, fontstyle=style,
                            linespacing=linespacing, **kw)

    def line(self, xs, ys, *, color=None, lw=1.0, ls="-", z=2.0):
        return self.ax.plot(xs, ys, color=color or self.theme.grid, linewidth=lw, linestyle=ls, zorder=z,
                            solid_capstyle="butt")[0]

    def arrow(self, x0, y0, x1, y1, *, color=None, lw=1.4, z=2.5, head=10, ls="-"):
        a = FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=head,
                            color=color or self.theme.muted, linewidth=lw, zorder=z, linestyle=ls,
                            shrinkA=0, shrinkB=0)
        self.ax.add_patch(a)
        return a

    # cells ----------------------------------------------------------------------------------------
    def cell(self, x, y, c, label=None, *, role="input", size=None, weight="normal", lw=None):
        """One square cell. role: input | pad | output | output-new | empty | window | kernel | plain."""
        t = self.theme
        fills = {"input": t.input_fill, "pad": t.pad_fill, "output": t.output_fill, "output-new": t.output_new,
                 "empty": t.output_empty, "window": t.window_fill, "kernel": t.window_fill, "plain": t.bg}
        fill = fills.get(role, role)
        hatch = "//" if role == "pad" else None
        ls = (0, (3, 2)) if role in ("pad", "empty") else "-"
        edge = t.grid
        if lw is None:
            lw = 1.6 if role in ("output", "output-new") else 1.0
        self.rect(x, y, c, c, fill=fill, edge=edge, lw=lw, ls=ls, hatch=hatch, z=1)
        if label is not None and label != "":
            color = t.muted if role == "pad" else (t.weight if role == "kernel" else t.fg)
            if role not in ("pad", "kernel", "input", "window", "output", "output-new", "empty", "plain"):
                color = best_text(fill, [t.fg, t.bg, "#000000", "#ffffff"])
            self.text(x + c / 2, y + c / 2, label, size=size or FONT_CELL, color=color, weight=weight, z=4)

    def grid(self, x, y, c, labels, roles):
        """A 2D grid of cells: labels/roles are 2D sequences (rows of columns)."""
        for r, (lrow, rrow) in enumerate(zip(labels, roles)):
            for q, (lab, role) in enumerate(zip(lrow, rrow)):
                self.cell(x + q * c, y + r * c, c, lab, role=role)

    # output ---------------------------------------------------------------------------------------
    def fit(self, margin: float = 14) -> None:
        """Grow the board so every text and patch is inside it (pixel coordinates stay the same)."""
        renderer = self.canvas.get_renderer()
        right, bottom = 0.0, 0.0
        for a in list(self.ax.texts) + list(self.ax.patches):
            if not a.get_visible() or (a.get_animated() and not (hasattr(a, "get_text") and a.get_text())):
                continue
            bb = a.get_window_extent(renderer)
            right = max(right, bb.x1)
            bottom = max(bottom, self.h - bb.y0)   # display y is up from the bottom
        w = int(np.ceil(max(self.w, right + margin)))
        h = int(np.ceil(max(self.h, bottom + margin)))
        if (w, h) != (self.w, self.h):
            self.w, self.h = w, h
            self.fig.set_size_inches(w / DPI, h / DPI)
            self.ax.set_xlim(0, w)
            self.ax.set_ylim(h, 0)

    def rgb(self) -> np.ndarray:
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()

    def svg(self) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="svg", metadata={"Date": None}, facecolor=self.theme.bg)
        return buf.getvalue()


def finish(board: Board, alt: str, step: str) -> Rendered:
    """One-frame Rendered with PNG pixels and SVG bytes (call inside the theme's rc_context)."""
    board.fit()
    frame = board.rgb()
    svg = board.svg()
    return Rendered(frames=[frame], durations_ms=[1000], alt=alt, steps=[step], svg=svg)


def themed(theme_name: str):
    """(Theme, rc_context) for a theme name."""
    theme = get_theme(theme_name)
    rc = dict(rc_params(theme))
    rc["svg.hashsalt"] = "convfig"
    return theme, matplotlib.rc_context(rc)


def legend_swatches(b: Board, x, y, items, *, c=16, size=FONT_SMALL + 1):
    """Draw 'swatch + label' legend items left to right; returns the x after the last item."""
    for role, label in items:
        b.cell(x, y, c, None, role=role, lw=1.0)
        txt = b.text(x + c + 5, y + c / 2, label, size=size, ha="left", color=b.theme.fg)
        x += c + 5 + 7.2 * len(label) * size / 9 + 16
        del txt
    return x


def spec_of(input_shape, kernel, *, channels=1, filters=1, strides=1, padding="valid", dilation=1,
            groups=1) -> convfig.ConvSpec:
    """ConvSpec.make with the figure parameter names; errors keep the engine's message."""
    return convfig.ConvSpec.make(tuple(input_shape), tuple(kernel) if not isinstance(kernel, int) else kernel,
                                 channels=channels, filters=filters, strides=strides, padding=padding,
                                 dilation_rate=dilation, groups=groups)


trace_of = convfig.trace_example



def title_block(b: Board, x, y, title, subtitle=None):
    b.text(x, y, title, size=FONT_TITLE, ha="left", weight="bold")
    if subtitle:
        b.text(x, y + 22, subtitle, size=FONT_CAPTION, ha="left", color=b.theme.muted)


def bracket(b: Board, x0, x1, y, *, color, taps=None, label=None, size=FONT_SMALL + 1, lw=1.8, left=False):
    """A horizontal bracket from x0 to x1 hanging down at y (ticks at the tap centres)."""
    b.line([x0, x1], [y, y], color=color, lw=lw, z=3)
    for tx in taps if taps is not None else (x0, x1):
        b.line([tx, tx], [y, y + 7], color=color, lw=lw, z=3)
    if label:
        if left:
            b.text(x0 - 6, y, label, size=size, ha="right", color=color, weight="bold")
        else:
            b.text(x1 + 6, y, label, size=size, ha="left", color=color, weight="bold")


# --------------------------------------------------------------------------------------------------
# padding-modes: valid / same / causal / full for one 1D input


PADDING_MODES = ("valid", "same", "causal", "full")


def render_padding_modes(params: dict, theme: str) -> Rendered:
    """valid, same, causal and full padding of one 1D input side by side, with pads and output lengths."""
    th, rc = themed(theme)
    p = canonical_params("padding-modes", params)
    (n,), (k,), (s,), (d,) = p["input"], p["kernel"], p["strides"], p["dilation"]
    seed = p["seed"]
    rows = []
    for mode in PADDING_MODES:
        try:
            spec = spec_of((n,), k, strides=s, padding=mode, dilation=d)
        except ConvfigError as e:
            if mode == "valid" and "larger than the padded input" in str(e):
                rows.append((mode, None, None))
                continue
            raise
        rows.append((mode, spec, trace_of(spec, seed)))
    with rc:
        return _draw_padding_modes(th, n, k, s, d, rows)


def _draw_padding_modes(th: Theme, n, k, s, d, rows) -> Rendered:
    c = 34
    specs = [sp for _, sp, _ in rows if sp is not None]
    before_max = max(sp.pads[0][0] for sp in specs)
    after_max = max(sp.pads[0][1] for sp in specs)
    M, LW = 16, 86
    x_real = M + LW + before_max * c
    grid_right = x_real + (n + after_max) * c
    ke = specs[0].effective_kernel[0]
    block_h = 2 * c + 100
    y0 = 70
    H = y0 + len(rows) * block_h + 58
    any_tr = next(tr for _, sp, tr in rows if tr is not None)
    weights = ", ".join(fmt(w) for w in np.asarray(any_tr.kernel)[:, 0, 0])
    dil = f", dilation_rate={d} (span {ke})" if d > 1 else ""
    title = f"Padding modes: input length {n}, kernel_size={k}" + (f", strides={s}" if s > 1 else "") + dil
    sub = (f"kernel weights [{weights}] · hatched = zeros added by padding · each output sits under the "
           f"first cell its window reads")
    foot1 = ("Keras conv layers accept padding='valid', 'same' and 'causal' (Conv1D only). 'full' pads "
             f"k−1 = {ke - 1} on both sides:")
    foot2 = "it is shown to compare with PyTorch (padding=k−1) or ZeroPadding1D followed by a valid Conv1D."
    widest = max([text_width(sub, FONT_CAPTION), text_width(foot1, FONT_CAPTION), text_width(foot2, FONT_CAPTION)]
                 + [text_width(sp.keras_call(), FONT_SMALL + 1, mono=True) for sp in specs])
    W = max(grid_right + M + 90, 660, M * 2 + widest + 4)
    b = Board(W, H, th)
    t = th
    title_block(b, M, 20, title, sub)
    alt_parts, step_parts = [], []
    for i, (mode, spec, tr) in enumerate(rows):
        y = y0 + i * block_h + 14
        keras = mode != "full"
        head = f"padding='{mode}'" + ("" if keras else "  (not a Keras option)")
        b.text(M, y + 6, head, size=FONT_LABEL + 1, ha="left", weight="bold",
               color=t.fg if keras else t.muted)
        if spec is None:
            b.text(M, y + 40, f"kernel span {ke} is longer than the input ({n}): valid padding has no output",
                   size=FONT_LABEL, ha="left", color=t.muted)
            alt_parts.append("valid: no output (kernel longer than input)")
            continue
        (pb, pa), = spec.pads
        (out_n,) = spec.out_spatial
        info = f"pad {pb} before / {pa} after → output length {out_n}"
        b.text(M + text_width(head, FONT_LABEL + 1, weight="bold") + 14, y + 6, info, size=FONT_LABEL, ha="left")
        yr = y + 44
        xs0 = x_real - pb * c
        padded = np.asarray(tr.padded)[:, 0]
        for j, v in enumerate(padded):
            real = pb <= j < pb + n
            b.cell(xs0 + j * c, yr, c, fmt(v), role="input" if real else "pad")
        b.rect(x_real, yr, n * c, c, edge=t.fg, lw=1.4, z=1.5)
        # first and last windows as brackets above the row
        steps = tr.steps
        for st, lift, name in ((steps[0], 8, "out[0]"), (steps[-1], 20, f"out[{out_n - 1}]")):
            w = np.asarray(st.window[0])
            if len(steps) == 1 and lift == 20:
                break
            taps = [xs0 + j * c + c / 2 for j in w]
            bracket(b, taps[0], taps[-1], yr - lift, color=t.weight, taps=taps, label=name, size=FONT_SMALL + 1,
                    left=lift == 8)
        # outputs under the first cell of their window
        yo = yr + c + 8
        out = np.asarray(tr.output)[:, 0]
        for st in steps:
            j = int(st.start[0])
            b.cell(xs0 + j * c, yo, c, fmt(out[st.index]), role="output")
        b.text(M + LW - 10, yr + c / 2, "input", size=FONT_SMALL + 1, ha="right", color=t.muted)
        b.text(M + LW - 10, yo + c / 2, "output", size=FONT_SMALL + 1, ha="right", color=t.muted)
        b.text(M, yo + c + 18, spec.keras_call(), size=FONT_SMALL + 1, ha="left", mono=True, color=t.muted)
        alt_parts.append(f"{mode}: pad {pb} before and {pa} after, output length {out_n}")
        step_parts.append(f"padding='{mode}' adds {pb} zero{'s' if pb != 1 else ''} before and {pa} after "
                          f"the {n} inputs, so the window fits {out_n} time{'s' if out_n != 1 else ''}")
    b.text(M, H - 34, foot1, size=FONT_CAPTION, ha="left", color=t.muted)
    b.text(M, H - 16, foot2, size=FONT_CAPTION, ha="left", color=t.muted)
    alt = (f"Padding modes for a 1D input of length {n} and kernel_size={k}"
           + (f", strides={s}" if s > 1 else "") + (f", dilation_rate={d}" if d > 1 else "") + ": "
           + "; ".join(alt_parts) + ". Only valid, same and causal are Keras options; full is for comparison.")
    return finish(b, alt, ". ".join(step_parts) + ".")


# --------------------------------------------------------------------------------------------------
# coverage: how many windows read each input cell


def ramp(theme: Theme, frac: float) -> str:
    """Sequential colour for 0..1 (light: white -> blue, dark: slate -> sky blue); lightness monotone."""
    if theme.name == "dark":
        return mix("#2a3140", "#7cc6f2", 0.1 + 0.9 * frac)
    return mix("#f4f9fd", "#005a8c", 0.05 + 0.95 * frac)


def render_coverage(params: dict, theme: str) -> Rendered:
    """Heatmap of how many windows read each input cell (from ``arithmetic.coverage_map``)."""
    th, rc = themed(theme)
    spec = conv_spec(canonical_params("coverage", params))
    shape = spec.input_shape
    cov = np.asarray(arithmetic.coverage_map(spec))
    other = None
    if spec.padding in ("valid", "same"):
        alt_pad = "same" if spec.padding == "valid" else "valid"
        try:
            o = spec_of(shape, spec.kernel_size, strides=spec.strides, padding=alt_pad, dilation=spec.dilation_rate)
            other = (alt_pad, np.asarray(arithmetic.coverage_map(o)))
        except ConvfigError:
            other = None
    with rc:
        return _draw_coverage(th, spec, cov, other)


def _draw_coverage(th: Theme, spec, cov, other=None) -> Rendered:
    t = th
    (pt, pb), (pl, pr) = spec.pads
    Hp, Wp = spec.padded_shape
    n0, n1 = spec.input_shape
    c = 40 if max(Hp, Wp) <= 9 else 32 if max(Hp, Wp) <= 12 else 24
    M = 16
    gx, gy = M + 20, 84
    kmax = int(np.prod(spec.kernel_size))
    W = max(gx + Wp * c + 40 + 300, 680)
    H = max(gy + Hp * c + 66, 400)
    b = Board(W, H, t)
    ks = shape_str(spec.kernel_size)
    title_block(b, M, 20, f"Edge coverage: {shape_str(spec.input_shape)} input, {ks} kernel, "
                f"padding='{spec.padding_label}'" + (f", strides={spec.strides[0]}" if max(spec.strides) > 1 else ""),
                "number in each cell = how many windows read it (zero padding, hatched, is not counted)")
    top = int(cov.max()) if cov.size else 0
    for r in range(Hp):
        for q in range(Wp):
            x, y = gx + q * c, gy + r * c
            ir, iq = r - pt, q - pl
            if not (0 <= ir < n0 and 0 <= iq < n1):
                b.cell(x, y, c, None, role="pad")
                continue
            v = int(cov[ir, iq])
            fill = ramp(t, v / kmax) if v else t.bg
            b.rect(x, y, c, c, fill=fill, edge=t.grid, lw=1.0, z=1)
            col = best_text(fill, [t.fg, t.bg, "#000000", "#ffffff"])
            b.text(x + c / 2, y + c / 2, str(v), size=FONT_CELL + (1 if c >= 40 else 0), color=col,
                   weight="bold" if v == top else "normal", z=4)
            if v == 0:
                b.rect(x + 3, y + 3, c - 6, c - 6, edge=t.window, lw=1.2, ls=(0, (2, 2)), z=3)
    b.rect(gx + pl * c, gy + pt * c, n1 * c, n0 * c, edge=t.fg, lw=1.6, z=2)
    # key numbers
    tx = gx + Wp * c + 36
    corner, centre = int(cov[0, 0]), int(cov[n0 // 2, n1 // 2])
    edge_mid = int(cov[0, n1 // 2])
    lines = [
        ("padding", f"{spec.describe_padding()}"),
        ("windows", f"{spec.positions} (output {shape_str(spec.out_spatial)})"),
        ("corner cell", f"read {corner}×"),
        ("edge centre", f"read {edge_mid}×"),
        ("centre cell", f"read {centre}×"),
        ("most", f"{top}× (at most {ks} = {kmax})"),
    ]
    zeros = int((cov == 0).sum())
    if zeros:
        lines.append(("never read", f"{zeros} cell{'s' if zeros != 1 else ''} (dashed)"))
    if other is not None:
        name, oc = other
        lines.append((f"if '{name}'", f"corner {int(oc[0, 0])}×, centre {int(oc[n0 // 2, n1 // 2])}×"))
    y = gy + 6
    for key, val in lines:
        b.text(tx, y, key, size=FONT_CAPTION, ha="left", color=t.muted)
        b.text(tx + 96, y, val, size=FONT_CAPTION, ha="left")
        y += 24
    # scale: 0 .. kmax
    y += 12
    b.text(tx, y, "scale (reads)", size=FONT_CAPTION, ha="left", color=t.muted)
    sw = min(26, 200 / (kmax + 1))
    for v in range(kmax + 1):
        fill = ramp(t, v / kmax) if v else t.bg
        b.rect(tx + v * sw, y + 12, sw, 16, fill=fill, edge=t.grid, lw=0.6)
    b.text(tx, y + 40, "0", size=FONT_SMALL + 1, ha="left", color=t.muted)
    b.text(tx + (kmax + 1) * sw, y + 40, str(kmax), size=FONT_SMALL + 1, ha="right", color=t.muted)
    b.text(M, H - 36, "Without padding, border cells are read by fewer windows than the centre;",
           size=FONT_CAPTION, ha="left", color=t.muted)
    b.text(M, H - 18, "padding adds windows that reach the border cells and evens this out.",
           size=FONT_CAPTION, ha="left", color=t.muted)
    alt = (f"Edge-coverage heatmap for a {shape_str(spec.input_shape)} input, kernel_size="
           f"{shape_str(spec.kernel_size)}, strides={shape_str(spec.strides)}, padding='{spec.padding_label}' "
           f"({spec.describe_padding()}): each cell shows how many of the {spec.positions} windows read it. "
           f"Corner {corner}, middle of an edge {edge_mid}, centre {centre}, at most {kmax}.")
    step = (f"With padding='{spec.padding_label}' the corner cell is read {corner} time{'s' if corner != 1 else ''} "
            f"and the centre cell {centre} times.")
    return finish(b, alt, step)


# --------------------------------------------------------------------------------------------------
# strides: where the windows land (small multiples laid out like the output grid)


def render_strides(params: dict, theme: str) -> Rendered:
    """Every window position for the given strides, one thumbnail per output cell, plus strides 1/2/3 compared."""
    th, rc = themed(theme)
    spec = conv_spec(canonical_params("strides", params))
    shape, kernel, padding, dilation = spec.input_shape, spec.kernel_size, spec.padding, spec.dilation_rate
    if spec.positions > 64:
        raise ConvfigError(f"input: {shape_str(shape)} with strides={shape_str(spec.strides)} gives "
                           f"{spec.positions} windows, more than the 64 this figure draws; use a smaller input "
                           "or larger strides")
    tr = trace_of(spec)
    cov = np.asarray(arithmetic.coverage_map(spec))
    compare = []
    for s in (1, 2, 3):
        try:
            compare.append((s, spec_of(shape, kernel, strides=s, padding=padding, dilation=dilation)))
        except ConvfigError as e:
            compare.append((s, str(e)))
    with rc:
        return _draw_strides(th, spec, tr, cov, compare)


def _draw_strides(th: Theme, spec, tr, cov, compare) -> Rendered:
    t = th
    Hp, Wp = spec.padded_shape
    Ho, Wo = spec.out_spatial
    (pt, _), (pl, _) = spec.pads
    n0, n1 = spec.input_shape
    tc = int(max(7, min(18, 150 / max(Hp, Wp), 520 / (Wo * max(Wp, 1) + Wo))))
    thumb_w, thumb_h = Wp * tc, Hp * tc
    gap = max(12, tc + 4)
    M = 16
    gx, gy = M + 34, 112
    grid_w = Wo * thumb_w + (Wo - 1) * gap
    grid_h = Ho * thumb_h + (Ho - 1) * gap
    side_x = gx + grid_w + 40
    W = max(side_x + 330, 700)
    H = max(gy + grid_h + 70, gy + 260)
    b = Board(W, H, t)
    s = spec.strides
    sstr = str(s[0]) if len(set(s)) == 1 else str(s)
    title_block(b, M, 20, f"strides={sstr}: where the {shape_str(spec.kernel_size)} windows land on a "
                f"{shape_str(spec.input_shape)} input (padding='{spec.padding_label}')",
                f"one small copy of the input per output cell, placed like the output grid ({shape_str((Ho, Wo))})")
    b.text(gx + grid_w / 2, gy - 34, "output column →", size=FONT_SMALL + 1, color=t.muted)
    b.text(gx - 22, gy + grid_h / 2, "output row →", size=FONT_SMALL + 1, color=t.muted).set_rotation(-90)
    for st in tr.steps:
        orow, ocol = st.out_pos
        x0 = gx + ocol * (thumb_w + gap)
        y0 = gy + orow * (thumb_h + gap)
        rows, cols = (set(int(v) for v in w) for w in st.window)
        groups: dict = {}
        for r in range(Hp):
            for q in range(Wp):
                ir, iq = r - pt, q - pl
                real = 0 <= ir < n0 and 0 <= iq < n1
                if r in rows and q in cols:
                    key = ("win", real)
                elif not real:
                    key = ("pad", False)
                elif cov[ir, iq] == 0:
                    key = ("never", True)
                else:
                    key = ("in", True)
                groups.setdefault(key, []).append((x0 + q * tc, y0 + r * tc))
        style = {("win", True): (t.window_fill, t.window, 0.8, None, 2),
                 ("win", False): (t.window_fill, t.window, 0.8, "//", 2),
                 ("pad", False): (t.pad_fill, t.grid, 0.4, "//", 1),
                 ("never", True): (t.future, t.grid, 0.4, None, 1),
                 ("in", True): (t.input_fill, t.grid, 0.4, None, 1)}
        for key, cells in groups.items():
            fill, edge, lw, hatch, z = style[key]
            b.squares(cells, tc, fill=fill, edge=edge, lw=lw, hatch=hatch, z=z)
        wr, wc = st.window
        b.rect(x0 + int(wc[0]) * tc, y0 + int(wr[0]) * tc, (int(wc[-1]) - int(wc[0]) + 1) * tc,
               (int(wr[-1]) - int(wr[0]) + 1) * tc, edge=t.window, lw=2.0, z=3)
        b.rect(x0, y0, thumb_w, thumb_h, edge=t.fg, lw=1.0, z=2.5)
        start = ", ".join(str(int(v) - p) for v, p in zip(st.start, (pt, pl)))
        b.text(x0 + thumb_w / 2, y0 - 7, f"({start})", size=FONT_SMALL, color=t.muted)
    # starts per axis
    y = gy
    b.text(side_x, y, "window starts (row, col) in input cells:", size=FONT_CAPTION, ha="left", color=t.muted)
    starts_r = sorted({int(st.start[0]) - pt for st in tr.steps})
    starts_c = sorted({int(st.start[1]) - pl for st in tr.steps})
    b.text(side_x, y + 22, f"rows {', '.join(map(str, starts_r))} · cols {', '.join(map(str, starts_c))}",
           size=FONT_CAPTION, ha="left")
    never = int((cov == 0).sum())
    y += 52
    if never:
        b.rect(side_x, y - 8, 16, 16, fill=t.future, edge=t.grid, lw=0.6)
        b.text(side_x + 24, y, f"{never} input cell{'s' if never != 1 else ''} never read", size=FONT_CAPTION,
               ha="left")
        y += 28
    b.rect(side_x, y - 8, 16, 16, fill=t.window_fill, edge=t.window, lw=1.0)
    b.text(side_x + 24, y, "cells read by that window", size=FONT_CAPTION, ha="left")
    if any(a or z for a, z in spec.pads):
        y += 28
        b.rect(side_x, y - 8, 16, 16, fill=t.pad_fill, edge=t.grid, lw=0.6, hatch="//")
        b.text(side_x + 24, y, f"zero padding ({spec.describe_padding()})", size=FONT_CAPTION, ha="left")
    y += 40
    b.text(side_x, y, "Same input and kernel, other strides:", size=FONT_CAPTION, ha="left", weight="bold")
    y += 24
    for sv, sp in compare:
        if isinstance(sp, str):
            b.text(side_x, y, f"strides={sv}: not possible", size=FONT_CAPTION, ha="left", color=t.muted)
        else:
            mark = "  ◀ this figure" if tuple(sp.strides) == tuple(spec.strides) else ""
            b.text(side_x, y, f"strides={sv} → output {shape_str(sp.out_spatial)} ({sp.positions} windows){mark}",
                   size=FONT_CAPTION, ha="left", weight="bold" if mark else "normal")
        y += 22
    b.text(M, H - 18, spec.keras_call() + f"  ·  input {tuple_str(spec.input_shape + (1,))} → output "
           f"{tuple_str(spec.output_shape)}", size=FONT_SMALL + 1, ha="left", mono=True, color=t.muted)
    comp = "; ".join(f"strides={sv} gives {shape_str(sp.out_spatial)}" for sv, sp in compare if not isinstance(sp, str))
    alt = (f"Window positions for kernel_size={shape_str(spec.kernel_size)}, strides={sstr}, "
           f"padding='{spec.padding_label}' on a {shape_str(spec.input_shape)} input: {spec.positions} windows "
           f"starting at rows {', '.join(map(str, starts_r))} and columns {', '.join(map(str, starts_c))}, output "
           f"{shape_str(spec.out_spatial)}" + (f"; {never} input cells are never read" if never else "")
           + f". For comparison: {comp}.")
    step = (f"With strides={sstr} each window starts {sstr} cells after the previous one; "
            f"{spec.positions} windows fit, so the output is {shape_str(spec.out_spatial)}.")
    return finish(b, alt, step)


# --------------------------------------------------------------------------------------------------
# dilation: the same k×k weights spread out with gaps


def render_dilation(params: dict, theme: str) -> Rendered:
    """The cells a dilated kernel reads (first window) for dilation 1 and the given rate."""
    th, rc = themed(theme)
    p = canonical_params("dilation", params)
    spec = conv_spec(p)
    shape, kernel, padding, dil, strides = (spec.input_shape, spec.kernel_size, spec.padding,
                                            spec.dilation_rate, spec.strides)
    rates = [(1, 1), dil] if max(dil) > 1 else [(1, 1), (2, 2)]
    panels = []
    for d in rates:
        spec = spec_of(shape, kernel, strides=strides, padding=padding, dilation=d)
        panels.append((spec, trace_of(spec, p.get("seed", 0))))
    with rc:
        return _draw_dilation(th, panels)


def _draw_dilation(th: Theme, panels) -> Rendered:
    t = th
    M = 16
    spec0 = panels[0][0]
    Hp = max(sp.padded_shape[0] for sp, _ in panels)
    Wp = max(sp.padded_shape[1] for sp, _ in panels)
    c = 40 if max(Hp, Wp) <= 9 else 30
    kh, kw = spec0.kernel_size
    kx, ky = M, 110
    panel_w = max(Wp * c, 250)
    px0 = kx + kw * c + 60
    W = max(px0 + len(panels) * (panel_w + 40), 700)
    H = ky + Hp * c + 84
    b = Board(W, H, t)
    title_block(b, M, 20, f"Dilation: the same {shape_str(spec0.kernel_size)} weights, spread out",
                f"{shape_str(spec0.input_shape)} input, padding='{spec0.padding_label}' · highlighted cells are "
                "the ones the first window reads; the cells in between are skipped")
    kern = np.asarray(panels[0][1].kernel)[..., 0, 0]
    b.text(kx, ky - 14, "kernel", size=FONT_LABEL, ha="left", weight="bold")
    for r in range(kh):
        for q in range(kw):
            b.cell(kx + q * c, ky + r * c, c, fmt(kern[r, q]), role="kernel")
    b.rect(kx, ky, kw * c, kh * c, edge=t.window, lw=2.2, z=2)
    b.text(kx, ky + kh * c + 16, f"{kh * kw} weights", size=FONT_CAPTION, ha="left", color=t.muted)
    alt_parts = []
    for i, (spec, tr) in enumerate(panels):
        x0 = px0 + i * (panel_w + 40)
        (pt, _), (pl, _) = spec.pads
        n0, n1 = spec.input_shape
        d = spec.dilation_rate
        ke = spec.effective_kernel
        dstr = str(d[0]) if len(set(d)) == 1 else str(d)
        b.text(x0, ky - 14, f"dilation_rate={dstr}", size=FONT_LABEL, ha="left", weight="bold")
        st = tr.steps[0]
        rows = [int(v) for v in st.window[0]]
        cols = [int(v) for v in st.window[1]]
        padded = np.asarray(tr.padded)[..., 0]
        Hq, Wq = spec.padded_shape
        for r in range(Hq):
            for q in range(Wq):
                ir, iq = r - pt, q - pl
                real = 0 <= ir < n0 and 0 <= iq < n1
                x, y = x0 + q * c, ky + r * c
                if r in rows and q in cols:
                    w = kern[rows.index(r), cols.index(q)]
                    b.rect(x, y, c, c, fill=t.window_fill, edge=t.window, lw=1.6, z=2,
                           hatch=None if real else "//")
                    b.text(x + c / 2, y + c / 2 - 6, fmt(padded[r, q]), size=FONT_CELL, z=4)
                    b.text(x + c / 2, y + c - 8, f"w {fmt(w)}", size=FONT_SMALL, color=t.weight, z=4)
                else:
                    b.cell(x, y, c, fmt(padded[r, q]), role="input" if real else "pad", size=FONT_CELL - 1)
        y_top, x_left = ky + rows[0] * c, x0 + cols[0] * c
        b.rect(x_left - 2, y_top - 2, ke[1] * c + 4, ke[0] * c + 4, edge=t.window, lw=2.0,
               ls="-" if max(d) == 1 else (0, (5, 3)), z=3)
        b.rect(x0 + pl * c, ky + pt * c, n1 * c, n0 * c, edge=t.fg, lw=1.4, z=2.5)
        k0, d0 = spec.kernel_size[0], d[0]
        yl = ky + Hq * c + 20
        b.text(x0, yl, f"span ({k0}−1)·{d0}+1 = {ke[0]}" + ("" if ke[0] == ke[1] else f" × {ke[1]}")
               + f" → {shape_str(ke)} area", size=FONT_CAPTION, ha="left")
        b.text(x0, yl + 20, f"reads {int(np.prod(spec.kernel_size))} cells, output {shape_str(spec.out_spatial)}",
               size=FONT_CAPTION, ha="left", color=t.muted)
        for j, call in enumerate(spec.keras_call().replace("keras.layers.", "").split(" then ")):
            b.text(x0, yl + 40 + 15 * j, call, size=FONT_SMALL, ha="left", mono=True, color=t.muted)
        alt_parts.append(f"dilation_rate={dstr}: effective kernel {shape_str(ke)}, "
                         f"output {shape_str(spec.out_spatial)}")
    alt = (f"Dilation diagram: a {shape_str(spec0.kernel_size)} kernel on a {shape_str(spec0.input_shape)} "
           f"input with padding='{spec0.padding_label}'. " + "; ".join(alt_parts)
           + ". The kernel keeps its weights; dilation spreads them out with gaps, effective size (k−1)·d+1.")
    step = "; ".join(alt_parts) + "."
    return finish(b, alt, step)


# --------------------------------------------------------------------------------------------------
# receptive-field: stacked small kernels reach as far as one larger kernel


def render_receptive_field(params: dict, theme: str) -> Rendered:
    """The input cells one output reads through a stack of layers, next to one layer of the same reach."""
    th, rc = themed(theme)
    p = canonical_params("receptive-field", params)
    kernels, strides, dilations = p["kernels"], p["strides"], p["dilations"]
    layers = list(zip(kernels, strides, dilations))
    size, jump = arithmetic.receptive_field(layers)
    n = size + 2 * jump
    chain = []
    m = n
    for k, s, d in layers:
        sp = spec_of((m, m), k, strides=s, dilation=d)
        chain.append((sp, trace_of(sp)))
        m = sp.out_spatial[0]
    if n > 15:
        raise ConvfigError(f"kernels: the stack reaches {size} cells, too wide to draw (at most 13); "
                           "use fewer or smaller kernels")
    # walk back from the centre output cell: which cells of each earlier map does it read?
    reads = [None] * (len(chain) + 1)
    last = chain[-1][0].out_spatial
    reads[-1] = {(last[0] // 2, last[1] // 2)}
    for i in range(len(chain) - 1, -1, -1):
        sp, tr = chain[i]
        wo = sp.out_spatial[1]
        cells = set()
        for r, q in reads[i + 1]:
            st = tr.steps[r * wo + q]
            rows, cols = (np.asarray(v) for v in st.input_index)
            cells |= {(int(a), int(b_)) for a in rows for b_ in cols}
        reads[i] = cells
    single = spec_of((n, n), size, strides=jump)
    single_tr = trace_of(single)
    so = single.out_spatial
    sst = single_tr.steps[(so[0] // 2) * so[1] + so[1] // 2]
    single_reads = {(int(a), int(b_)) for a in np.asarray(sst.input_index[0]) for b_ in np.asarray(sst.input_index[1])}
    with rc:
        return _draw_receptive_field(th, layers, (size, jump), chain, reads, single, single_reads)


def _draw_receptive_field(th: Theme, layers, rf, chain, reads, single, single_reads) -> Rendered:
    t = th
    size, jump = rf
    n = chain[0][0].input_shape[0]
    sizes = [n] + [sp.out_spatial[0] for sp, _ in chain]
    M = 16
    arrow_w = 78
    c = int(max(16, min(30, (860 - len(chain) * arrow_w) / sum(sizes))))
    x = M + 8
    gy1 = 112
    row1_h = n * c
    gy2 = gy1 + row1_h + 96
    H = gy2 + n * c + 76
    xs = []
    for sz in sizes:
        xs.append(x)
        x += sz * c + arrow_w
    W = max(x - arrow_w + M + 8, 700)
    b = Board(W, H, t)
    ks = " + ".join(f"{k}×{k}" for k, _, _ in layers)
    title_block(b, M, 20, f"Receptive field: {len(layers)} stacked layers ({ks}) reach {size}×{size} input cells",
                "the shaded cells are the ones the centre output reads, layer by layer (valid padding, 1 channel)")

    def draw_map(x0, y0, sz, cells, *, target=False, label="", sub=""):
        for r in range(sz):
            for q in range(sz):
                hit = (r, q) in cells
                role = ("output-new" if target else "window") if hit else "input"
                b.cell(x0 + q * c, y0 + r * c, c, None, role=role)
        if cells:
            rs = [r for r, _ in cells]
            qs = [q for _, q in cells]
            b.rect(x0 + min(qs) * c, y0 + min(rs) * c, (max(qs) - min(qs) + 1) * c, (max(rs) - min(rs) + 1) * c,
                   edge=t.window, lw=2.4, z=3)
        b.rect(x0, y0, sz * c, sz * c, edge=t.fg, lw=1.4, z=2)
        b.text(x0, y0 - 34, label, size=FONT_LABEL, ha="left", weight="bold")
        b.text(x0, y0 - 15, sub, size=FONT_CAPTION, ha="left", color=t.muted)

    # row 1: the stack
    for i, sz in enumerate(sizes):
        cells = reads[i]
        span = len({r for r, _ in cells})
        if i == 0:
            label, sub = f"input {sz}×{sz}", f"reads {span}×{span}"
        else:
            label = f"layer {i} output {sz}×{sz}"
            sub = "the output cell" if i == len(sizes) - 1 else f"reads {span}×{span}"
        draw_map(xs[i], gy1, sz, cells, target=i == len(sizes) - 1, label=label, sub=sub)
        if i < len(chain):
            k, s, d = layers[i]
            ax0 = xs[i] + sz * c + 10
            ym = gy1 + sizes[i + 1] * c / 2
            b.arrow(ax0, ym, ax0 + arrow_w - 20, ym, color=t.muted)
            lab = f"{k}×{k}" + (f", s={s}" if s > 1 else "") + (f", d={d}" if d > 1 else "")
            b.text(ax0 + (arrow_w - 20) / 2, ym - 14, lab, size=FONT_CAPTION, color=t.muted)
    # row 2: one layer with the same reach
    so = single.out_spatial[0]
    draw_map(xs[0], gy2, n, single_reads, label=f"input {n}×{n}", sub=f"reads {size}×{size}")
    x2 = xs[0] + n * c + arrow_w
    ym = gy2 + so * c / 2
    b.arrow(xs[0] + n * c + 10, ym, x2 - 10, ym, color=t.muted)
    b.text(xs[0] + n * c + 10 + (arrow_w - 20) / 2, ym - 14, f"{size}×{size}" + (f", s={jump}" if jump > 1 else ""),
           size=FONT_CAPTION, color=t.muted)
    centre = {(so // 2, so // 2)}
    draw_map(x2, gy2, so, centre, target=True, label=f"one {size}×{size} layer: output {so}×{so}",
             sub="the output cell")
    # weights per (input channel, output channel) pair
    stack_w = [arithmetic.param_count((k, k), 1, 1, bias=False) for k, _, _ in layers]
    one_w = arithmetic.param_count((size, size), 1, 1, bias=False)
    tx = x2 + so * c + 40
    ty = gy2 + 4
    b.text(tx, ty, "weights per input–output channel pair", size=FONT_CAPTION, ha="left", weight="bold")
    b.text(tx, ty + 24, f"stack: {' + '.join(str(w) for w in stack_w)} = {sum(stack_w)}", size=FONT_CAPTION,
           ha="left")
    b.text(tx, ty + 46, f"one {size}×{size}: {one_w}", size=FONT_CAPTION, ha="left")
    b.text(tx, ty + 74, f"with C channels in and out:\n{sum(stack_w)}·C² vs {one_w}·C²", size=FONT_CAPTION,
           ha="left", va="top", color=t.muted)
    H = b.h
    b.text(M, H - 36, f"Both reach {size}×{size} input cells (receptive field {size}, computed by "
           "convfig.arithmetic.receptive_field).", size=FONT_CAPTION, ha="left", color=t.muted)
    b.text(M, H - 18, "The stack uses fewer weights and adds a nonlinearity between the layers.", size=FONT_CAPTION,
           ha="left", color=t.muted)
    klist = ", ".join(str(k) for k, _, _ in layers)
    alt = (f"Receptive field of {len(layers)} stacked conv layers with kernel sizes {klist}"
           f", strides {', '.join(str(s) for _, s, _ in layers)}, dilations {', '.join(str(d) for _, _, d in layers)}: "
           f"one output reads {size}×{size} cells of a {n}×{n} input, the same as one {size}×{size} layer. "
           f"Weights per channel pair: {' + '.join(str(w) for w in stack_w)} = {sum(stack_w)} for the stack versus "
           f"{one_w} for the single layer.")
    step = (f"{len(layers)} stacked layers reach {size}×{size} input cells with {sum(stack_w)} weights per channel "
            f"pair; one {size}×{size} layer needs {one_w}.")
    return finish(b, alt, step)


# --------------------------------------------------------------------------------------------------
# model-shapes: the shapes through a small Keras model


MODEL_LAYERS = ((8, 3, 1, "valid"), (16, 3, 2, "same"), (32, 3, 1, "valid"))   # (filters, kernel, strides, padding)


def wrap_call(call: str, width_px: float, size: float) -> str:
    """Break 'Conv2D(filters=8, kernel_size=3, ...)' after commas so each line fits width_px."""
    parts = call.split(", ")
    lines, cur = [], ""
    for i, p in enumerate(parts):
        piece = p + ("," if i < len(parts) - 1 else "")
        trial = (cur + " " + piece).strip()
        if cur and text_width(trial, size, mono=True) > width_px:
            lines.append(cur)
            cur = "  " + piece
        else:
            cur = trial if not cur.startswith("  ") else cur + " " + piece
    lines.append(cur)
    return "\n".join(lines)


def render_model_shapes(params: dict, theme: str) -> Rendered:
    """Input → three Conv2D layers: each output shape and parameter count from the engine."""
    th, rc = themed(theme)
    p = canonical_params("model-shapes", params)
    spatial, channels = tuple(p["input"]), p["channels"]
    if len(spatial) != 2:
        raise ConvfigError(f"input: the model-shapes figure draws a Conv2D model on an image (e.g. 28x28), "
                           f"got {shape_str(spatial)}")
    specs = []
    cur, ch = spatial, channels
    for f, k, s, pad in MODEL_LAYERS:
        try:
            sp = spec_of(cur, k, channels=ch, filters=f, strides=s, padding=pad)
        except ConvfigError as e:
            raise ConvfigError(f"input: {shape_str(spatial)} is too small for the example model ({e})") from None
        specs.append(sp)
        cur, ch = sp.out_spatial, sp.filters
    with rc:
        return _draw_model_shapes(th, spatial, channels, specs)


def _tensor_icon(b: Board, x, y, side, cards, fill, *, off=5):
    """A stack of square cards (front card bottom-left at (x, y + side)): side ∝ spatial size."""
    k = min(8, 1 + int(np.ceil(np.log2(cards)))) if cards > 1 else 1   # more channels, more cards
    for i in reversed(range(k)):
        b.rect(x + i * off, y - i * off, side, side, fill=fill, edge=b.theme.fg, lw=0.9, z=1 + (k - i) * 0.01)


def _draw_model_shapes(th: Theme, spatial, channels, specs) -> Rendered:
    t = th
    M = 16
    col_w = 206
    n_max = max(spatial)
    cols = [("Input", f"keras.Input(\n  shape={tuple_str(tuple(spatial) + (channels,))})",
             tuple(spatial) + (channels,), None)]
    for i, sp in enumerate(specs):
        cols.append((f"layer {i + 1}", sp.keras_call().replace("keras.layers.", ""), sp.output_shape, sp))
    W = M * 2 + len(cols) * col_w
    icon_top = 96
    icon_area = 150
    H = icon_top + icon_area + 262
    b = Board(W, H, t)
    title_block(b, M, 20, "Shapes through a small Conv2D model (computed by convfig)",
                f"one sample is {len(spatial) + 1}-D: {len(spatial)} axes the kernel slides over (height, width) "
                f"+ channels; Keras adds the batch axis (None)")
    total = 0
    for i, (name, call, shape, sp) in enumerate(cols):
        x0 = M + i * col_w
        side = 34 + 86 * (max(shape[:-1]) / n_max)
        cards = shape[-1]
        fill = t.input_fill if sp is None else t.output_fill
        ybase = icon_top + icon_area - 16
        _tensor_icon(b, x0 + 6, ybase - side, side, cards, fill)
        b.text(x0 + 6, ybase + 14, f"{shape_str(shape[:-1])} × {shape[-1]} channel"
               f"{'s' if shape[-1] != 1 else ''}", size=FONT_SMALL + 1, ha="left", color=t.muted)
        y = icon_top + icon_area + 22
        b.text(x0 + 6, y, name, size=FONT_LABEL, ha="left", weight="bold")
        call_text = call if sp is None else wrap_call(call, col_w - 22, FONT_SMALL)
        b.text(x0 + 6, y + 18, call_text, size=FONT_SMALL, ha="left", va="top",
               mono=True, color=t.muted)
        y2 = y + 82
        b.text(x0 + 6, y2, "output shape" if sp is not None else "input shape", size=FONT_SMALL + 1, ha="left",
               color=t.muted)
        b.text(x0 + 6, y2 + 20, "(None, " + ", ".join(str(v) for v in shape) + ")", size=FONT_LABEL + 1,
               ha="left", weight="bold")
        if sp is not None:
            kk = TIMES.join(str(v) for v in sp.kernel_size)
            b.text(x0 + 6, y2 + 46, f"params {kk}{TIMES}{sp.channels}{TIMES}{sp.filters} + {sp.filters}",
                   size=FONT_SMALL + 1, ha="left", color=t.muted)
            b.text(x0 + 6, y2 + 64, f"= {sp.params:,}", size=FONT_LABEL, ha="left", weight="bold")
            total += sp.params
            b.arrow(x0 - 40, icon_top + icon_area / 2 + 10, x0 - 6, icon_top + icon_area / 2 + 10, color=t.muted)
            b.text(x0 + 6, y2 + 86, sp.describe_padding(), size=FONT_SMALL, ha="left", color=t.muted)
    b.text(M, H - 38, f"Total parameters: {total:,}. Each layer's filters become the next layer's channels (the "
           "last dim).", size=FONT_CAPTION, ha="left", weight="bold")
    b.text(M, H - 18, "padding='same' keeps the grid (divided by the stride); 'valid' shrinks it by k−1.",
           size=FONT_CAPTION, ha="left", color=t.muted)
    desc = "; ".join(f"{c[1]} → (None, {', '.join(str(v) for v in c[2])}), {c[3].params} params" for c in cols[1:])
    alt = (f"Shapes through a small Keras model on input {tuple_str(tuple(spatial) + (channels,))} "
           f"(height, width, channels): {desc}. Total {total} parameters.")
    return finish(b, alt, alt)



# --------------------------------------------------------------------------------------------------
# dims: Conv1D vs Conv2D vs Conv3D


class Oblique:
    """Oblique projection of voxel coordinates (x right, y down, z away from the viewer) to pixels."""

    def __init__(self, ox, oy, c, depth=0.5):
        self.ox, self.oy, self.c = ox, oy, c
        self.dx = c * depth * 0.8
        self.dy = c * depth * 0.6

    def p(self, x, y, z):
        return (self.ox + x * self.c + z * self.dx, self.oy + y * self.c - z * self.dy)

    def box(self, b: Board, x0, x1, y0, y1, z0, z1, *, fill, edge, lw=0.8, grid=True, z=1.0, top=None, side=None,
            outline=None, olw=2.0):
        p = self.p
        faces = [
            ([p(x0, y0, z0), p(x1, y0, z0), p(x1, y0, z1), p(x0, y0, z1)], top or fill),     # top
            ([p(x1, y0, z0), p(x1, y1, z0), p(x1, y1, z1), p(x1, y0, z1)], side or fill),    # right
            ([p(x0, y0, z0), p(x1, y0, z0), p(x1, y1, z0), p(x0, y1, z0)], fill),            # front
        ]
        for pts, f in faces:
            b.poly(pts, fill=f, edge=outline or edge, lw=olw if outline else lw, z=z)
        if grid:
            for xi in range(int(x0) + 1, int(x1)):
                b.line(*zip(p(xi, y0, z0), p(xi, y1, z0)), color=edge, lw=lw, z=z + 0.01)
                b.line(*zip(p(xi, y0, z0), p(xi, y0, z1)), color=edge, lw=lw, z=z + 0.01)
            for yi in range(int(y0) + 1, int(y1)):
                b.line(*zip(p(x0, yi, z0), p(x1, yi, z0)), color=edge, lw=lw, z=z + 0.01)
                b.line(*zip(p(x1, yi, z0), p(x1, yi, z1)), color=edge, lw=lw, z=z + 0.01)
            for zi in range(int(z0) + 1, int(z1)):
                b.line(*zip(p(x0, y0, zi), p(x1, y0, zi)), color=edge, lw=lw, z=z + 0.01)
                b.line(*zip(p(x1, y0, zi), p(x1, y1, zi)), color=edge, lw=lw, z=z + 0.01)


def render_dims(params: dict, theme: str) -> Rendered:
    """Conv1D, Conv2D and Conv3D side by side: which axes the kernel slides over, and the sample shapes."""
    th, rc = themed(theme)
    specs = [
        spec_of((10,), 3, channels=4, filters=8),
        spec_of((6, 6), 3, channels=3, filters=8),
        spec_of((4, 5, 5), 3, channels=2, filters=8),
    ]
    with rc:
        return _draw_dims(th, specs)


def _draw_dims(th: Theme, specs) -> Rendered:
    t = th
    M = 16
    pw = 300
    W = M * 2 + 3 * pw
    top = 84
    art_h = 214
    H = top + art_h + 296
    b = Board(W, H, t)
    title_block(b, M, 20, "Conv1D, Conv2D, Conv3D: the D counts the axes the kernel slides over",
                "every kernel spans all the input channels; the output has one channel per filter (last dim)")
    s1, s2, s3 = specs
    kf, ke = t.window_fill, t.window
    # --- Conv1D: (steps, features) grid, window spans every feature
    c = 24
    x0, y0 = M + 10, top + 50
    steps, feats = s1.input_shape[0], s1.channels
    for q in range(steps):
        for r in range(feats):
            hit = q < s1.kernel_size[0]
            b.rect(x0 + q * c, y0 + r * c, c, c, fill=kf if hit else t.input_fill, edge=t.grid, lw=0.8)
    b.rect(x0, y0, s1.kernel_size[0] * c, feats * c, edge=ke, lw=2.6, z=3)
    b.rect(x0, y0, steps * c, feats * c, edge=t.fg, lw=1.2, z=2)
    b.arrow(x0, y0 + feats * c + 22, x0 + steps * c, y0 + feats * c + 22, color=ke, lw=2.0)
    b.text(x0 + steps * c / 2, y0 + feats * c + 40, "slides along steps (1 axis)", size=FONT_CAPTION, color=t.fg)
    b.text(x0 - 4, y0 - 12, f"{feats} features (channels) ↓", size=FONT_SMALL + 1, ha="left", color=t.muted)
    # --- Conv2D: channel cards, the window on every card
    c2 = 20
    x0 = M + pw + 20
    hh, ww = s2.input_shape
    C2 = s2.channels
    off = 16
    ybase = top + 70
    for ch in reversed(range(C2)):
        cx, cy = x0 + ch * off, ybase - ch * off
        for r in range(hh):
            for q in range(ww):
                hit = r < s2.kernel_size[0] and q < s2.kernel_size[1]
                b.rect(cx + q * c2, cy + r * c2, c2, c2, fill=kf if hit else t.input_fill, edge=t.grid, lw=0.8,
                       z=1 + (C2 - ch) * 0.1)
        b.rect(cx, cy, s2.kernel_size[1] * c2, s2.kernel_size[0] * c2, edge=ke, lw=2.4, z=1.05 + (C2 - ch) * 0.1)
        b.rect(cx, cy, ww * c2, hh * c2, edge=t.fg, lw=1.2, z=1.04 + (C2 - ch) * 0.1)
    b.arrow(x0, ybase + hh * c2 + 16, x0 + ww * c2, ybase + hh * c2 + 16, color=ke, lw=2.0)
    b.arrow(x0 - 14, ybase, x0 - 14, ybase + hh * c2, color=ke, lw=2.0)
    b.text(x0 + ww * c2 / 2 + 20, ybase + hh * c2 + 36, "slides along height and width (2 axes)",
           size=FONT_CAPTION)
    b.text(x0 + ww * c2 + (C2 - 1) * off + 8, ybase - (C2 - 1) * off + 8, f"{C2} channels", size=FONT_SMALL + 1,
           ha="left", color=t.muted)
    # --- Conv3D: voxel volume with the kernel cube at the corner
    c3 = 22
    d, h, w = s3.input_shape
    kd, kh, kw = s3.kernel_size
    x0 = M + 2 * pw + 20
    ob = Oblique(x0, top + 92, c3, depth=0.8)
    top_fill = mix(t.input_fill, t.bg, 0.35)
    side_fill = mix(t.input_fill, t.fg, 0.12)
    ob.box(b, 0, w, 0, h, 0, d, fill=t.input_fill, edge=t.grid, top=top_fill, side=side_fill, z=1)
    ob.box(b, 0, kw, 0, kh, 0, kd, fill=kf, edge=t.window, top=mix(kf, t.bg, 0.3), side=mix(kf, t.fg, 0.1),
           lw=0.8, z=2, outline=None)
    # kernel outline on the visible faces
    p = ob.p
    for a, z_ in ((p(0, 0, 0), p(kw, 0, 0)), (p(kw, 0, 0), p(kw, kh, 0)), (p(kw, kh, 0), p(0, kh, 0)),
                  (p(0, kh, 0), p(0, 0, 0)), (p(0, 0, 0), p(0, 0, kd)), (p(0, 0, kd), p(kw, 0, kd)),
                  (p(kw, 0, kd), p(kw, 0, 0)), (p(kw, 0, kd), p(kw, kh, kd)), (p(kw, kh, kd), p(kw, kh, 0))):
        b.line([a[0], z_[0]], [a[1], z_[1]], color=ke, lw=2.2, z=3)
    fx, fy = p(0, h, 0)
    b.arrow(fx, fy + 16, fx + w * c3, fy + 16, color=ke, lw=2.0)
    b.arrow(fx - 14, fy - h * c3, fx - 14, fy, color=ke, lw=2.0)
    bx, by = p(w, h, 0)
    ex, ey = p(w, h, d)
    b.arrow(bx + 12, by + 4, ex + 12, ey + 4, color=ke, lw=2.0)
    b.text(x0 + 110, fy + 36, "slides along depth, height, width (3 axes)", size=FONT_CAPTION)
    # --- text per panel (all shapes from the engine)
    names = [("steps, features", "steps, filters"), ("height, width, channels", "height, width, filters"),
             ("depth, height, width, channels", "depth, height, width, filters")]
    ty = top + art_h + 54
    alt_parts = []
    for i, (sp, (ins, outs)) in enumerate(zip(specs, names)):
        x = M + i * pw + 10
        sample = tuple(sp.input_shape) + (sp.channels,)
        kshape = tuple(sp.kernel_size) + (sp.channels,)
        b.text(x, ty, sp.layer_name, size=FONT_TITLE + 2, ha="left", weight="bold")
        b.text(x + text_width(sp.layer_name, FONT_TITLE + 2, weight="bold") + 10, ty + 1,
               f"slides over {sp.rank} ax" + ("is" if sp.rank == 1 else "es"), size=FONT_CAPTION, ha="left",
               color=t.muted)
        rows = [("sample", f"{tuple_str(sample)}"), ("", f"= ({ins})"),
                ("kernel", f"{shape_str(kshape)} per filter"), ("", f"({shape_str(sp.kernel_size)} × all "
                                                                 f"{sp.channels} channels)"),
                ("output", f"{tuple_str(sp.output_shape)}"), ("", f"= ({outs})"),
                ("params", f"{sp.params:,}")]
        yy = ty + 28
        for key, val in rows:
            if key:
                b.text(x, yy, key, size=FONT_CAPTION, ha="left", color=t.muted)
            b.text(x + 60, yy, val, size=FONT_CAPTION if key else FONT_SMALL + 1, ha="left",
                   color=t.fg if key else t.muted, weight="bold" if key in ("sample", "output") else "normal")
            yy += 19 if key else 21
        b.text(x, yy + 6, sp.keras_call().replace("keras.layers.", ""), size=FONT_SMALL, ha="left", mono=True,
               color=t.muted)
        alt_parts.append(f"{sp.layer_name}: sample {tuple_str(sample)} ({ins}), kernel {shape_str(kshape)}, "
                         f"output {tuple_str(sp.output_shape)}, slides over {sp.rank} ax"
                         + ("is" if sp.rank == 1 else "es"))
    b.text(M, H - 38, "Keras adds the batch axis in front: Conv2D takes (batch, height, width, channels).",
           size=FONT_CAPTION, ha="left", color=t.muted)
    b.text(M, H - 18, "An RGB image is a Conv2D input: 2 axes to slide over + 3 channels, not a Conv3D input.",
           size=FONT_CAPTION, ha="left", color=t.muted)
    alt = ("Conv1D, Conv2D and Conv3D side by side with 8 filters each. " + "; ".join(alt_parts)
           + ". The D counts the axes the kernel slides over; the kernel always spans all channels.")
    return finish(b, alt, alt)
