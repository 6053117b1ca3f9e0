"""Depthwise convolution next to an ordinary one, on the same input channels (a still diagram).

Both panels put the input channels in a row on top; under them one row per output channel holds the kernel
slices that read each input channel (in that channel's column), then the output map. The ordinary Conv2D has a
kernel slice under every channel (its output sums them all: channels mix); DepthwiseConv2D has exactly one,
under its own channel (no mixing), so its rows form a staircase. The parameter counts sit under each panel.

Keys (c input channel, f / j output channel, (r, col) cell, (a, b) kernel tap):
``("input", (c, r, col))``; ``("kernel", (f, c, a, b))`` and ``("output", (f, r, col))`` for Conv2D;
``("dw_kernel", (j, a, b))`` and ``("dw_output", (j, r, col))`` for DepthwiseConv2D (j = c * multiplier + m);
``("params", ("conv",))`` / ``("params", ("depthwise",))``: the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.layers import summary
from convfig.render import fmt, parts
from convfig.render import panels as pn
from convfig.render.layout import Item, Label, Layout
from convfig.render.types import FigureSpec

S = 28              # cell side: "−13" in 7 pt is 21 px


def _kgrid(x: float, y: float, a: np.ndarray, key, fill: str, bold: bool = False) -> list[Item]:
    return pn.keyed_grid(x, y, a, key, fill, side=S, bold=bold)
MAX_CHANNELS = 4
MAX_SIDE = 6


@dataclass(frozen=True)
class Data:
    x: np.ndarray                 # (H, W, C)
    conv_kernel: np.ndarray       # (k, k, C, C*M)
    conv_out: np.ndarray
    dw_kernel: np.ndarray         # (k, k, C, M)
    dw_out: np.ndarray
    spec: convfig.DepthwiseSpec
    conv_call: str
    dw_call: str


def compute(spec: FigureSpec) -> Data:
    ds, rng, x, dk = pn.depthwise_example(spec.params, MAX_CHANNELS, MAX_SIDE)
    c, m = ds.channels, ds.depth_multiplier
    ck = rng.integers(-1, 2, size=ds.kernel_size + (c, c * m))
    cs = ds.conv
    conv_out = convfig.conv(x, ck, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate)
    dw_out = convfig.depthwise_conv(x, dk, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate)
    base = {"input": cs.input_shape, "channels": c, "kernel": ds.kernel_size, "strides": cs.strides,
            "padding": cs.padding, "dilation": cs.dilation_rate}
    return Data(x, ck, conv_out, dk, dw_out, ds, summary("conv", {**base, "filters": c * m, "groups": 1}).keras,
                summary("depthwise", {**base, "depth_multiplier": m}).keras)


def panel(x0: float, y0: float, title: list[str], x: np.ndarray, kernels: dict, outs: np.ndarray,
          names: tuple[str, str], count: str, count_key: str) -> list[Item]:
    """Input channels on top; per output channel a row of kernel slices (column = the channel they read) and
    the output map; the parameter count under it. kernels: {(j, c): (k, k) array}."""
    h, w, ch = x.shape
    k = next(iter(kernels.values())).shape
    col_w = max(w, k[1]) * S + 18
    items: list[Item] = pn.heading(x0, y0, title)
    y = y0 + pn.heading_h(title) + 16
    for c in range(ch):
        items += [Label(x0 + c * col_w, y - 6, f"channel {c}", 8, "muted")]
        items += _kgrid(x0 + c * col_w, y + 2, x[..., c], lambda r, q, c=c: ("input", (c, r, q)), "input_fill")
    y += h * S + 18
    oh, ow, n_out = outs.shape
    xo = x0 + ch * col_w + 14
    for j in range(n_out):
        items.append(Label(x0 - 4, y + k[0] * S / 2, f"{j}", 8, "muted", ha="right", va="center"))
        for c in range(ch):
            if (j, c) in kernels:
                items += _kgrid(x0 + c * col_w, y, kernels[j, c], lambda a, b, j=j, c=c: (names[0], (j, c, a, b)
                               if names[0] == "kernel" else (j, a, b)), "window_fill")
        items += [Label(x0 + c * col_w - 9, y + k[0] * S / 2, "+", 11, "fg", bold=True, ha="center", va="center")
                  for c in range(1, ch) if (j, c) in kernels and (j, c - 1) in kernels]     # slices summed: mixing
        items.append(Label(xo - 8, y + k[0] * S / 2, fmt.ARROW, 11, "fg", ha="center", va="center"))
        items += _kgrid(xo + 4, y, outs[..., j], lambda r, q, j=j: (names[1], (j, r, q)), "output_fill", bold=True)
        y += max(k[0], oh) * S + 10
    items.append(parts.chip(x0, y + 16, count, fill="bg", edge="accent", size=9, key=("params", (count_key,))))
    return items


def plan(spec: FigureSpec, data: Data) -> Layout:
    d = data
    ds = d.spec
    c, m = ds.channels, ds.depth_multiplier
    ks = "·".join(map(str, ds.kernel_size))
    conv_params = convfig.arithmetic.param_count(ds.kernel_size, c, c * m)
    dw_params = ds.params
    conv_k = {(j, q): d.conv_kernel[:, :, q, j] for j in range(c * m) for q in range(c)}
    dw_k = {(q * m + mm, q): d.dw_kernel[:, :, q, mm] for q in range(c) for mm in range(m)}
    left = panel(pn.MARGIN + 10, pn.MARGIN, [f"Conv2D: {c * m} filters", "every kernel reads every channel"],
                 d.x, conv_k, d.conv_out, ("kernel", "output"),
                 f"params {ks}·{c}·{c * m} + {c * m} = {conv_params}", "conv")
    right_x, _ = parts.extent(left)
    right = panel(right_x + 40, pn.MARGIN, ["DepthwiseConv2D", f"one kernel per channel{'' if m == 1 else f' (×{m})'}"
                                            ", no mixing"], d.x, dw_k, d.dw_out, ("dw_kernel", "dw_output"),
                  f"params {ks}·{c}·{m} + {c * m} = {dw_params}", "depthwise")
    alt = (f"Diagram: an ordinary Conv2D and a DepthwiseConv2D on the same {fmt.shape(ds.conv.input_shape)} input "
           f"with {c} channels, kernel {fmt.shape(ds.kernel_size)}. The Conv2D has {c * m} filters, each with one "
           f"kernel slice per input channel whose results are summed (channels mix): {conv_params} parameters. The "
           f"depthwise layer gives each channel its own {f'{m} kernels' if m > 1 else 'kernel'} and never mixes "
           f"channels: output channel c·{m} + m reads only input channel c; {dw_params} parameters. Real example "
           "numbers.")
    return pn.finish(left + right, [], f"{d.conv_call} vs {d.dw_call}", alt, ss=2, levels=0)
