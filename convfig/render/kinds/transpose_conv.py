"""Transposed convolution as an ordinary one: zeros inserted between the input cells, the border padded, the
kernel rotated 180°, then a stride-1 convolution; one frame per output cell (conv_arithmetic's view, with numbers).

Keys: ``("input", (r, c))`` a cell of the padded, zero-inserted grid (real input cells, inserted zeros and
padding alike; ``kinds`` in ``compute``'s data says which), ``("kernel", (a, b))`` the rotated kernel,
``("output", (r, c))`` written at its step, ``("weight", (r, c))`` the weight under grid cell (r, c).

Every number comes from ``convfig.transpose_trace`` and its ``equivalent()`` ordinary-conv trace; the output is
checked against ``convfig.conv_transpose`` in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.layers import transpose_spec
from convfig.render import fmt
from convfig.render import panels as pn
from convfig.render.layout import Box, Item, Label, Layout, Step
from convfig.render.style import FONT_SMALL
from convfig.render.types import FigureSpec

C = pn.C


@dataclass(frozen=True)
class Z:
    """Cell side, cell type (pt) and the value's offset from the centre, the weight's type and inset from the
    cell's bottom-right corner, index and heading type, gap between panels, equation and call type: the page's by
    default."""

    s: float = C
    font: float = pn.FONT_CELL
    dy: float = 0
    w_pt: float = FONT_SMALL
    w_in: tuple[float, float] = (4, 6)
    idx: float = pn.IDX_PT
    t: pn.Type = pn.Type()
    gap: float = pn.GAP
    eq: float = pn.EQ_PT
    cap: float = pn.CAP_PT


# a slide: the value sits up in its cell, the weight under the window in the bottom-right corner, both 14 pt
SLIDE = Z(44, 14, -7, 14, (5, 11), 11, pn.Type(15, 12), 44, 14, 11.5)


@dataclass(frozen=True)
class Data:
    trace: convfig.TransposeTrace
    conv: convfig.Trace              # the equivalent ordinary convolution
    kinds: np.ndarray                # per padded cell: 'real' | 'zero' (inserted) | 'pad' | 'opad' (output_padding)


def example(spec: FigureSpec) -> tuple[np.ndarray, np.ndarray]:
    """Input 1..4 (never 0, so real cells stand out from inserted zeros) and kernel -1..2, from the seed."""
    p = spec.params
    rng = np.random.default_rng(p["seed"])
    x = rng.integers(1, 5, size=tuple(p["input"]) + (1,))
    k = rng.integers(-1, 3, size=tuple(p["kernel"]) + (1, 1))
    return x, k


def compute(spec: FigureSpec) -> Data:
    ts = transpose_spec(spec.params)
    x, k = example(spec)
    tr = convfig.transpose_trace(x, k, strides=ts.strides, padding=ts.padding, output_padding=ts.output_padding,
                                 dilation_rate=ts.dilation_rate)
    eq = tr.equivalent()
    kinds = np.full(eq.padded.shape[:2], "pad", dtype=object)
    (b0, _), (b1, _) = ts.pads
    zr, zc = ts.zero_inserted_shape
    for r, c in np.ndindex(*kinds.shape):
        zi, zj = r - b0, c - b1
        if 0 <= zi < zr and 0 <= zj < zc:
            kinds[r, c] = "real" if zi % ts.strides[0] == 0 and zj % ts.strides[1] == 0 else "zero"
    for axis, op in enumerate(ts.output_padding or (0, 0)):
        n = kinds.shape[axis]
        for j in range(max(0, n - op), n):
            sl = (j, slice(None)) if axis == 0 else (slice(None), j)
            kinds[sl] = np.where(kinds[sl] == "pad", "opad", kinds[sl])
    return Data(tr, eq, kinds)


def _headers(d: Data) -> dict[str, list[str]]:
    ts = d.trace.spec
    (b0, a0), (b1, a1) = ts.pads
    pad = (f"pad {b0} each side" if b0 == a0 == b1 == a1 else f"pad rows {b0}/{a0}, columns {b1}/{a1}")
    gaps = sorted({s - 1 for s in ts.strides})
    zeros = f"{' / '.join(map(str, gaps))} zero{'s' if max(gaps) > 1 else ''} between cells"
    inp = [f"input {fmt.shape(ts.input_shape)}" + (f", {zeros}" if max(gaps) else ""),
           f"{pad} {fmt.ARROW} {fmt.shape(d.conv.spec.padded_shape)}"]
    if ts.output_padding and max(ts.output_padding) > 0:
        inp.append(f"output_padding {fmt.shape(ts.output_padding)}: extra cells at the end")
    return {"input": inp, "kernel": ["kernel", "rotated 180°"],
            "output": [f"output {fmt.shape(ts.out_spatial)}", "stride 1 over this grid"]}


def _alt(d: Data, call: str) -> str:
    ts = d.trace.spec
    return (f"Animation of a transposed 2D convolution, {call}, drawn as an ordinary convolution: the "
            f"{fmt.shape(ts.input_shape)} input gets strides − 1 = {', '.join(str(s - 1) for s in ts.strides)} "
            f"zeros between its cells ({fmt.shape(ts.zero_inserted_shape)}), zero padding {ts.pads} around it "
            f"({fmt.shape(d.conv.spec.padded_shape)}), and the kernel rotated 180° slides over it with stride 1. "
            f"{len(d.conv)} frames, one per cell of the {fmt.shape(ts.out_spatial)} output; each frame shows the "
            "weights under the window and sums the products of the real input cells (inserted zeros and "
            "padding add nothing).")


def _equations(d: Data) -> list[str]:
    out = []
    k = d.conv.kernel[..., 0, 0]
    for st in d.conv.steps:
        rows, cols = st.window
        terms = [f"{fmt.paren(d.conv.padded[r, c, 0])}{fmt.DOT}{fmt.paren(k[a, b])}"
                 for a, r in enumerate(rows) for b, c in enumerate(cols) if d.kinds[r, c] == "real"]
        pos = ", ".join(str(int(i)) for i in st.out_pos)
        body = " + ".join(terms) if terms else "only zeros"
        out.append(f"output ({pos}) = {body} = {fmt.num(st.sums[0])}")
    return out


def plan(spec: FigureSpec, data: Data) -> Layout:
    d = data
    z = SLIDE if spec.target == "slide" else Z()
    ts, cv = d.trace.spec, d.conv
    heads = _headers(d)
    (ph, pw), kw, (oh, ow) = cv.spec.padded_shape, ts.kernel_size[1], ts.out_spatial
    y_head, s, g = pn.MARGIN, z.s, z.idx / pn.IDX_PT
    y = y_head + max(pn.heading_h(h, z.t) for h in heads.values()) + 14 * g
    xi, xk, xo = pn.columns([(heads["input"], pw * s, 16 * g), (heads["kernel"], kw * s, 0),
                             (heads["output"], ow * s, 16 * g)], t=z.t, gap=z.gap)
    kern = cv.kernel[..., 0, 0]
    items: list[Item] = []
    for name, hx in zip(("input", "kernel", "output"), (xi, xk, xo)):
        items += pn.heading(hx, y_head, heads[name], z.t)
    kinds = np.where(d.kinds == "opad", "pad", d.kinds)
    items += pn.grid(xi, y, cv.padded[..., 0], "input", kinds=kinds, side=s, font=z.font, dy=z.dy, idx_pt=z.idx)
    for axis, op in enumerate(ts.output_padding or (0, 0)):
        if op:       # mark the output_padding cells: a bracket along their rows (axis 0) or columns (axis 1)
            if axis == 0:
                items.append(Box(xi, y + (ph - op) * s, pw * s, op * s, edge="accent", lw=2, dash=True))
            else:
                items.append(Box(xi + (pw - op) * s, y, op * s, ph * s, edge="accent", lw=2, dash=True))
    items += pn.grid(xk, y, kern, "kernel", fill="bg", bold=True, index=False, side=s, font=z.font)
    items += pn.empty_output(xo, y, oh, ow, s, z.idx)
    steps = []
    for st in cv.steps:
        r, c, rows, cols, show = pn.slide(st, xi, xo, y, s, s)
        for a, rr in enumerate(rows):
            for b, cc in enumerate(cols):
                show.append(Label(xi + cc * s + s - z.w_in[0], y + rr * s + s - z.w_in[1], fmt.num(kern[a, b]),
                                  z.w_pt, "weight", bold=True, ha="right", va="center", key=("weight", (rr, cc))))
        val = fmt.num(d.trace.output[r, c, 0])
        keep = pn.cell(xo + c * s, y + r * s, val, ("output", (r, c)), fill="output_fill", bold=True, side=s,
                       font=z.font)
        window = tuple(("input", (rr, cc)) for rr in rows for cc in cols)
        steps.append(Step(_step_text(d, st), keep=keep, show=show, window=window))
    call = _call(d)
    return pn.finish(items, steps, call, _alt(d, call), equations=_equations(d), eq_pt=z.eq, cap_pt=z.cap)


def _call(d: Data) -> str:
    from convfig.layers import summary

    ts = d.trace.spec
    p = {"input": ts.input_shape, "filters": 1, "kernel": ts.kernel_size, "strides": ts.strides, "padding": ts.padding,
         "output_padding": ts.output_padding, "dilation": ts.dilation_rate}
    return summary("conv-transpose", p).keras


def _step_text(d: Data, st) -> str:
    rows, cols = st.window
    real = [(int(r), int(c)) for r in rows for c in cols if d.kinds[r, c] == "real"]
    pos = ", ".join(str(int(i)) for i in st.out_pos)
    return (f"Output ({pos}) = {fmt.num(st.sums[0])}: the rotated kernel covers rows {fmt.index_set(rows)}, columns "
            f"{fmt.index_set(cols)} of the zero-inserted, padded grid; {len(real)} of its {rows.size * cols.size} "
            "cells are real input cells, the rest are zeros.")
