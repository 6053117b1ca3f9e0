"""Panels the layer figures share (transposed conv, pooling, depthwise, separable): number grids with row and
column indices, headings, a window outline, one equation line in monospaced slots, and the finished Layout
(size from the content, at least MIN_WIDTH_PX wide, the Keras call underneath).

Pure planning: Layout items only, no pixels.

>>> items = grid(0, 20, np.array([[1, 2]]), "input")
>>> [it.text for it in items if getattr(it, "key", None)]
['1', '2']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Colour, Item, Label, Layout, Step
from convfig.render.style import FONT_CELL, FONT_LABEL, MIN_WIDTH_PX

MARGIN = 12
GAP = 28
C = 30                  # cell side (px)
IDX_PT = 8
DETAIL_PT = 9
EQ_PT = 9.0
CAP_PT = 8.5
ARM = 10


@dataclass(frozen=True)
class Sizes:
    """A figure's cell sides (inputs and kernels, written outputs) and type (pt) of its muted labels, counts,
    equation and Keras call: the page's by default; a kind's slide plan passes larger ones."""

    s: float = 28       # "−13" in 7 pt is 21 px
    so: float = 28
    label: float = 8
    chip: float = 9
    eq: float = EQ_PT
    cap: float = CAP_PT
    font: float = FONT_CELL     # the cell numbers at most
    title: float = FONT_LABEL   # the panels' headings
    detail: float = DETAIL_PT

    @property
    def head(self) -> Type:
        return Type(self.title, self.detail)


# a slide: every number keeps the full cell type (bold "−13" fits a 46 px cell); the call in 9 pt, where the
# whole-pixel advance finish() sizes it by (8 px) is not narrower than the face's own
SLIDE_SIZES = Sizes(36, 46, 10, 11, 11, 9)


def depthwise_example(params: dict, max_maps: int, max_side: int, filters: int = 0):
    """(spec, rng, x, depthwise kernel) of a depthwise/separable figure: small integers from the seed; refuses more
    than ``max_maps`` maps in a stage (channels × depth_multiplier, filters) or an input side over ``max_side``."""
    from convfig.errors import ConvfigError
    from convfig.layers import depthwise_spec

    ds = depthwise_spec(params)
    c, m = ds.channels, ds.depth_multiplier
    if max(c * m, filters) > max_maps or max(ds.conv.input_shape) > max_side:
        raise ConvfigError(f"channels: this figure draws at most {max_maps} maps per stage (channels × "
                           f"depth_multiplier{', filters' if filters else ''}) and inputs up to "
                           f"{max_side}×{max_side}; use fewer or smaller")
    rng = np.random.default_rng(params["seed"])
    x = rng.integers(0, 5, size=ds.conv.input_shape + (c,))
    return ds, rng, x, rng.integers(-1, 2, size=ds.kernel_size + (c, m))


def indices(x: float, y: float, rows: int, cols: int, cell: float = C, first: tuple[int, int] = (0, 0),
            size: float = IDX_PT) -> list[Item]:
    """Row numbers left of a grid, column numbers above it (muted; ``size`` pt, the gaps grow with it)."""
    g = size / IDX_PT
    out: list[Item] = [Label(x - 5 * g, y + r * cell + cell / 2, str(r + first[0]), size, "muted", ha="right",
                             va="center") for r in range(rows)]
    out += [Label(x + c * cell + cell / 2 + 1, y - 9 * g, str(c + first[1]), size, "muted", ha="center",
                  va="center") for c in range(cols)]
    return out


def cell(x: float, y: float, text: str, key: tuple | None, *, fill: Colour = "input_fill", side: float = C,
         bold: bool = False, kind: str = "real", font: float = FONT_CELL, dy: float = 0) -> list[Item]:
    """One cell: kind 'real' (grid edge, value on an inset keyed box), 'pad' (hatched, dashed, muted text),
    'zero' (an inserted zero: dashed edge, muted text, no hatch), 'empty' (output not written yet). The value
    in at most ``font`` pt (smaller if it does not fit), ``dy`` px below the centre."""
    size = tx.fit(text, font, side - (10 if bold else 7), bold) if text else font
    if kind == "pad":
        out: list[Item] = [parts.input_cell(x, y, side, pad=True)]
        if text:
            out.append(Label(x + side / 2 + 1, y + side / 2 + dy, text, size, "muted", ha="center", va="center",
                             plate="pad_fill", key=key))
        return out
    if kind == "zero":
        return [Box(x, y, side, side, fill="bg", edge="grid", dash=True),
                Box(x + 2, y + 2, side - 3, side - 3, fill="bg", text=text, color="muted", size=size, key=key,
                    text_dy=dy)]
    edge = [Box(x, y, side, side, edge="grid")]
    return edge + [Box(x + 1, y + 1, side - 1, side - 1, fill=fill, text=text, size=size, bold=bold, key=key,
                       text_dy=dy)]


def grid(x: float, y: float, values: np.ndarray, name: str | None, *, fill: Colour = "input_fill",
         kinds: np.ndarray | None = None, bold: bool = False, side: float = C, index: bool = True,
         font: float = FONT_CELL, dy: float = 0, idx_pt: float = IDX_PT) -> list[Item]:
    """A 2D grid of numbers keyed (name, (r, c)); ``kinds`` per cell as in :func:`cell` (default 'real')."""
    out: list[Item] = []
    for (r, c), v in np.ndenumerate(values):
        k = "real" if kinds is None else str(kinds[r, c])
        text = "" if k == "empty" else fmt.num(v)
        out += cell(x + c * side, y + r * side, text, (name, (r, c)) if name and text else None, fill=fill,
                    side=side, bold=bold, kind=k if k != "empty" else "real", font=font, dy=dy)
    if index:
        out += indices(x, y, *values.shape, cell=side, size=idx_pt)
    return layered(out)


def layered(items: list[Item]) -> list[Item]:
    """Edges and fills first, keyed values last: no cell's edge is drawn over a neighbour's value."""
    return [it for it in items if getattr(it, "key", None) is None] + [it for it in items if getattr(it, "key", None)]


def keyed_grid(x: float, y: float, a: np.ndarray, key: Callable[[int, int], tuple], fill: Colour, *,
               side: float = C, bold: bool = False, font: float = FONT_CELL) -> list[Item]:
    """A small grid of numbers, cell (r, c) keyed key(r, c) (no indices)."""
    out: list[Item] = []
    for (r, c), v in np.ndenumerate(a):
        out += cell(x + c * side, y + r * side, fmt.num(v), key(r, c), fill=fill, side=side, bold=bold, font=font)
    return layered(out)


@dataclass(frozen=True)
class Type:
    """Type (pt) of a heading's bold title and muted detail lines; line pitch grows with it."""

    title: float = FONT_LABEL
    detail: float = DETAIL_PT

    def y(self, j: int) -> float:
        """Baseline of line j below the heading's top (0: the title)."""
        if j == 0:
            return round(13 * self.title / FONT_LABEL)
        return round(13 * self.title / FONT_LABEL) + round(16 * self.detail / DETAIL_PT) + \
            round(14 * self.detail / DETAIL_PT) * (j - 1)


