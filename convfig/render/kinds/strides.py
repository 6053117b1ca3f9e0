"""strides: where the windows land, one small copy of the padded input per output cell (a still diagram).

The thumbnails sit like the output grid: the one of output cell (r, c) shows the cells its window reads
(``convfig.trace_example``'s window indices). Cells no window reads come from
``convfig.arithmetic.coverage_map``; the output sizes for strides 1, 2 and 3 from ``ConvSpec``.

Keys (r, c = output cell; pr, pc = cell of the *padded* input, padding included):

- ``("input", (r, c, pr, pc))``: thumbnail cell (pr, pc) of output cell (r, c);
- ``("window", (r, c))``: the outline of the window of output cell (r, c) (covers the cells it reads);
- ``("start", (r, c))``: the label over that thumbnail, the window's start in input coordinates,
  e.g. "(0, 2)" (negative on padding);
- ``("compare", (s,))``: the "strides=s → output ..." line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig import arithmetic
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout
from convfig.render.registry import conv_spec
from convfig.render.style import FONT_CAPTION, FONT_SMALL
from convfig.render.types import ConvfigError, FigureSpec

M = 16
MAX_WINDOWS = 64
CAPTION = "window starts (row, col) in input cells:"


@dataclass(frozen=True)
class Strides:
    spec: convfig.ConvSpec
    trace: convfig.Trace
    counts: np.ndarray                                      # coverage_map (input_shape)
    compare: list[tuple[int, convfig.ConvSpec | str]]       # strides 1, 2, 3: spec or why not


def compute(spec: FigureSpec) -> Strides:
    cs = conv_spec(spec.params)
    if cs.positions > MAX_WINDOWS:
        raise ConvfigError(f"input: {fmt.shape(cs.input_shape)} with strides={fmt.shape(cs.strides)} gives "
                           f"{cs.positions} windows, more than the {MAX_WINDOWS} this figure draws; use a smaller "
                           "input or larger strides")
    compare: list[tuple[int, convfig.ConvSpec | str]] = []
    for s in (1, 2, 3):
        try:
            compare.append((s, conv_spec({**spec.params, "strides": [s] * cs.rank})))
        except ConvfigError as e:
            compare.append((s, str(e)))
    return Strides(cs, convfig.trace_example(cs, spec.params.get("seed", 0)), np.asarray(arithmetic.coverage_map(cs)),
                   compare)



@dataclass(frozen=True)
class Sizes:
    """Type sizes (pt) and spacings of one arrangement: the page's, or a slide's (target "slide": larger type,
    the Keras call under the side column instead of under the grid)."""

    tc: int                       # thumbnail cell side
    gap: int                      # between thumbnails
    gy: float = 112               # top of the thumbnails
    title: float = 12
    text: float = FONT_CAPTION    # side column
    axis: float = FONT_SMALL + 1  # "output column", "output row"
    start: float = FONT_SMALL     # window start over each thumbnail
    line: float = 22              # side column line spacing
    slide: bool = False


def sizes(spec: FigureSpec, cs) -> Sizes:
    hp, wp = cs.padded_shape
    ho, wo = cs.out_spatial
    if spec.target != "slide":
        tc = int(max(7, min(18, 150 / max(hp, wp), 520 / (wo * max(wp, 1) + wo))))
        return Sizes(tc, max(14, tc + 6))
    tc = int(max(6, min(20, 160 / max(hp, wp), 470 / (wo * wp + wo), 420 / (ho * hp + ho))))
    return Sizes(tc, max(36, tc + 16), gy=142, title=18, text=15, axis=13, start=15, line=34, slide=True)


def plan(spec: FigureSpec, data: Strides) -> Layout:
    cs, tr = data.spec, data.trace
    z = sizes(spec, cs)
    hp, wp = cs.padded_shape
    ho, wo = cs.out_spatial
    tc, gap = z.tc, z.gap
    gx, gy = M + 34 * z.axis / 9, z.gy
    grid_w, grid_h = wo * wp * tc + (wo - 1) * gap, ho * hp * tc + (ho - 1) * gap
    sstr = fmt.per_axis(cs.strides)
    title = (f"strides={sstr}: where the {fmt.shape(cs.kernel_size)} windows land on a "
             f"{fmt.shape(cs.input_shape)} input (padding='{cs.padding_label}')")
    items, _ = parts.heading(M, 8, title,
                             "one small copy of the input per output cell, placed like the output grid "
                             f"({fmt.shape((ho, wo))})", size=z.title, sub_size=z.text)
    items += [Label(gx + grid_w / 2, gy - (58 if z.slide else 34), f"output column {fmt.ARROW}",
                    z.axis, "muted", ha="center", va="center"),
              Label(gx - 22 * z.axis / 9, gy + grid_h / 2, "\u2190 output row", z.axis, "muted", ha="center",
                    va="center", rotate=90)]
    labels: list[Item] = []
    for st in tr.steps:
        panel, label = _thumbnail(cs, data.counts, st, gx + st.out_pos[1] * (wp * tc + gap),
                                  gy + st.out_pos[0] * (hp * tc + gap), z)
        items += panel
        labels.append(label)
    side_x = gx + grid_w + 40
    side, side_bottom, side_w = _side(cs, tr, data, side_x, gy, z)
    call = (cs.keras_call() + f"  {fmt.DOT}  input {fmt.tuple_str(cs.input_shape + (1,))} {fmt.ARROW} output "
            f"{fmt.tuple_str(cs.output_shape)}")
    if z.slide:                     # the call closes the side column; the figure is as tall as the thumbnails
        code, code_h = parts.code_lines(side_x, side_bottom + 30, cs.keras_call(), max(side_w, 400), size=11,
                                        line_h=20, color="muted")
        shapes = (f"input {fmt.tuple_str(cs.input_shape + (1,))} {fmt.ARROW} output "
                  f"{fmt.tuple_str(cs.output_shape)}")
        code.append(Label(side_x, side_bottom + 30 + code_h + 20, shapes, z.text, "muted", va="center"))
        right, bottom = parts.extent(side + code)
        width, height = int(max(right + M, 700)), int(max(gy + grid_h + 24, bottom + 24))
        items += labels + side + code
    else:
        width = int(max(side_x + side_w + M, 700, 2 * M + tx.width(call, FONT_SMALL + 1, mono=True)))
        height = int(max(gy + grid_h + 70, side_bottom + 40, gy + 260))
        items += labels + side + [Label(M, height - 18, call, FONT_SMALL + 1, "muted", mono=True, va="center")]
    width = max(width, int(2 * M + tx.width(title, z.title, bold=True)))
    return Layout(width, height, items, alt=_alt(cs, tr, data), ss=2, levels=0)


def _thumbnail(cs, cov: np.ndarray, st, x0: float, y0: float, z: Sizes) -> tuple[list[Item], Item]:
    """One copy of the padded input with the cells this window reads; returns (items, start label)."""
    tc = z.tc
    (pt, _), (pl, _) = cs.pads
    n0, n1 = cs.input_shape
    hp, wp = cs.padded_shape
    rows, cols = ({int(v) for v in w} for w in st.window)
    orow, ocol = st.out_pos
    cells: list[Item] = []
    for r in range(hp):
        for q in range(wp):
            ir, iq = r - pt, q - pl
            real = 0 <= ir < n0 and 0 <= iq < n1
            x, y, key = x0 + q * tc, y0 + r * tc, ("input", (orow, ocol, r, q))
            if r in rows and q in cols:
                cells.append(Box(x, y, tc, tc, fill="window_fill", edge="window", lw=0.8,
                                 hatch=None if real else "pad_hatch", key=key))
            elif not real:
                cells.append(parts.input_cell(x, y, tc, pad=True, lw=0.4, key=key))
            else:
                cells.append(Box(x, y, tc, tc, fill="future" if cov[ir, iq] == 0 else "input_fill", edge="grid",
                                 lw=0.4, key=key))
    wr, wc = st.window
    cells.append(Box(x0 + int(wc[0]) * tc, y0 + int(wr[0]) * tc, (int(wc[-1]) - int(wc[0]) + 1) * tc,
                     (int(wr[-1]) - int(wr[0]) + 1) * tc, edge="window", lw=2.0, key=("window", (orow, ocol))))
    cells += parts.frame(x0, y0, wp * tc, hp * tc, lw=1.0)
    start = "(" + ", ".join(fmt.num(int(v) - p) for v, p in zip(st.start, (pt, pl))) + ")"
    if z.slide:                     # as wide as its text (at most the thumbnail pitch), just over the thumbnail
        size = tx.fit(start, z.start, wp * tc + z.gap - 12)
        w = tx.width(start, size) + 10
        label = Box(x0 + wp * tc / 2 - w / 2, y0 - 2 * z.start - 2, w, 1.8 * z.start, fill="bg", text=start,
                    color="muted", size=size,
                    key=("start", (orow, ocol)))
    else:
        label = Box(x0 + wp * tc / 2 - 30, y0 - 17, 60, 14, fill="bg", text=start, color="muted", size=FONT_SMALL,
                    key=("start", (orow, ocol)))
    return cells, label


def _starts(cs, tr) -> tuple[list[int], list[int]]:
    """Window starts per axis, in input coordinates (the trace's padded starts minus the pads)."""
    return [sorted({int(st.start[a]) - cs.pads[a][0] for st in tr.steps}) for a in (0, 1)]  # type: ignore[return-value]


def _side(cs, tr, data: Strides, x: float, y: float, z: Sizes) -> tuple[list[Item], float, float]:
    """Starts per axis, the legend and the comparison with strides 1, 2, 3; returns (items, bottom, width)."""
    rows, cols = _starts(cs, tr)
    starts = f"rows {', '.join(map(str, rows))} {fmt.DOT} cols {', '.join(map(str, cols))}"
    items: list[Item] = [Label(x, y, CAPTION, z.text, "muted", va="center"),
                         Label(x, y + z.line, starts, z.text, va="center", key=("starts", ()))]
    widths: list[float] = [tx.width(CAPTION, z.text), tx.width(starts, z.text)]
    never = int((data.counts == 0).sum())
    legend = ([(f"{never} input cell{'s' if never != 1 else ''} never read", "future", "grid", False)] if never
              else []) + [("cells read by that window", "window_fill", "window", False)]
    if any(a or b for a, b in cs.pads):
        legend.append((f"zero padding ({cs.describe_padding()})", "pad_fill", "grid", True))
    y += 52 * z.line / 22
    for text, fill, edge, pad in legend:
        sw, w = parts.swatch(x, y, text, fill=fill, edge=edge, pad=pad, size=z.text, side=16 * z.text / 10)
        items += sw
        widths.append(w)
        y += 28 * z.line / 22
    y += 12 * z.line / 22
    head = "Same input and kernel, other strides:"
    items.append(Label(x, y, head, z.text, bold=True, va="center"))
    widths.append(tx.width(head, z.text, bold=True))
    for s, other in data.compare:
        if isinstance(other, str):
            text, bold = f"strides={s}: not possible", False
        else:
            bold = tuple(other.strides) == tuple(cs.strides)
            text = (f"strides={s} {fmt.ARROW} output {fmt.shape(other.out_spatial)} ({other.positions} windows)"
                    + ("  \u25c0 this figure" if bold else ""))
        y += z.line
        items.append(Label(x, y, text, z.text, "fg" if bold or not isinstance(other, str) else "muted",
                           bold=bold, va="center", key=("compare", (s,))))
        widths.append(tx.width(text, z.text, bold=bold))
    return items, y, max(widths)


def _alt(cs, tr, data: Strides) -> str:
    rows, cols = _starts(cs, tr)
    never = int((data.counts == 0).sum())
    sstr = fmt.per_axis(cs.strides)
    comp = "; ".join(f"strides={s} gives {fmt.shape(o.out_spatial)}" for s, o in data.compare if not isinstance(o, str))
    return (f"Window positions for kernel_size={fmt.shape(cs.kernel_size)}, strides={sstr}, "
            f"padding='{cs.padding_label}' on a {fmt.shape(cs.input_shape)} input: {cs.positions} windows "
            f"starting at rows {', '.join(map(str, rows))} and columns {', '.join(map(str, cols))}, output "
            f"{fmt.shape(cs.out_spatial)}" + (f"; {never} input cells are never read" if never else "")
            + f". For comparison: {comp}. Each window starts {sstr} cells after the previous one, so "
            f"{cs.positions} windows fit.")
