"""Max or average pooling: the window slides (strides default to the pool size), no weights; max marks the
winning cell, average divides by the real cells only. 'same' windows that hang over the edge read padding
cells that hold nothing (hatched, empty): they never win a max and are left out of a mean (Keras on
TensorFlow/JAX; GUIDE section 3). One frame per output cell.

Keys: ``("input", (r, c))`` padded coordinates (padding cells are not keyed: they hold no value),
``("output", (r, c))`` written at its step, ``("winner", (r, c))`` the ring on the padded cell that wins (max).

Every number comes from ``convfig.pool_trace``.
"""

from __future__ import annotations

import numpy as np

import convfig
from convfig.errors import ConvfigError
from convfig.layers import pool_spec, summary
from convfig.render import fmt
from convfig.render import panels as pn
from convfig.render.layout import Box, Item, Layout, Step
from convfig.render.types import FigureSpec

C = pn.C


def compute(spec: FigureSpec) -> convfig.PoolTrace:
    p = spec.params
    if p["mode"] not in ("max", "average"):
        raise ConvfigError(f"mode: must be max or average, got {p['mode']!r}")
    ps = pool_spec(p)
    x = np.random.default_rng(p["seed"]).integers(0, 10, size=ps.input_shape + (1,))
    return convfig.pool_trace(x, ps.pool_size, strides=ps.strides, padding=ps.padding, mode=p["mode"])


def _call(tr: convfig.PoolTrace) -> str:
    ps = tr.spec
    return summary(f"{tr.mode}-pool", {"input": ps.input_shape, "pool": ps.pool_size, "strides": ps.strides,
                                       "padding": ps.padding}).keras


def _equation(tr: convfig.PoolTrace, st: convfig.PoolStep) -> str:
    vals = [fmt.paren(v) for v, pad in zip(st.values[..., 0].ravel(), st.is_pad.ravel()) if not pad]
    pos = ", ".join(str(int(i)) for i in st.out_pos)
    out = fmt.num(st.result[0])
    if tr.mode == "max":
        return f"output ({pos}) = max({', '.join(vals)}) = {out}"
    left = f", {st.is_pad.sum()} padding cells left out" if st.is_pad.any() else ""
    return f"output ({pos}) = ({' + '.join(vals)}) / {st.count} = {out}{left}"


def _alt(tr: convfig.PoolTrace, call: str) -> str:
    ps = tr.spec
    pad = (f" 'same' padding adds {ps.pads} cells that hold nothing: windows hanging over the edge read "
           f"only the real cells ({'they never win' if tr.mode == 'max' else 'the mean divides by their count'})."
           if any(b or a for b, a in ps.pads) else "")
    what = ("the largest value in the window wins (ringed) and is copied to the output" if tr.mode == "max"
            else "the mean of the window's values is written to the output")
    return (f"Animation of {tr.mode} pooling, {call}: input {fmt.shape(ps.input_shape)}, pool "
            f"{fmt.shape(ps.pool_size)}, strides {fmt.shape(ps.strides)}, output {fmt.shape(ps.out_spatial)}. "
            f"{len(tr)} frames, one per output cell: {what}; no weights.{pad}")


def plan(spec: FigureSpec, data: convfig.PoolTrace) -> Layout:
    tr = data
    ps = tr.spec
    (b0, a0), (b1, a1) = ps.pads
    ph, pw = ps.input_shape[0] + b0 + a0, ps.input_shape[1] + b1 + a1
    oh, ow = ps.out_spatial
    pad_words = (f"'same': {b0}/{a0} rows, {b1}/{a1} columns of empty cells" if ps.padding == "same" and
                 any((b0, a0, b1, a1)) else f"padding '{ps.padding}'")
    heads = {"input": [f"input {fmt.shape(ps.input_shape)}", pad_words],
             "output": [f"output {fmt.shape(ps.out_spatial)}",
                        f"{tr.mode} of each {fmt.shape(ps.pool_size)} window, strides {fmt.shape(ps.strides)}"]}
    y0 = pn.MARGIN
    y = y0 + max(pn.heading_h(h) for h in heads.values()) + 14
    oc = C if tr.mode == "max" else 42       # means like 4.17 need wider cells
    xi, xo = pn.columns([(heads["input"], pw * C, 16), (heads["output"], ow * oc, 16)])
    padded = np.zeros((ph, pw))
    kinds = np.full((ph, pw), "pad", dtype=object)
    padded[b0:b0 + ps.input_shape[0], b1:b1 + ps.input_shape[1]] = tr.x[..., 0]
    kinds[b0:b0 + ps.input_shape[0], b1:b1 + ps.input_shape[1]] = "real"
    items: list[Item] = pn.heading(xi, y0, heads["input"]) + pn.heading(xo, y0, heads["output"])
    cells: list[Item] = []
    for (r, c), v in np.ndenumerate(padded):
        real = kinds[r, c] == "real"
        cells += pn.cell(xi + c * C, y + r * C, fmt.num(v) if real else "", ("input", (r, c)) if real else None,
                         kind="real" if real else "pad")
    items += pn.layered(cells)
    items += pn.indices(xi, y, ph, pw)
    items += pn.empty_output(xo, y, oh, ow, oc)
    steps = []
    for st in tr.steps:
        r, c, rows, cols, show = pn.slide(st, xi, xo, y, oc)
        if st.winner is not None:
            a, b = (int(i) for i in st.winner[0])
            wr, wc = rows[a], cols[b]
            show.append(Box(xi + wc * C + 3, y + wr * C + 3, C - 6, C - 6, edge="accent", lw=2,
                            key=("winner", (wr, wc))))
        keep = pn.cell(xo + c * oc, y + r * oc, fmt.num(st.result[0]), ("output", (r, c)), fill="output_fill",
                       bold=True, side=oc)
        n_pad = int(st.is_pad.sum())
        text = (f"Output ({r}, {c}) = {fmt.num(st.result[0])}: the window covers rows {fmt.index_set(rows)}, columns "
                f"{fmt.index_set(cols)} of the padded input" + (f"; {n_pad} of its cells hang over the edge and "
                                                                  "hold nothing" if n_pad else "") + ".")
        window = tuple(("input", (rr, cc)) for rr in rows for cc in cols)
        steps.append(Step(text, keep=keep, show=show, window=window))
    call = _call(tr)
    return pn.finish(items, steps, call, _alt(tr, call), equations=[_equation(tr, st) for st in tr.steps])
