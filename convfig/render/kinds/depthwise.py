"""Depthwise convolution next to an ordinary one, on the same input channels, stepping through the depthwise one.

Both panels put the input channels in a row on top; under them one row per output channel holds the kernel
slices that read each input channel (in that channel's column), then the output map. The ordinary Conv2D has a
kernel slice under every channel (its output sums them all: channels mix); DepthwiseConv2D has exactly one,
under its own channel (no mixing), so its rows form a staircase. The parameter counts sit under each panel.
The Conv2D panel, the kernels and the counts are the static scene; one step per output position puts the window
on every channel of the depthwise panel and writes each channel's own sum into its own output map.

Keys (c input channel, f / j output channel, (r, col) cell, (a, b) kernel tap):
``("conv_input", (c, r, col))``, ``("kernel", (f, c, a, b))`` and ``("conv_output", (f, r, col))`` for Conv2D;
``("input", (c, r, col))``, ``("dw_kernel", (j, a, b))`` and ``("output", (j, r, col))`` (written at its step) for
DepthwiseConv2D (j = c * multiplier + m); the steps' windows are the real (unpadded) input cells read;
``("params", ("conv",))`` / ``("params", ("depthwise",))``: the counts.
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

MAX_CHANNELS = 4
MAX_SIDE = 6


PAGE = pn.Sizes()
# a slide: every number in 14 pt (cells of 36 px; outputs, bold and up to "−13", of 54 px), headings in 14 pt; the
# call in 10.5 pt, whose whole-pixel advance (9 px) is not narrower than the face's own (finish() sizes by it)
SLIDE = pn.Sizes(36, 54, 11, 14, 14, 10.5, font=14, title=14, detail=11)


@dataclass(frozen=True)
class Data:
    x: np.ndarray                 # (H, W, C)
    conv_kernel: np.ndarray       # (k, k, C, C*M)
    conv_out: np.ndarray
    dw_kernel: np.ndarray         # (k, k, C, M)
    dw_out: np.ndarray
    trace: convfig.DepthwiseTrace
    spec: convfig.DepthwiseSpec
    conv_call: str
    dw_call: str


def compute(spec: FigureSpec) -> Data:
    ds, rng, x, dk = pn.depthwise_example(spec.params, MAX_CHANNELS, MAX_SIDE)
    c, m = ds.channels, ds.depth_multiplier
    ck = rng.integers(-1, 2, size=ds.kernel_size + (c, c * m))
    cs = ds.conv
    conv_out = convfig.conv(x, ck, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate)
    tr = convfig.depthwise_trace(x, dk, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate)
    base = {"input": cs.input_shape, "channels": c, "kernel": ds.kernel_size, "strides": cs.strides,
            "padding": cs.padding, "dilation": cs.dilation_rate}
    return Data(x, ck, conv_out, dk, tr.output, tr, ds, summary("conv", {**base, "filters": c * m, "groups": 1}).keras,
                summary("depthwise", {**base, "depth_multiplier": m}).keras)


@dataclass(frozen=True)
class Geo:
    """Where a panel put its grids: x of each input channel, y of the input row, x of the output maps, y of each."""

    xs: list[float]
    y_in: float
    xo: float
    ys: list[float]


def panel(x0: float, y0: float, title: list[str], x: np.ndarray, kernels: dict, outs: np.ndarray | None,
          names: tuple[str, str, str], count: tuple[str, str], out_shape: tuple[int, ...] = (), z: pn.Sizes = PAGE
          ) -> tuple[list[Item], Geo]:
    """Input channels on top; per output channel a row of kernel slices (column = the channel they read) and
    the output map (``outs`` None: empty maps of ``out_shape``, written by the steps); the parameter count
    (text, key) under it. kernels: {(j, c): (k, k) array}; names: the input, kernel and output keys."""
    h, w, ch = x.shape
    k = next(iter(kernels.values())).shape
    s, so = z.s, z.so
    op = z.title                          # the "+" and arrow between the grids
    col_w = max(w, k[1]) * s + 18 * op / PAGE.title
    items: list[Item] = pn.heading(x0, y0, title, z.head)
    y = y0 + pn.heading_h(title, z.head) + 16 + (z.label - PAGE.label) + (z.title - PAGE.title)
    geo = Geo([x0 + c * col_w for c in range(ch)], y + 2, x0 + ch * col_w + 18, [])
    for c in range(ch):
        items += [Label(x0 + c * col_w, y - 6, f"channel {c}", z.label, "muted")]
        items += pn.keyed_grid(x0 + c * col_w, y + 2, x[..., c], lambda r, q, c=c: (names[0], (c, r, q)),
                               "input_fill", side=s, font=z.font)
    y += h * s + 18
    oh, ow, n_out = outs.shape if outs is not None else out_shape
    xo = geo.xo - 4
    for j in range(n_out):
        mid = y + k[0] * s / 2
        items.append(Label(x0 - 4, mid, f"{j}", z.label, "muted", ha="right", va="center"))
        for c in range(ch):
            if (j, c) in kernels:
                items += pn.keyed_grid(x0 + c * col_w, y, kernels[j, c], lambda a, b, j=j, c=c: (
                    names[1], (j, c, a, b) if names[1] == "kernel" else (j, a, b)), "window_fill", side=s,
                    font=z.font)
        items += [Label(x0 + c * col_w - 9 * op / PAGE.title, mid, "+", op, "fg", bold=True, ha="center",
                        va="center") for c in range(1, ch) if (j, c) in kernels and (j, c - 1) in kernels]  # mixing
        items.append(Label(xo - 8 * op / PAGE.title, mid, fmt.ARROW, op, "fg", ha="center", va="center"))
        geo.ys.append(y)
        if outs is not None:
            items += pn.keyed_grid(geo.xo, y, outs[..., j], lambda r, q, j=j: (names[2], (j, r, q)), "output_fill",
                                   side=so, bold=True, font=z.font)
        else:
            items += pn.empty_output(geo.xo, y, oh, ow, so)[:oh * ow]
        y += max(k[0] * s, oh * so) + 10
    items.append(parts.chip(x0, y + 16 + (z.chip - PAGE.chip), count[0], fill="bg", edge="accent", size=z.chip,
                            key=("params", (count[1],))))
    return items, geo


def steps(d: Data, geo: Geo, z: pn.Sizes = PAGE) -> tuple[list[Step], list[str]]:
    """One step per output position: the window on every input channel (clipped to the real cells: padding is
    not drawn), a ring on each output map's cell and each channel's own sum written there; and the equations."""
    tr, m = d.trace, d.spec.depth_multiplier
    h, w, ch = d.x.shape
    s, so = z.s, z.so
    out: list[Step] = []
    eqs: list[str] = []
    for st in tr.steps:
        r, c = (int(i) for i in st.out_pos)
        rows = [int(i) for i in st.input_index[0] if 0 <= i < h]
        cols = [int(i) for i in st.input_index[1] if 0 <= i < w]
        show: list[Item] = [pn.window(xc, geo.y_in, rows[0], cols[0], rows[-1], cols[-1], side=s) for xc in geo.xs]
        keep: list[Item] = []
        for j, yj in enumerate(geo.ys):
            show.append(Box(geo.xo + c * so, yj + r * so, so, so, edge="window", lw=3, arms=8))
            keep += pn.cell(geo.xo + c * so, yj + r * so, fmt.num(st.sums[j]), ("output", (j, r, c)),
                            fill="output_fill", side=so, bold=True, font=z.font)
        n_pad = int(st.is_pad.sum())
        sums = ", ".join(f"map {j} = {fmt.num(v)}" for j, v in enumerate(st.sums))
        maps = "map c" if m == 1 else f"map c·{m} + m"
        text = (f"Output ({r}, {c}): the window covers rows {fmt.index_set(rows)}, columns {fmt.index_set(cols)} of "
                f"every channel" + (f" ({n_pad} of its cells are padding)" if n_pad else "") + "; each channel is "
                f"multiplied by its own kernel and summed alone ({maps} from channel c only): {sums}.")
        window = tuple(("input", (q, rr, cc)) for q in range(ch) for rr in rows for cc in cols)
        out.append(Step(text, keep=keep, show=show, window=window))
        eqs.append(f"output ({r}, {c}): " + "; ".join(
            f"ch {j // m}·k{j} = {fmt.num(v)}" for j, v in enumerate(st.sums)))
    return out, eqs


def plan(spec: FigureSpec, data: Data) -> Layout:
    d = data
    ds = d.spec
    c, m = ds.channels, ds.depth_multiplier
    ks = "·".join(map(str, ds.kernel_size))
    conv_params = convfig.arithmetic.param_count(ds.kernel_size, c, c * m)
    dw_params = ds.params
    conv_k = {(j, q): d.conv_kernel[:, :, q, j] for j in range(c * m) for q in range(c)}
    dw_k = {(q * m + mm, q): d.dw_kernel[:, :, q, mm] for q in range(c) for mm in range(m)}
    z = SLIDE if spec.target == "slide" else PAGE
    left, _ = panel(pn.MARGIN + 10, pn.MARGIN, [f"Conv2D: {c * m} filters", "every kernel reads every channel"],
                    d.x, conv_k, d.conv_out, ("conv_input", "kernel", "conv_output"),
                    (f"params {ks}·{c}·{c * m} + {c * m} = {conv_params}", "conv"), z=z)
    right_x, _ = parts.extent(left)
    right, geo = panel(right_x + 40, pn.MARGIN, ["DepthwiseConv2D", f"one kernel per channel"
                                                 f"{'' if m == 1 else f' (×{m})'}, no mixing"], d.x, dw_k, None,
                       ("input", "dw_kernel", "output"), (f"params {ks}·{c}·{m} + {c * m} = {dw_params}",
                                                          "depthwise"), d.dw_out.shape, z)
    st, eqs = steps(d, geo, z)
    alt = (f"Diagram: an ordinary Conv2D and a DepthwiseConv2D on the same {fmt.shape(ds.conv.input_shape)} input "
           f"with {c} channels, kernel {fmt.shape(ds.kernel_size)}. The Conv2D has {c * m} filters, each with one "
           f"kernel slice per input channel whose results are summed (channels mix): {conv_params} parameters. The "
           f"depthwise layer gives each channel its own {f'{m} kernels' if m > 1 else 'kernel'} and never mixes "
           f"channels: output channel c·{m} + m reads only input channel c; {dw_params} parameters. The animation "
           f"steps the depthwise layer through its {len(st)} output positions: the window on every channel, each "
           "channel's sum written into its own output map. Real example numbers.")
    return pn.finish(left + right, st, f"{d.conv_call} vs {d.dw_call}", alt, equations=eqs, eq_pt=z.eq,
                     cap_pt=z.cap)