def heading(x: float, y: float, lines: Sequence[str], t: Type = Type()) -> list[Item]:
    """A bold title and muted detail lines under it."""
    out: list[Item] = [Label(x, y + t.y(0), lines[0], t.title, "fg", bold=True)]
    return out + [Label(x, y + t.y(j + 1), d, t.detail, "muted") for j, d in enumerate(lines[1:])]


def heading_h(lines: Sequence[str], t: Type = Type()) -> float:
    return round(18 * t.title / FONT_LABEL) + round(14 * t.detail / DETAIL_PT) * (len(lines) - 1) + 6


def heading_w(lines: Sequence[str], t: Type = Type()) -> float:
    return max([tx.width(lines[0], t.title, bold=True)] + [tx.width(d, t.detail) for d in lines[1:]])


def window(x: float, y: float, r0: int, c0: int, r1: int, c1: int, side: float = C, lw: float = 3,
           arms: float = ARM, color: Colour = "window") -> Box:
    """The outline (bars with arms) around grid cells r0..r1, c0..c1."""
    return Box(x + c0 * side, y + r0 * side, (c1 - c0 + 1) * side, (r1 - r0 + 1) * side, edge=color, lw=lw,
               arms=arms)


def empty_output(x: float, y: float, rows: int, cols: int, side: float = C, idx_pt: float = IDX_PT) -> list[Item]:
    """An output grid not written yet, with its indices."""
    return [Box(x + c * side, y + r * side, side, side, fill="output_empty", edge="grid") for r in range(rows)
            for c in range(cols)] + indices(x, y, rows, cols, cell=side, size=idx_pt)


