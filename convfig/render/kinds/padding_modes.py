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

import numpy as np

import convfig
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout
from convfig.render.registry import conv_spec
from convfig.render.style import FONT_CAPTION, FONT_LABEL, FONT_SMALL
from convfig.render.types import ConvfigError, FigureSpec

MODES = ("valid", "same", "causal", "full")
C = 34            # cell side
M = 16            # margin
LABEL_W = 86      # column of the "input" / "output" row labels
BLOCK_H = 2 * C + 100
TOP = 70


def compute(spec: FigureSpec) -> list[tuple[str, convfig.ConvSpec | None, convfig.Trace | None]]:
    """(mode, ConvSpec, trace) per padding mode; (mode, None, None) when the kernel does not fit ('valid')."""
    rows = []
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


def plan(spec: FigureSpec, data: list) -> Layout:
    (n,), (k,) = spec.params["input"], spec.params["kernel"]
    (s,), (d,) = spec.params["strides"], spec.params["dilation"]
    specs = [cs for _, cs, _ in data if cs is not None]
    x_real = M + LABEL_W + max(cs.pads[0][0] for cs in specs) * C
    grid_right = x_real + (n + max(cs.pads[0][1] for cs in specs)) * C
    ke = specs[0].effective_kernel[0]
    kernel = next(tr for _, _, tr in data if tr is not None).kernel
    weights = ", ".join(fmt.num(w) for w in np.asarray(kernel)[:, 0, 0])
    title = (f"Padding modes: input length {n}, kernel_size={k}" + (f", strides={s}" if s > 1 else "")
             + (f", dilation_rate={d} (span {ke})" if d > 1 else ""))
    sub = (f"kernel weights [{weights}] {fmt.DOT} hatched = zeros added by padding {fmt.DOT} each output sits "
           "under the first cell its window reads (causal: under the last, its own step)")
    pad_rule = f"(k{fmt.MINUS}1){fmt.DOT}d" if d > 1 else f"k{fmt.MINUS}1"
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
        block, fact = _mode_row(mode, cs, tr, y, x_real, n, ke)
        items += block
        alt_parts.append(fact)
    items += [Label(M, height - 34 + dy, t, FONT_CAPTION, "muted", va="center") for dy, t in zip((0, 18), feet)]
    alt = (f"Padding modes for a 1D input of length {n} and kernel_size={k}"
           + (f", strides={s}" if s > 1 else "") + (f", dilation_rate={d}" if d > 1 else "") + ": "
           + "; ".join(alt_parts) + ". Only valid, same and causal are Keras options; full is for comparison.")
    return Layout(width, height, items, alt=alt, ss=2, levels=0)


def _mode_row(mode: str, cs, tr, y: float, x_real: float, n: int, ke: int) -> tuple[list[Item], str]:
    """One mode: heading with pads and length, padded input row, brackets, outputs, Keras call."""
    keras = mode != "full"
    head = f"padding='{mode}'" + ("" if keras else "  (not a Keras option)")
    items: list[Item] = [Label(M, y + 6, head, FONT_LABEL + 1, "fg" if keras else "muted", bold=True, va="center")]
    if cs is None:
        items.append(Label(M, y + 40, f"kernel span {ke} is longer than the input ({n}): valid padding has no "
                                      "output", FONT_LABEL, "muted", va="center", key=("pads", (mode,))))
        return items, f"{mode}: no output (kernel longer than input)"
    (pb, pa), = cs.pads
    (out_n,) = cs.out_spatial
    info = f"pad {pb} before / {pa} after {fmt.ARROW} output length {out_n}"
    items.append(Label(M + tx.width(head, FONT_LABEL + 1, bold=True) + 14, y + 6, info, FONT_LABEL, va="center",
                       key=("pads", (mode,))))
    yr, xs0 = y + 44, x_real - pb * C
    cells = [parts.input_cell(xs0 + j * C, yr, C, fmt.num(v), pad=not pb <= j < pb + n, key=(f"input-{mode}", (j,)))
             for j, v in enumerate(np.asarray(tr.padded)[:, 0])]
    marks = parts.frame(x_real, yr, n * C, C)
    steps = tr.steps
    ends = [(steps[0], 8, True)] + ([(steps[-1], 20, False)] if len(steps) > 1 else [])
    for st, lift, left in ends:
        taps = [xs0 + int(j) * C + C / 2 for j in st.window[0]]
        marks += parts.bracket(taps[0], taps[-1], yr - lift, taps=taps, label=f"out[{st.index}]",
                               size=FONT_SMALL + 1, left=left, key=(f"window-{mode}", (st.index,)))
    yo = yr + C + 8
    out = np.asarray(tr.output)[:, 0]
    items += parts.layered(cells, marks)
    under = -1 if mode == "causal" else 0           # causal: the output belongs to the window's last step
    items += parts.layered([Box(xs0 + int(st.window[0][under]) * C, yo, C, C, fill="output_fill", edge="grid", lw=1.6,
                                text=fmt.num(out[st.out_pos]), key=(f"output-{mode}", (st.index,))) for st in steps])
    items += [Label(M + LABEL_W - 10, yr + C / 2, "input", FONT_SMALL + 1, "muted", ha="right", va="center"),
              Label(M + LABEL_W - 10, yo + C / 2, "output", FONT_SMALL + 1, "muted", ha="right", va="center"),
              Label(M, yo + C + 18, cs.keras_call(), FONT_SMALL + 1, "muted", mono=True, va="center")]
    return items, f"{mode}: pad {pb} before and {pa} after, output length {out_n}"
