"""padding-modes: valid, same, causal and full padding of one 1D input, one row each (a still diagram).

Every number comes from the engine: pads and output lengths from ``ConvSpec`` (one per mode), the input,
the kernel and the outputs from ``convfig.trace_example``. 'full' (pad k−1 on both sides) is not a Keras
padding option; it is shown to compare with PyTorch or ZeroPadding1D + a valid Conv1D.

Keys (one grid per mode, ``<mode>`` in valid/same/causal/full):

- ``("input-<mode>", (j,))``: cell j of the *padded* input of that mode (padding cells included, from 0);
- ``("output-<mode>", (o,))``: output o, placed under the first padded cell its window reads -- for
  'causal' under the last one, "now", the step the output belongs to;
- ``("pads", (mode,))``: the sentence "pad b before / a after → output length n";
- ``("window-<mode>", (o,))``: the "out[o]" label of the bracket over the cells out[o] reads (first and last).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

import convfig
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout
from convfig.render.registry import conv_spec
from convfig.render.style import FONT_CAPTION, FONT_CELL, FONT_LABEL, FONT_SMALL
from convfig.render.types import ConvfigError, FigureSpec

MODES = ("valid", "same", "causal", "full")
C = 34            # cell side
M = 16            # margin
LABEL_W = 86      # column of the "input" / "output" row labels
BLOCK_H = 2 * C + 100
TOP = 70


def compute(spec: FigureSpec) -> list[tuple[str, convfig.ConvSpec | None, convfig.Trace | None]]:
    """(mode, ConvSpec, trace) per padding mode; (mode, None, None) when the kernel does not fit ('valid')."""
    rows: list[tuple[str, convfig.ConvSpec | None, convfig.Trace | None]] = []
    for mode in MODES:
        try:
            cs = conv_spec({**spec.params, "padding": mode})
        except ConvfigError as e:
            if mode == "valid" and "larger than the padded input" in str(e):
                rows.append((mode, None, None))
                continue
            raise
        rows.append((mode, cs, convfig.trace_example(cs, spec.params.get("seed", 0),
                                                     spec.params.get("example", "random"))))
    return rows


@dataclass(frozen=True)
class Sizes:
    """Cell side, type sizes (pt) and offsets of one arrangement: the page's (four rows stacked), or a slide's
    (target "slide": a 2 x 2 grid of modes, larger cells and type, pads on a line of their own)."""

    c: float = C
    cell: float = FONT_CELL
    head: float = FONT_LABEL + 1      # "padding='same'"
    info: float = FONT_LABEL          # "pad 1 before / 1 after → output length 7"
    small: float = FONT_SMALL + 1     # out[o] labels, row names, the Keras call
    label_w: float = LABEL_W
    info_dy: float = 0                # the pads line under the heading (0: beside it)
    rows_dy: float = 44               # top of the input row below the block's top
    lifts: tuple[float, float] = (8, 20)
    call_line: float = 18
    slide: bool = False


SLIDE = Sizes(c=44, cell=19, head=18, info=17, small=17, label_w=86, info_dy=28, rows_dy=98, lifts=(11, 36),
              call_line=24, slide=True)


def plan(spec: FigureSpec, data: list) -> Layout:
    (n,), (k,) = spec.params["input"], spec.params["kernel"]
    (s,), (d,) = spec.params["strides"], spec.params["dilation"]
    specs = [cs for _, cs, _ in data if cs is not None]
    ke = specs[0].effective_kernel[0]
    kernel = next(tr for _, _, tr in data if tr is not None).kernel
    weights = ", ".join(fmt.num(w) for w in np.asarray(kernel)[:, 0, 0])
    title = (f"Padding modes: input length {n}, kernel_size={k}" + (f", strides={s}" if s > 1 else "")
             + (f", dilation_rate={d} (span {ke})" if d > 1 else ""))
    sub = (f"kernel weights [{weights}] {fmt.DOT} hatched = zeros added by padding {fmt.DOT} each output sits "
           "under the first cell its window reads (causal: under the last, its own step)")
    pad_rule = f"(k{fmt.MINUS}1){fmt.DOT}d" if d > 1 else f"k{fmt.MINUS}1"
    alt = (f"Padding modes for a 1D input of length {n} and kernel_size={k}"
           + (f", strides={s}" if s > 1 else "") + (f", dilation_rate={d}" if d > 1 else "") + ": ")
    if spec.target == "slide":
        return _slide(data, n, ke, title, f"kernel weights [{weights}] {fmt.DOT} hatched = zeros added by padding",
                      f"'full' (not in Keras) pads {pad_rule} = {ke - 1} on both sides: PyTorch padding={pad_rule}, "
                      "or ZeroPadding1D then a valid Conv1D", alt)
    x_real = M + LABEL_W + max(cs.pads[0][0] for cs in specs) * C
    grid_right = x_real + (n + max(cs.pads[0][1] for cs in specs)) * C
    feet = [f"Keras conv layers accept padding='valid', 'same' and 'causal' (Conv1D only). 'full' pads "
            f"{pad_rule} = {ke - 1} on both sides:",
            f"it is shown to compare with PyTorch (padding={pad_rule}) or ZeroPadding1D followed by a valid "
            "Conv1D."]
    widest = max([tx.width(t, FONT_CAPTION) for t in [sub, *feet]]
                 + [tx.width(cs.keras_call(), FONT_SMALL + 1, mono=True) for cs in specs])
    width = int(max(grid_right + M + 90, 660, 2 * M + widest + 4))
    height = TOP + len(data) * BLOCK_H + 58
    items, _ = parts.heading(M, 8, title, sub, size=12, sub_size=FONT_CAPTION)
    alt_parts = []
    for i, (mode, cs, tr) in enumerate(data):
        y = TOP + i * BLOCK_H + 14
        block, fact = _mode_row(mode, cs, tr, M, y, x_real, n, ke, Sizes(), [cs.keras_call()] if cs else [])
        items += block
        alt_parts.append(fact)
    items += [Label(M, height - 34 + dy, t, FONT_CAPTION, "muted", va="center") for dy, t in zip((0, 18), feet)]
    alt += "; ".join(alt_parts) + ". Only valid, same and causal are Keras options; full is for comparison."
    return Layout(width, height, items, alt=alt, ss=2, levels=0)


def _slide(data: list, n: int, ke: int, title: str, sub: str, foot: str, alt: str) -> Layout:
    """The slide: the modes on a 2 x 2 grid in reading order (valid, same / causal, full), or in one column when
    that draws them larger (long inputs); whichever fills the 16:9 page (1872 x 1032 inside its margin) best."""
    grid, column = (_arrange(data, n, ke, title, sub, foot, alt, cols) for cols in (2, 1))
    return max((grid, column), key=lambda lay: min(1872 / lay.width, 1032 / lay.height))


def _arrange(data: list, n: int, ke: int, title: str, sub: str, foot: str, alt: str, ncols: int) -> Layout:
    """The modes in ``ncols`` columns; each column lines up the real input of its modes; the Keras calls without
    their ``keras.layers.`` prefix, wrapped to the column."""
    z = SLIDE if ncols > 1 else dataclasses.replace(SLIDE, info_dy=0, rows_dy=66)    # one column: pads beside
    items, head_h = parts.heading(M, 8, title, sub, size=20, sub_size=15)
    top = 8 + head_h + 22
    cols = [data[j::ncols] for j in range(ncols)]
    col_cells = [max((cs.pads[0][0] for _, cs, _ in col if cs), default=0) for col in cols]
    col_w = [z.label_w + (pb + n + max((cs.pads[0][1] for _, cs, _ in col if cs), default=0)) * z.c + 70
             for pb, col in zip(col_cells, cols)]
    calls = {mode: fmt.wrap_call(cs.keras_call().replace("keras.layers.", ""),
                                 int(col_w[i % ncols] // tx.mono_advance(z.small - 2))) if cs else []
             for i, (mode, cs, _) in enumerate(data)}
    block_h = z.rows_dy + 2 * z.c + 10 + 34 + z.call_line * max(len(c) for c in calls.values())
    x, alt_parts = float(M), []
    for j, col in enumerate(cols):
        x_real = x + z.label_w + col_cells[j] * z.c
        right = x + col_w[j]
        for i, (mode, cs, tr) in enumerate(col):
            block, fact = _mode_row(mode, cs, tr, x, top + i * (block_h + 16), x_real, n, ke, z, calls[mode])
            items += block
            alt_parts.append(fact)
            right = max(right, parts.extent(block)[0])
        x = right + 44
    items.append(Label(M, top + len(cols[0]) * (block_h + 16) - 4, foot, 14, "muted", va="center"))
    right, bottom = parts.extent(items)
    width, height = int(max(right, x - 44) + M), int(bottom + M + 4)
    order = {mode: i for i, (mode, _, _) in enumerate(data)}
    alt += ("; ".join(sorted(alt_parts, key=lambda f: order[f.split(":")[0]]))
            + ". Only valid, same and causal are Keras options; full is for comparison.")
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=2, levels=0)


def _fit(text: str, z: Sizes) -> float:
    """The cell type size, smaller for a number too wide for its slide cell (the page keeps its size)."""
    return tx.fit(text, z.cell, z.c - 6) if z.slide else z.cell


def _mode_row(mode: str, cs, tr, x: float, y: float, x_real: float, n: int, ke: int, z: Sizes,
              calls: list[str]) -> tuple[list[Item], str]:
    """One mode: heading with pads and length, padded input row, brackets, outputs, Keras call."""
    keras = mode != "full"
    c = z.c
    head = f"padding='{mode}'" + ("" if keras else "  (not a Keras option)")
    items: list[Item] = [Label(x, y + 6, head, z.head, "fg" if keras else "muted", bold=True, va="center")]
    if cs is None:
        items.append(Label(x, y + 40 + z.info_dy, f"kernel span {ke} is longer than the input ({n}): valid padding "
                                                  "has no output", z.info, "muted", va="center", key=("pads", (mode,))))
        return items, f"{mode}: no output (kernel longer than input)"
    (pb, pa), = cs.pads
    (out_n,) = cs.out_spatial
    info = f"pad {pb} before / {pa} after {fmt.ARROW} output length {out_n}"
    info_x = x if z.info_dy else x + tx.width(head, z.head, bold=True) + 14
    items.append(Label(info_x, y + 6 + z.info_dy, info, z.info, va="center", key=("pads", (mode,))))
    yr, xs0 = y + z.rows_dy, x_real - pb * c
    cells = [parts.input_cell(xs0 + j * c, yr, c, fmt.num(v), pad=not pb <= j < pb + n, size=_fit(fmt.num(v), z),
                              key=(f"input-{mode}", (j,))) for j, v in enumerate(np.asarray(tr.padded)[:, 0])]
    marks = parts.frame(x_real, yr, n * c, c)
    steps = tr.steps
    ends = [(steps[0], z.lifts[0], True)] + ([(steps[-1], z.lifts[1], False)] if len(steps) > 1 else [])
    for st, lift, left in ends:
        taps = [xs0 + int(j) * c + c / 2 for j in st.window[0]]
        marks += parts.bracket(taps[0], taps[-1], yr - lift, taps=taps, label=f"out[{st.index}]",
                               size=z.small, left=left, key=(f"window-{mode}", (st.index,)))
    yo = yr + c + 8
    out = [fmt.num(v) for v in np.asarray(tr.output)[:, 0]]
    items += parts.layered(cells, marks)
    under = -1 if mode == "causal" else 0           # causal: the output belongs to the window's last step
    items += parts.layered([Box(xs0 + int(st.window[0][under]) * c, yo, c, c, fill="output_fill", edge="grid", lw=1.6,
                                text=out[st.out_pos[0]], size=_fit(out[st.out_pos[0]], z),
                                key=(f"output-{mode}", (st.index,))) for st in steps])
    items += [Label(x + z.label_w - 10, yr + c / 2, "input", z.small, "muted", ha="right", va="center"),
              Label(x + z.label_w - 10, yo + c / 2, "output", z.small, "muted", ha="right", va="center")]
    small = z.small - 2 if z.slide else z.small
    items += [Label(x, yo + c + 18 + (8 if z.slide else 0) + z.call_line * i, line, small, "muted", mono=True,
                    va="center") for i, line in enumerate(calls)]
    return items, f"{mode}: pad {pb} before and {pa} after, output length {out_n}"
