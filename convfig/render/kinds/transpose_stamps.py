"""Transposed convolution as stamps: each input cell, in turn, adds value × kernel into the output, `strides`
cells further along than the previous one; where stamps overlap the sums add up. One frame per input cell.

The canvas holds every cell a stamp reaches ((n − 1)·s + k per axis, plus output_padding cells at the end);
what padding crops off (Keras 'same', PyTorch's int padding) stays visible, hatched, outside the output frame.

Keys: ``("input", (i, j))``, ``("kernel", (a, b))``, ``("stamp", (a, b))`` value × kernel at this step,
``("output", (r, c))`` the running sum of output cell (r, c) (rewritten as stamps add into it: SCATTER),
``("cropped", (R, C))`` the running sum of a canvas cell that padding crops off (canvas coordinates).

Every number comes from ``convfig.transpose_trace`` (its per-cell ``Scatter`` targets and stamps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.errors import ConvfigError
from convfig.layers import summary, transpose_spec
from convfig.render import fmt
from convfig.render import panels as pn
from convfig.render.layout import Box, Item, Label, Layout, Step
from convfig.render.types import FigureSpec

SCATTER = True      # a step adds into output cells earlier steps wrote (tests/test_protocol.py)
C = pn.C


@dataclass(frozen=True)
class Data:
    trace: convfig.TransposeTrace
    canvas: tuple[int, int]          # cells a stamp may reach, plus output_padding cells
    sums: list                       # per step: the canvas of running sums after it


def compute(spec: FigureSpec) -> Data:
    ts = transpose_spec(spec.params)
    rng = np.random.default_rng(spec.params["seed"])
    x = rng.integers(1, 5, size=ts.input_shape + (1,))
    k = rng.integers(-1, 3, size=ts.kernel_size + (1, 1))
    tr = convfig.transpose_trace(x, k, strides=ts.strides, padding=ts.padding, output_padding=ts.output_padding,
                                 dilation_rate=ts.dilation_rate)
    canvas = tuple(max(f, c + o) for f, c, o in zip(ts.full_shape, ts.crops, ts.out_spatial))
    acc = np.zeros(canvas)
    sums = []
    for sc in tr.scatters:
        if not sc.inside.any():
            raise ConvfigError(f"padding: {ts.padding} crops the whole stamp of input cell {sc.in_pos}; this figure "
                               "needs every input cell to reach the output (use a smaller padding)")
        rows, cols = (t + c for t, c in zip(sc.targets, ts.crops))
        acc[np.ix_(rows, cols)] += sc.stamp[..., 0]
        sums.append(acc.copy())
    return Data(tr, canvas, sums)  # type: ignore[arg-type]


def _call(ts: convfig.TransposeSpec) -> str:
    return summary("conv-transpose", {"input": ts.input_shape, "filters": 1, "kernel": ts.kernel_size,
                                      "strides": ts.strides, "padding": ts.padding,
                                      "output_padding": ts.output_padding, "dilation": ts.dilation_rate}).keras


def _alt(d: Data, call: str) -> str:
    ts = d.trace.spec
    crop = (f" Padding {ts.padding!r} crops {ts.crops} cells off the start (hatched, outside the output frame)."
            if max(ts.crops) or not isinstance(ts.padding, str) else "")
    return (f"Animation of a transposed 2D convolution, {call}: input {fmt.shape(ts.input_shape)}, kernel "
            f"{fmt.shape(ts.kernel_size)}, strides {fmt.shape(ts.strides)}, output {fmt.shape(ts.out_spatial)}. "
            f"{len(d.trace)} frames, one per input cell: the cell's value times the kernel (the stamp) is added "
            f"into the output starting at (row, column) = input position × strides; where stamps overlap the "
            f"numbers add up.{crop}")


def _headers(d: Data) -> dict[str, list[str]]:
    ts = d.trace.spec
    ops = ts.output_padding or (0, 0)
    heads = {"input": [f"input {fmt.shape(ts.input_shape)}", f"strides {fmt.shape(ts.strides)}"],
             "kernel": [f"kernel {fmt.shape(ts.kernel_size)}"],
             "output": [f"output {fmt.shape(ts.out_spatial)}"]}
    if max(ts.crops) or d.canvas != ts.out_spatial:
        heads["output"].append("hatched: cropped by padding")
    if max(ops):
        heads["output"].append(f"output_padding {fmt.shape(ops)}")
    if max(ops) and d.canvas != tuple(ts.full_shape):
        heads["output"].append("dashed: no stamp reaches (bias only)")
    return heads


def _canvas(d: Data, xo: float, y: float, kept: np.ndarray) -> list[Item]:
    """The output canvas before any stamp: cropped cells hatched, output cells empty (or 0 where no stamp
    ever lands: output_padding), the output frame and its indices."""
    ts = d.trace.spec
    (cr, cc), (oh, ow) = ts.crops, ts.out_spatial
    reached = np.zeros(d.canvas, bool)
    for sc in d.trace.scatters:
        reached[np.ix_(*(t + c for t, c in zip(sc.targets, ts.crops)))] = True
    items: list[Item] = []
    for (r, c), ok in np.ndenumerate(kept):
        x_, y_ = xo + c * C, y + r * C
        if not ok:
            items.append(Box(x_, y_, C, C, fill="pad_fill", edge="grid", dash=True, hatch="pad_hatch"))
        elif not reached[r, c]:       # output_padding cells no stamp reaches: bias only (0)
            items += pn.cell(x_, y_, "0", ("output", (r - cr, c - cc)), fill="output_fill")
        else:
            items.append(Box(x_, y_, C, C, fill="output_empty", edge="grid"))
    items = pn.layered(items)         # output indices outside the canvas (cropped cells sit around the output)
    items += [Label(xo - 5, y + (cr + r) * C + C / 2, str(r), pn.IDX_PT, "muted", ha="right", va="center")
              for r in range(oh)]
    items += [Label(xo + (cc + c) * C + C / 2 + 1, y - 9, str(c), pn.IDX_PT, "muted", ha="center", va="center")
              for c in range(ow)]
    items.append(Box(xo + cc * C, y + cr * C, ow * C, oh * C, edge="fg", lw=2))
    return items + [Box(xo + c * C, y + r * C, C, C, edge="accent", lw=2, dash=True)
                    for (r, c), alone in np.ndenumerate(kept & ~reached) if alone]


def _step(d: Data, sc, now: np.ndarray, kept: np.ndarray, xs: tuple[float, float, float], y: float) -> Step:
    ts = d.trace.spec
    xi, xk, xo = xs
    cr, cc = ts.crops
    ys = y + ts.kernel_size[0] * C + 26             # the stamp (value x kernel) under the kernel
    i, j = (int(v) for v in sc.in_pos)
    rows, cols = (t + c for t, c in zip(sc.targets, ts.crops))
    show: list[Item] = [pn.window(xi, y, i, j, i, j, lw=2, arms=6)]
    if max(ts.dilation_rate) == 1:       # one outline around the stamp (fewer edges: fewer GIF bytes)
        show.append(pn.window(xo, y, int(rows[0]), int(cols[0]), int(rows[-1]), int(cols[-1]), lw=2, arms=6))
    else:                                # dilated: every cell the stamp lands on
        show += [Box(xo + int(c) * C, y + int(r) * C, C, C, edge="window", lw=2, arms=6) for r in rows for c in cols]
    show.append(Label(xk, ys - 7, f"{fmt.num(sc.values[0])} × kernel =", 9, "fg", bold=True, key=("times", ())))
    for (a, b), v in np.ndenumerate(sc.stamp[..., 0]):
        show += pn.cell(xk + b * C, ys + a * C, fmt.num(v), ("stamp", (a, b)), fill="window_fill", bold=True)
    keep: list[Item] = []
    for r, c in ((int(r), int(c)) for r in rows for c in cols):
        if kept[r, c]:
            keep += pn.cell(xo + c * C, y + r * C, fmt.num(now[r, c]), ("output", (r - cr, c - cc)),
                            fill="output_fill")
        else:
            keep += pn.cell(xo + c * C, y + r * C, fmt.num(now[r, c]), ("cropped", (r, c)), kind="pad")
    v = fmt.num(sc.values[0])
    text = (f"Input ({i}, {j}) = {v} stamps {v} × kernel into canvas rows {fmt.index_set(rows)}, columns "
            f"{fmt.index_set(cols)} (starting at ({i}, {j}) × strides{' − the cropped cells' if max(ts.crops) else ''}"
            "); overlapping cells add up.")
    return Step(text, keep=pn.layered(keep), show=pn.layered(show), window=(("input", (i, j)),))


def plan(spec: FigureSpec, data: Data) -> Layout:
    d = data
    tr, ts = d.trace, d.trace.spec
    heads = _headers(d)
    y0 = pn.MARGIN
    y = y0 + max(pn.heading_h(h) for h in heads.values()) + 14
    xs = pn.columns([(heads["input"], ts.input_shape[1] * C, 16), (heads["kernel"], ts.kernel_size[1] * C, 0),
                     (heads["output"], d.canvas[1] * C, 16)])
    items: list[Item] = []
    for name, hx in zip(("input", "kernel", "output"), xs):
        items += pn.heading(hx, y0, heads[name])
    items += pn.grid(xs[0], y, tr.x[..., 0], "input")
    items += pn.grid(xs[1], y, tr.kernel[..., 0, 0], "kernel", fill="bg", bold=True, index=False)
    kept = np.zeros(d.canvas, bool)
    kept[ts.crops[0]:ts.crops[0] + ts.out_spatial[0], ts.crops[1]:ts.crops[1] + ts.out_spatial[1]] = True
    items += _canvas(d, xs[2], y, kept)
    steps = [_step(d, sc, now, kept, (xs[0], xs[1], xs[2]), y) for sc, now in zip(tr.scatters, d.sums)]
    call = _call(ts)
    return pn.finish(items, steps, call, _alt(d, call), levels=2)     # 2 text levels: GIF <= 25 % (make bench)
