"""Separable convolution as its two stages, left to right, stepped through: the input channels, the depthwise
kernels (one per channel: no mixing), the intermediate maps, the 1×1 pointwise weights (a table: one row per
intermediate map, one column per filter: this is where channels mix), and the outputs. Under it the parameter
counts of both stages against one ordinary Conv2D with the same kernel and filters. All that is the static scene
(maps and outputs empty); one step per output position puts the window on every channel, writes the depthwise
sums into the maps at that position, then the pointwise sums (the maps mixed by the 1×1 weights) into the outputs.

Keys: ``("input", (c, r, col))``, ``("dw_kernel", (j, a, b))``, ``("mid", (j, r, col))`` and
``("output", (f, r, col))`` (written at their step), ``("pointwise", (j, f))``, ``("params", (name,))`` for name
in depthwise, pointwise, separable, conv. Numbers from ``convfig.separable_trace``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.layers import summary
from convfig.render import fmt, parts
from convfig.render import panels as pn
from convfig.render.layout import Box, Item, Label, Layout, Step
from convfig.render.types import FigureSpec

S = 28              # cell side: "−13" in 7 pt is 21 px
MAX_MAPS = 4
MAX_SIDE = 6


@dataclass(frozen=True)
class Data:
    trace: convfig.SeparableTrace
    x: np.ndarray
    dk: np.ndarray
    pk: np.ndarray
    spec: convfig.DepthwiseSpec
    filters: int
    call: str
    conv_params: int


def compute(spec: FigureSpec) -> Data:
    f = spec.params["filters"]
    ds, rng, x, dk = pn.depthwise_example(spec.params, MAX_MAPS, MAX_SIDE, f)
    c, m = ds.channels, ds.depth_multiplier
    pk = rng.integers(-1, 3, size=(1, 1, c * m, f))
    for _ in range(20):         # distinct filters (two equal columns would draw two equal outputs)
        if len({tuple(col) for col in pk[0, 0].T}) == f:
            break
        pk = rng.integers(-1, 3, size=(1, 1, c * m, f))
    cs = ds.conv
    tr = convfig.separable_trace(x, dk, pk, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate)
    base = {"input": cs.input_shape, "channels": c, "filters": f, "kernel": ds.kernel_size, "strides": cs.strides,
            "padding": cs.padding, "dilation": cs.dilation_rate}
    return Data(tr, x, dk, pk, ds, f, summary("separable", {**base, "depth_multiplier": m}).keras,
                summary("conv", {**base, "groups": 1}).params)


def _column(x: float, y: float, maps: np.ndarray, name: str, fill: str, label: str, bold: bool = False,
            pitch: float = 0, empty: bool = False) -> list[Item]:
    """Maps (h, w, n) stacked top to bottom, ``pitch`` px apart, each keyed (name, (j, r, c)); ``empty``: only
    the empty cells (the steps write the values)."""
    out: list[Item] = []
    for j in range(maps.shape[-1]):
        yj = y + j * pitch
        out.append(Label(x, yj - 5, f"{label} {j}", 8, "muted"))
        if empty:
            out += pn.empty_output(x, yj + 2, *maps.shape[:2], S)[:maps.shape[0] * maps.shape[1]]
        else:
            out += pn.keyed_grid(x, yj + 2, maps[..., j], lambda r, c, j=j: (name, (j, r, c)), fill, side=S,
                                 bold=bold)
    return out


def _written(x: float, y: float, pitch: float, r: int, c: int, values: np.ndarray, name: str) -> tuple[list, list]:
    """(keep, show) of one step in a column of maps: value j written at (r, c) of map j, ringed."""
    keep: list[Item] = []
    show: list[Item] = []
    for j, v in enumerate(values):
        yj = y + j * pitch + 2
        keep += pn.cell(x + c * S, yj + r * S, fmt.num(v), (name, (j, r, c)), fill="output_fill", side=S, bold=True)
        show.append(Box(x + c * S, yj + r * S, S, S, edge="window", lw=3, arms=8))
    return keep, show


def steps(d: Data, xs: list[float], y: float, pitch: float) -> tuple[list[Step], list[str]]:
    """One step per output position: the window on every input channel (clipped to the real cells), the
    depthwise sums into the maps, the pointwise sums into the outputs; and the equations."""
    tr, m = d.trace, d.spec.depth_multiplier
    h, w, ch = d.x.shape
    pw = d.pk[0, 0]
    out: list[Step] = []
    eqs: list[str] = []
    for st in tr.depthwise.steps:
        r, c = (int(i) for i in st.out_pos)
        rows = [int(i) for i in st.input_index[0] if 0 <= i < h]
        cols = [int(i) for i in st.input_index[1] if 0 <= i < w]
        show: list[Item] = [pn.window(xs[0], y + q * m * pitch + 2, rows[0], cols[0], rows[-1], cols[-1], side=S)
                            for q in range(ch)]
        keep, ring = _written(xs[2], y, pitch, r, c, st.sums, "mid")
        keep2, ring2 = _written(xs[4], y, pitch, r, c, tr.output[r, c], "output")
        mids = ", ".join(fmt.num(v) for v in st.sums)
        outs = ", ".join(fmt.num(v) for v in tr.output[r, c])
        text = (f"Position ({r}, {c}): the window covers rows {fmt.index_set(rows)}, columns {fmt.index_set(cols)} of "
                f"every channel; depthwise, each channel alone with its own kernel: maps = {mids}; pointwise, the "
                f"1×1 weights mix the maps: filters = {outs}.")
        window = tuple(("input", (q, rr, cc)) for q in range(ch) for rr in rows for cc in cols)
        out.append(Step(text, keep=keep + keep2, show=show + ring + ring2, window=window))
        terms = [" + ".join(f"{fmt.paren(v)}·{fmt.paren(pw[j, f])}" for j, v in enumerate(st.sums))
                 for f in range(pw.shape[1])]
        eqs.append(f"({r}, {c}): maps [{mids}]; " + "; ".join(
            f"f{f} = {t} = {fmt.num(v)}" for f, (t, v) in enumerate(zip(terms, tr.output[r, c]))))
    return out, eqs


def plan(spec: FigureSpec, data: Data) -> Layout:
    d = data
    ds, tr = d.spec, d.trace
    c, m, f = ds.channels, ds.depth_multiplier, d.filters
    k = ds.kernel_size
    mid = tr.depthwise.output
    h = max(d.x.shape[0], k[0], mid.shape[0])
    pitch = h * S + 24
    heads = [["input", f"{c} channel{'s' if c > 1 else ''}"], ["depthwise", "one kernel per channel"],
             ["depthwise output", f"{c * m} map{'s' if c * m > 1 else ''}, no mixing"],
             ["pointwise 1×1", "rows: maps, columns: filters"], ["output", f"{f} filter{'s' if f > 1 else ''}"]]
    widths = [d.x.shape[1] * S, k[1] * S, mid.shape[1] * S, f * S + 20, tr.output.shape[1] * S]
    xs = pn.columns([(hd, w, 0) for hd, w in zip(heads, widths)], pn.MARGIN)
    y0 = pn.MARGIN
    y = y0 + max(pn.heading_h(hd) for hd in heads) + 14
    items: list[Item] = []
    for hx, hd in zip(xs, heads):
        items += pn.heading(hx, y0, hd)
    # input channel c sits in the row of its first depthwise map (c * m)
    for q in range(c):
        yq = y + q * m * pitch
        items.append(Label(xs[0], yq - 5, f"channel {q}", 8, "muted"))
        items += pn.keyed_grid(xs[0], yq + 2, d.x[..., q], lambda r, cc, q=q: ("input", (q, r, cc)), "input_fill",
                               side=S)
    dkm = d.dk.reshape(k + (c * m,))
    items += _column(xs[1], y, dkm, "dw_kernel", "window_fill", "kernel", pitch=pitch)
    items += _column(xs[2], y, mid, "mid", "output_fill", "map", pitch=pitch, empty=True)
    pw = d.pk[0, 0]                                   # (c*m, f)
    items += [Label(xs[3] + 20 + j * S + S / 2, y - 5, f"f{j}", 8, "muted", ha="center") for j in range(f)]
    for j in range(c * m):
        items.append(Label(xs[3] + 16, y + 2 + j * pitch + S / 2, f"map {j}", 8, "muted", ha="right", va="center"))
        items += pn.keyed_grid(xs[3] + 20, y + 2 + j * pitch, pw[j:j + 1], lambda r, q, j=j: ("pointwise", (j, q)),
                               "window_fill", side=S)
    items += _column(xs[4], y, tr.output, "output", "output_fill", "filter", bold=True, pitch=pitch, empty=True)
    for a, b in zip(xs[:-1], widths[:-1]):
        items.append(Label(a + b + pn.GAP / 2 - 2, y + S, fmt.ARROW, 11, "fg", ha="center", va="center"))
    bottom = parts.extent(items)[1] + 18
    ks = "·".join(map(str, k))
    dw, pwn = int(np.prod(k)) * c * m, c * m * f + f
    counts = [(f"depthwise {ks}·{c}·{m} = {dw}", "depthwise"), (f"pointwise {c * m}·{f} + {f} = {pwn}", "pointwise"),
              (f"separable {dw + pwn}", "separable"),
              (f"Conv2D({f}, {fmt.shape(k)}): {ks}·{c}·{f} + {f} = {d.conv_params}", "conv")]
    x = pn.MARGIN
    for text, key in counts:
        chip = parts.chip(x, bottom, text, fill="bg", edge="accent" if key != "conv" else "grid", size=9,
                          key=("params", (key,)))
        items.append(chip)
        x += chip.w + 10
    alt = (f"Diagram of a separable convolution, {d.call}, on a {fmt.shape(ds.conv.input_shape)} input with {c} "
           f"channels: first each channel is convolved with its own {fmt.shape(k)} kernel (depthwise, {dw} weights, "
           f"no mixing), giving {c * m} maps; then a 1×1 pointwise convolution mixes those maps into {f} filters "
           f"({pwn} parameters with the biases). Together {dw + pwn} parameters, against {d.conv_params} for one "
           f"ordinary Conv2D with {f} filters of {fmt.shape(k)}. The animation steps through the {len(tr.depthwise)} "
           "output positions: the window on every channel, the depthwise sums written into the maps, then the "
           "pointwise sums into the outputs. Real example numbers in every cell.")
    st, eqs = steps(d, xs, y, pitch)
    return pn.finish(items, st, d.call, alt, equations=eqs)