def slide(st, xi: float, xo: float, y: float, out_side: float = C, in_side: float = C
          ) -> tuple[int, int, list[int], list[int], list[Item]]:
    """(r, c, window rows, window columns, marks) of a sliding-window step: the window over the input grid and
    the outline on the output cell being written."""
    r, c = (int(i) for i in st.out_pos)
    rows, cols = [int(i) for i in st.window[0]], [int(i) for i in st.window[1]]
    marks: list[Item] = [window(xi, y, rows[0], cols[0], rows[-1], cols[-1], side=in_side),
                         Box(xo + c * out_side, y + r * out_side, out_side, out_side, edge="window", lw=3, arms=8)]
    return r, c, rows, cols, marks


def columns(blocks: Sequence[tuple[list[str], float, float]], x0: float = MARGIN, t: Type = Type(),
            gap: float = GAP) -> list[float]:
    """x of each panel (heading lines, content width, left gutter) placed left to right with ``gap`` between."""
    xs, x = [], x0
    for lines, w, gutter in blocks:
        xs.append(x + gutter)
        x += gutter + max(w, heading_w(lines, t)) + gap
    return xs


def finish(items: list[Item], steps: list[Step], call: str, alt: str, *, equations: Sequence[str] | None = None,
           ss: int = 1, levels: int = 3, eq_pt: float = EQ_PT, cap_pt: float = CAP_PT) -> Layout:
    """Size the figure to its content (>= MIN_WIDTH_PX, even sides), add one equation per step (monospaced
    slots of ``eq_pt`` type: between frames only the characters that change are redrawn) and the Keras call
    (``cap_pt``)."""
    right, bottom = parts.extent(items + [it for st in steps for it in st.keep + st.show])
    w = int(max(MIN_WIDTH_PX, right + MARGIN))
    adv = tx.mono_advance(cap_pt)
    w = max(w, 2 * MARGIN + adv * max(len(s) for s in fmt.wrap_call(call, (w - 2 * MARGIN) // adv)))
    y = bottom + 14
    if equations:
        eadv, line_h = tx.mono_advance(eq_pt), round(2 * eq_pt)
        lines = [fmt.wrap(e, int((w - 2 * MARGIN) // eadv)) for e in equations]
        w = max(w, 2 * MARGIN + eadv * max(len(s) for e in lines for s in e))
        static, per = parts.mono_slots(MARGIN, y + 13 + line_h - 18, lines, eq_pt, line_h=line_h)
        items = items + static
        for st, extra in zip(steps, per):
            st.show = st.show + extra
        y += max(len(e) for e in lines) * line_h + 6
    w += w % 2
    code, h = parts.code_lines(MARGIN, y, call, w - 2 * MARGIN, size=cap_pt, line_h=round(cap_pt * 15 / CAP_PT))
    height = int(y + h + MARGIN)
    return Layout(w, height + height % 2, items + code, steps, alt=alt, ss=ss, levels=levels)
