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
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Polygon, Rectangle

import convfig
from convfig import arithmetic
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
    """Width in pixels of a one-line text at ``size`` points (the figures use DPI px per inch)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    prop = FontProperties(family=MONO_FAMILY if mono else FONT_FAMILY, weight=weight)
    width = max((TextPath((0, 0), line or " ", size=size, prop=prop).get_extents().width
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


def p_ints(params: dict, key: str, default, rank: int | None = None) -> tuple[int, ...]:
    v = params.get(key, default)
    if v is None:
        v = default
    if isinstance(v, str):
        items = [p for p in v.lower().replace(TIMES, "x").replace(",", "x").split("x") if p.strip()]
        try:
            t = tuple(int(p) for p in items)
        except ValueError:
            raise ConvfigError(f"{key}: must be integers separated by 'x', got {v!r}") from None
    elif isinstance(v, (list, tuple)):
        t = tuple(int(p) for p in v)
    else:
        t = (int(v),)
    if not t:
        raise ConvfigError(f"{key}: must not be empty, got {v!r}")
    if rank is not None:
        if len(t) == 1:
            t = t * rank
        if len(t) != rank:
            raise ConvfigError(f"{key}: needs one integer or one per axis ({rank}), got {v!r}")
    return t


def p_int(params: dict, key: str, default: int) -> int:
    v = params.get(key, default)
    if isinstance(v, (list, tuple)):
        v = v[0]
    try:
        return int(v)
    except (TypeError, ValueError):
        raise ConvfigError(f"{key}: must be an integer, got {v!r}") from None


def p_padding(params: dict, default="valid"):
    pad = params.get("padding", default)
    if isinstance(pad, list):
        pad = tuple(tuple(p) if isinstance(p, (list, tuple)) else p for p in pad)
    if isinstance(pad, str) and pad.strip().isdigit():
        pad = int(pad)
    return pad


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
        kw = {}
        if hatch:
            kw["hatch"] = hatch
            kw["hatchcolor"] = self.theme.pad_hatch
        r = Rectangle((x, y), w, h, facecolor=fill if fill else "none", edgecolor=edge if edge else "none",
                      linewidth=lw, linestyle=ls, zorder=z, animated=animated, alpha=alpha, **kw)
        self.ax.add_patch(r)
        return r

    def poly(self, pts, *, fill=None, edge=None, lw=1.0, ls="-", z=1.0, alpha=None, hatch=None):
        kw = {}
        if hatch:
            kw["hatch"] = hatch
            kw["hatchcolor"] = self.theme.pad_hatch
        p = Polygon(pts, closed=True, facecolor=fill if fill else "none", edgecolor=edge if edge else "none",
                    linewidth=lw, linestyle=ls, zorder=z, alpha=alpha, **kw)
        self.ax.add_patch(p)
        return p

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
    def rgb(self) -> np.ndarray:
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()

    def svg(self) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="svg", metadata={"Date": None}, facecolor=self.theme.bg)
        return buf.getvalue()


def finish(board: Board, alt: str, step: str) -> Rendered:
    """One-frame Rendered with PNG pixels and SVG bytes (call inside the theme's rc_context)."""
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


def trace_of(spec: convfig.ConvSpec, seed: int = 0):
    x, k, bias = convfig.example(spec, seed=seed)
    return convfig.trace(x, k, bias, strides=spec.strides, padding=spec.padding,
                         dilation_rate=spec.dilation_rate, groups=spec.groups)


__all__ = [
    "Board",
    "fmt",
    "shape_str",
    "arithmetic",
    "FONT_TITLE",
    "FONT_CAPTION",
    "FancyArrowPatch",
]
