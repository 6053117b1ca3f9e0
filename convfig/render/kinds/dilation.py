"""dilation: the same kernel weights read with dilation 1 and with the given rate (a still diagram).

One panel per rate shows the *padded* input and the cells the first window reads (each with its value and
the weight it meets); the dashed outline is the dilated span. Values, window indices and weights come
from ``convfig.trace_example``; the span (k−1)·d+1 and the output size from ``ConvSpec``. When the given
rate is 1 the second panel uses 2.

Keys (p = panel: 0 for dilation 1, 1 for the other rate; r, c = cell of that panel's padded input):

- ``("kernel", (r, c))``: kernel weight (r, c);
- ``("input-<p>", (r, c))``: the input value (0 on padding cells);
- ``("weight-<p>", (r, c))``: "w v", the weight that meets input cell (r, c) in the first window
  (only the cells it reads);
- ``("window", (p,))``: the dashed outline of the dilated span of the first window;
- ``("span", (p,))``: the sentence "span (k−1)·d+1 = … → … area".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout
from convfig.render.registry import conv_spec
from convfig.render.style import FONT_CAPTION, FONT_CELL, FONT_LABEL, FONT_SMALL
from convfig.render.types import FigureSpec

M = 16
TOP = 110         # top of the kernel and of the panels


@dataclass(frozen=True)
class Sizes:
    """Cell side, type sizes (pt) and spacings of one arrangement: the page's, or a slide's (target "slide":
    larger cells and type, a shorter subtitle)."""

    c: float                      # cell side
    cell: float = FONT_CELL - 1   # input values
    kernel: float = FONT_CELL     # kernel weights
    weight: float = FONT_SMALL    # "w v" under a value the window reads
    weight_up: float = 8          # its centre above the cell's bottom
    value_dy: float = -6          # the value's shift up in a cell the window reads
    label: float = FONT_LABEL
    caption: float = FONT_CAPTION
    call: float = FONT_SMALL
    title: float = 12
    top: float = TOP
    head_up: float = 14           # panel headings' centre above the grids
    line: float = 20              # caption line spacing
    call_line: float = 15
    gap: float = 40               # between panels
    kernel_gap: float = 60        # between the kernel and the first panel
    slide: bool = False


def sizes(spec: FigureSpec, hp: int, wp: int) -> Sizes:
    if spec.target != "slide":
        return Sizes(40 if max(hp, wp) <= 9 else 30)
    c = float(max(28, min(58, 420 // max(hp, wp))))
    f = c / 58                      # a read cell stacks its value over "w v": both large enough for the back row
    return Sizes(c, cell=max(9.0, 16.5 * f), kernel=max(10.0, 16.5 * f), weight=max(7.5, 15 * f), weight_up=c * 0.22,
                 value_dy=-c * 0.16, label=16, caption=15, call=11, title=18, top=106, head_up=22, line=23,
                 call_line=18, gap=40, kernel_gap=44, slide=True)


def compute(spec: FigureSpec) -> list[tuple[convfig.ConvSpec, convfig.Trace]]:
    """(ConvSpec, trace) for dilation 1 and for the requested rate (2 when the request is 1)."""
    dil = list(spec.params["dilation"])
    rank = len(spec.params["input"])
    rates = [[1] * rank, dil if max(dil) > 1 else [2] * rank]
    out = []
    for d in rates:
        cs = conv_spec({**spec.params, "dilation": d})
        out.append((cs, convfig.trace_example(cs, spec.params.get("seed", 0))))
    return out



def plan(spec: FigureSpec, data: list) -> Layout:
    cs0, tr0 = data[0]
    hp = max(cs.padded_shape[0] for cs, _ in data)
    wp = max(cs.padded_shape[1] for cs, _ in data)
    z = sizes(spec, hp, wp)
    c = z.c
    kh, kw = cs0.kernel_size
    kern = np.asarray(tr0.kernel)[..., 0, 0]
    calls = [cs.keras_call().replace("keras.layers.", "").split(" then ") for cs, _ in data]
    if z.slide:                             # the grid and the span sentences set the panel's width, the call wraps
        room = max([wp * c, 250] + [tx.width(_span(cs), z.caption) for cs, _ in data])
        calls = [[s for call in cl for s in fmt.wrap_call(call, int(room // tx.mono_advance(z.call)))] for cl in calls]
    panel_w = max([wp * c, 250] + [tx.width(s, z.call, mono=True) for cl in calls for s in cl]
                  + [tx.width(_span(cs), z.caption) for cs, _ in data if z.slide])
    px0 = M + kw * c + z.kernel_gap
    sub = (f"{fmt.shape(cs0.input_shape)} input, padding='{cs0.padding_label}' {fmt.DOT} highlighted cells are the "
           "ones the first window reads" + ("" if z.slide else "; the cells in between are skipped"))
    title = f"Dilation: the same {fmt.shape(cs0.kernel_size)} weights, spread out"
    items, _ = parts.heading(M, 8, title, sub, size=z.title, sub_size=z.caption)
    items.append(Label(M, z.top - z.head_up, "kernel", z.label, bold=True, va="center"))
    items += parts.layered([Box(M + q * c, z.top + r * c, c, c, fill="window_fill", edge="grid",
                                text=fmt.num(kern[r, q]), color="weight", size=z.kernel, key=("kernel", (r, q)))
                            for r in range(kh) for q in range(kw)],
                           parts.frame(M, z.top, kw * c, kh * c, "window", 2.2))
    items += [Label(M, z.top + kh * c + 16 * z.line / 20, f"{kh * kw} weights", z.caption, "muted", va="center")]
    alt_parts = []
    for i, (cs, tr) in enumerate(data):
        panel, fact = _panel(i, cs, tr, kern, calls[i], px0 + i * (panel_w + z.gap), z)
        items += panel
        alt_parts.append(fact)
    right = px0 + len(data) * (panel_w + z.gap) - (z.gap - M if z.slide else 0)     # a slide ends at its margin
    width = int(max(right, 700, 2 * M + tx.width(sub, z.caption), 2 * M + tx.width(title, z.title, bold=True)))
    height = z.top + hp * c + 84 * z.line / 20 + z.call_line * (max(len(cl) for cl in calls) - 1)
    alt = (f"Dilation diagram: a {fmt.shape(cs0.kernel_size)} kernel on a {fmt.shape(cs0.input_shape)} "
           f"input with padding='{cs0.padding_label}'. " + "; ".join(alt_parts)
           + f". The kernel keeps its weights; dilation spreads them out with gaps, effective size "
             f"(k{fmt.MINUS}1){fmt.DOT}d+1.")
    return Layout(width, int(height), items, alt=alt, ss=2, levels=0)


def _panel(i: int, cs, tr, kern: np.ndarray, calls: list[str], x0: float, z: Sizes) -> tuple[list[Item], str]:
    """The padded input of one rate with the first window's cells, its span and its Keras call."""
    (pt, _), (pl, _) = cs.pads
    n0, n1 = cs.input_shape
    ke = cs.effective_kernel
    dstr = fmt.per_axis(cs.dilation_rate)
    st = tr.steps[0]
    rows, cols = ([int(v) for v in w] for w in st.window)
    padded = np.asarray(tr.padded)[..., 0]
    c, top = z.c, z.top
    items: list[Item] = [Label(x0, top - z.head_up, f"dilation_rate={dstr}", z.label, bold=True, va="center")]
    marks: list[Item] = []
    cells: list[Box] = []
    read: list[Box] = []
    hq, wq = cs.padded_shape
    for r in range(hq):
        for q in range(wq):
            x, y = x0 + q * c, top + r * c
            real = 0 <= r - pt < n0 and 0 <= q - pl < n1
            if r in rows and q in cols:
                read.append(Box(x, y, c, c, fill="window_fill", edge="window", lw=1.6,
                                hatch=None if real else "pad_hatch", text=fmt.num(padded[r, q]), text_dy=z.value_dy,
                                size=FONT_CELL if not z.slide else z.cell, key=(f"input-{i}", (r, q))))
                marks.append(Label(x + c / 2, y + c - z.weight_up, f"w {fmt.num(kern[rows.index(r), cols.index(q)])}",
                                   z.weight, "weight", ha="center", va="center", key=(f"weight-{i}", (r, q))))
            else:
                cells.append(parts.input_cell(x, y, c, fmt.num(padded[r, q]), pad=not real, size=z.cell,
                                              key=(f"input-{i}", (r, q))))
    items += parts.layered(cells + read, parts.frame(x0 + pl * c, top + pt * c, n1 * c, n0 * c)) + marks
    items += [Box(x0 + cols[0] * c - 2, top + rows[0] * c - 2, ke[1] * c + 4, ke[0] * c + 4, edge="window", lw=2.0,
                  dash=max(cs.dilation_rate) > 1, key=("window", (i,)))]
    yl = top + hq * c + z.line
    items += [Label(x0, yl, _span(cs), z.caption, va="center", key=("span", (i,))),
              Label(x0, yl + z.line, f"reads {int(np.prod(cs.kernel_size))} cells, output {fmt.shape(cs.out_spatial)}",
                    z.caption, "muted", va="center")]
    for j, call in enumerate(calls):
        items.append(Label(x0, yl + 2 * z.line + z.call_line * j, call, z.call, "muted", mono=True, va="center"))
    return items, f"dilation_rate={dstr}: effective kernel {fmt.shape(ke)}, output {fmt.shape(cs.out_spatial)}"


def _span(cs: convfig.ConvSpec) -> str:
    """The sentence "span (k−1)·d+1 = … → … area" of one rate (one term per axis, a repeated term once)."""
    ke = cs.effective_kernel
    terms = [f"({k}{fmt.MINUS}1){fmt.DOT}{d}+1 = {e}" for k, d, e in zip(cs.kernel_size, cs.dilation_rate, ke)]
    return f"span {', '.join(dict.fromkeys(terms))} {fmt.ARROW} {fmt.shape(ke)} area"
