"""One layer feeding the next: two Conv2D layers with bias and ReLU, every number computed by the engine.

Left to right: the input (a plus sign on 7x7) | layer 1's two 3x3 kernels with their biases | the two
feature maps before the ReLU | after the ReLU -- and those two maps *are* layer 2's input channels | layer
2's 3x3x2 kernel and bias | its map before and after the ReLU. The centre output's receptive field is
outlined on the same chain: 3x3 cells of each layer-1 map, which read 5x5 cells of the input.

Keys: ``("input", (r, c))``; ``("kernel1", (a, b, f))``, ``("bias1", (f,))``; ``("z1", (r, c, f))`` and
``("a1", (r, c, f))`` (before / after the ReLU); ``("kernel2", (a, b, ch))``, ``("bias2", (0,))``;
``("z2", (r, c))``, ``("a2", (r, c))``; ``("shape", panel)``: the shape chip over each panel (from
``convfig.output_shape``); ``("reach", panel)``: the receptive-field outline's (row, col, rows, cols) text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line
from convfig.render.types import FigureSpec

M = 14            # margin
C = 20            # cell side
GAP = 34          # between panels (room for an arrow)
NUM_PT = 8.5
HEAD_PT = 9
CODE_PT = 8.5
OUT = (1, 1)      # the layer-2 output cell whose receptive field is outlined


def numbers() -> dict[str, np.ndarray]:
    """The chain's weights and every map, from ``convfig.conv`` (see the module docstring).

    Layer 1: a vertical-line and a horizontal-line detector, bias -2 each (only a whole line passes the
    ReLU). Layer 2: one 3x3x2 kernel -- the centre column of channel 0, the centre row of channel 1 -- and
    bias -6: it fires only where a vertical and a horizontal line cross.

    >>> n = numbers()
    >>> n["a1"].shape, n["a2"][..., 0].tolist()
    ((5, 5, 2), [[0.0, 0.0, 0.0], [0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])
    """
    x = np.zeros((7, 7, 1))
    x[3, 1:6, 0] = 1.0
    x[1:6, 3, 0] = 1.0
    line = np.array([[-1.0, 2.0, -1.0]] * 3)
    k1 = np.stack([line, line.T], axis=-1)[:, :, None, :]         # (3, 3, 1, 2)
    b1 = np.array([-2.0, -2.0])
    k2 = np.zeros((3, 3, 2, 1))
    k2[:, 1, 0, 0] = 1.0                                          # channel 0: the centre column
    k2[1, :, 1, 0] = 1.0                                          # channel 1: the centre row
    b2 = np.array([-6.0])
    z1 = convfig.conv(x, k1, b1)
    a1 = np.maximum(z1, 0.0)
    z2 = convfig.conv(a1, k2, b2)
    return {"x": x, "k1": k1, "b1": b1, "z1": z1, "a1": a1, "k2": k2, "b2": b2, "z2": z2, "a2": np.maximum(z2, 0.0)}


@dataclass(frozen=True)
class Chain:
    n: dict[str, np.ndarray]
    specs: tuple[convfig.ConvSpec, convfig.ConvSpec]
    reach1: tuple[np.ndarray, np.ndarray]     # rows, cols of layer 1's maps that output OUT reads
    reach0: tuple[np.ndarray, np.ndarray]     # rows, cols of the input that those read


def compute(spec: FigureSpec) -> Chain:
    n = numbers()
    s1 = convfig.ConvSpec.make((7, 7), 3, channels=1, filters=2)
    s2 = convfig.ConvSpec.make(s1.out_spatial, 3, channels=2, filters=1)
    t2 = convfig.trace(n["a1"], n["k2"], n["b2"])
    rows1, cols1 = t2.steps[OUT[0] * s2.out_spatial[1] + OUT[1]].input_index
    t1 = convfig.trace(n["x"], n["k1"], n["b1"])
    w1 = s1.out_spatial[1]
    first, last = t1.steps[rows1[0] * w1 + cols1[0]], t1.steps[rows1[-1] * w1 + cols1[-1]]
    rows0 = np.arange(first.input_index[0][0], last.input_index[0][-1] + 1)
    cols0 = np.arange(first.input_index[1][0], last.input_index[1][-1] + 1)
    return Chain(n, (s1, s2), (np.asarray(rows1), np.asarray(cols1)), (rows0, cols0))


def _grid(x: float, y: float, values: np.ndarray, name: str, fill_of, extra: tuple = ()) -> list[Item]:
    out: list[Item] = []
    for (r, c), v in np.ndenumerate(values):
        s = fmt.num(v)
        fill, colour = fill_of(v)
        out.append(Box(x + c * C, y + r * C, C, C, fill=fill, edge="grid", text=s, color=colour,
                       size=tx.fit(s, NUM_PT, C - 3), key=(name, (r, c) + extra)))
    return out


def _plain(v: float) -> tuple[str, str]:
    return "input_fill", "fg"


def _kernel(v: float) -> tuple[str, str]:
    return "window_fill", "weight"


def _pre(v: float) -> tuple[str, str]:
    return "output_empty", "fg"


def _act(v: float) -> tuple[str, str]:
    return ("output_fill", "fg") if v > 0 else ("output_empty", "muted")


def _reach(x: float, y: float, rows: np.ndarray, cols: np.ndarray, name: str, bottom: int) -> list[Item]:
    """The receptive-field outline over a grid at (x, y), its size written under the grid (``bottom`` rows)."""
    rows_total = bottom
    r0, c0 = int(rows[0]), int(cols[0])
    h, w = len(rows), len(cols)
    items = parts.frame(x + c0 * C, y + r0 * C, w * C, h * C, color="window", lw=2.5)
    del rows_total
    items.append(Label(x + c0 * C + w * C / 2, y + bottom * C + 11, f"reads {h}×{w}" if h > 1 else "output",
                       8, "weight", bold=True, ha="center", va="center", key=("reach", name)))
    return items


def _arrow(x0: float, x1: float, y: float, text: str) -> list[Item]:
    return [Line(((x0 + 4, y), (x1 - 4, y)), "fg", 1.4, arrow=True, head=7),
            Label((x0 + x1) / 2, y - 9, text, 8, "muted", ha="center", va="center")]


def plan(spec: FigureSpec, data: Chain) -> Layout:
    n, (s1, s2) = data.n, data.specs
    shapes = {"input": (7, 7, 1), "kernel1": n["k1"].shape, "z1": s1.output_shape, "a1": s1.output_shape,
              "kernel2": n["k2"].shape, "z2": s2.output_shape, "a2": s2.output_shape}
    heads = {"input": "input", "kernel1": "kernels", "z1": "conv + bias", "a1": "ReLU",
             "kernel2": "kernel", "z2": "conv + bias", "a2": "ReLU"}
    span_h = 22                                     # "layer 1 ..." / "layer 2 ..." over their panels
    head_h = span_h + 44
    top = M + head_h
    map_gap = 30                                    # between the filter-0 and filter-1 grids of a panel
    tall = 2 * 5 * C + map_gap
    items: list[Item] = []
    x = M
    xs: dict[str, float] = {}

    def panel_head(name: str, px: float, width: float) -> None:
        cx = px + width / 2
        items.append(Label(cx, M + span_h + 10, heads[name], HEAD_PT, "fg", bold=True, ha="center", va="center"))
        items.append(parts.chip(cx - (tx.width(fmt.tuple_str(shapes[name]), 8, True) + 8) / 2, M + span_h + 30,
                                fmt.tuple_str(shapes[name]), fill="bg", size=8, height=16, pad=4,
                                key=("shape", name)))

    # input
    xs["input"] = x
    y_in = top + (tall - 7 * C) / 2
    items += _grid(x, y_in, n["x"][..., 0], "input", _plain)
    panel_head("input", x, 7 * C)
    x += 7 * C + GAP
    # layer 1 kernels (one per filter, with its bias)
    xs["kernel1"] = x
    for f in range(2):
        ky = top + f * (5 * C + map_gap) + C
        items.append(Label(x, ky - 6, f"filter {f}", 8, "muted"))
        items += _grid(x, ky, n["k1"][:, :, 0, f], "kernel1", _kernel, (f,))
        items.append(Box(x, ky + 3 * C + 4, 3 * C, 16, fill="bg", text=f"bias {fmt.num(n['b1'][f])}", size=8,
                         color="weight", bold=True, key=("bias1", (f,))))
    panel_head("kernel1", x, 3 * C)
    x += 3 * C + GAP
    for name in ("z1", "a1"):
        xs[name] = x
        for f in range(2):
            my = top + f * (5 * C + map_gap)
            items += _grid(x, my, n[name][..., f], name, _pre if name == "z1" else _act, (f,))
            items.append(Label(x + 5 * C + 4, my + 5 * C / 2, f"ch {f}" if name == "a1" else f"f {f}", 7.5,
                               "muted", va="center"))
        panel_head(name, x, 5 * C)
        x += 5 * C + GAP + 18
    x -= 18
    xs["kernel2"] = x
    for ch in range(2):
        ky = top + ch * (5 * C + map_gap) + C
        items.append(Label(x, ky - 6, f"slice ch {ch}", 8, "muted"))
        items += _grid(x, ky, n["k2"][:, :, ch, 0], "kernel2", _kernel, (ch,))
    items.append(Box(x, top + tall / 2 - 8, 3 * C, 16, fill="bg", text=f"bias {fmt.num(n['b2'][0])}", size=8,
                     color="weight", bold=True, key=("bias2", (0,))))
    panel_head("kernel2", x, 3 * C)
    x += 3 * C + GAP
    y_out = top + (tall - 3 * C) / 2
    for name in ("z2", "a2"):
        xs[name] = x
        items += _grid(x, y_out, n[name][..., 0], name, _pre if name == "z2" else _act)
        panel_head(name, x, 3 * C)
        x += 3 * C + GAP
    width = int(x - GAP + M)
    # arrows between the panels
    mid = top + tall / 2
    order = ["input", "kernel1", "z1", "a1", "kernel2", "z2", "a2"]
    ends = {"input": 7 * C, "kernel1": 3 * C, "z1": 5 * C, "a1": 5 * C, "kernel2": 3 * C, "z2": 3 * C}
    words = {"input": "", "kernel1": "", "z1": "ReLU", "a1": "", "kernel2": "", "z2": "ReLU"}
    for a, b in zip(order, order[1:]):
        if a in ("input", "a1"):
            items += _arrow(xs[a] + ends[a], xs[b], mid, words[a])
        elif a in ("kernel1", "kernel2"):
            items += _arrow(xs[a] + ends[a], xs[b], mid, "")
        else:
            items += _arrow(xs[a] + ends[a] + (18 if a == "z1" else 0), xs[b], mid, words[a])
    # receptive field of output OUT, on the same chain
    (r1, c1), (r0, c0) = data.reach1, data.reach0
    items += _reach(xs["input"], y_in, r0, c0, "input", 7)
    items += _reach(xs["a1"], top + 5 * C + map_gap, r1, c1, "a1", 5)
    items += parts.frame(xs["a1"] + int(c1[0]) * C, top + int(r1[0]) * C, len(c1) * C, len(r1) * C, "window", 2.5)
    items += _reach(xs["a2"], y_out, np.array([OUT[0]]), np.array([OUT[1]]), "a2", 3)
    for label, a, b in ((f"layer 1: Conv2D({s1.filters}, 3) + ReLU", "kernel1", "a1"),
                        (f"layer 2: Conv2D({s2.filters}, 3) + ReLU", "kernel2", "a2")):
        x0, x1 = xs[a], xs[b] + ends.get(b, 3 * C)
        items.append(Line(((x0, M + 16), (x1, M + 16)), "accent", 1.5))
        items += [Line(((v, M + 16), (v, M + 21)), "accent", 1.5) for v in (x0, x1)]
        items.append(Label((x0 + x1) / 2, M + 8, label, 8.5, "accent", bold=True, ha="center", va="center",
                           plate="bg"))
    # the Keras model, with the shapes and parameter counts of the engine
    y = top + tall + 26
    items.append(Label(M, y, f"Outlined: output ({OUT[0]}, {OUT[1]}) of layer 2 reads 3×3 cells of each layer-1 "
                       f"map, which read {len(r0)}×{len(c0)} cells of the input.", 8.5, "fg"))
    code = ["x = keras.Input(shape=(7, 7, 1))",
            f"h = keras.layers.Conv2D(2, 3, activation='relu')(x)   # {fmt.tuple_str(s1.output_shape)}, "
            f"{s1.params} params",
            f"y = keras.layers.Conv2D(1, 3, activation='relu')(h)   # {fmt.tuple_str(s2.output_shape)}, "
            f"{s2.params} params"]
    for i, line in enumerate(code):
        items.append(Label(M, y + 20 + 15 * i, line, CODE_PT, "fg", mono=True))
    height = int(y + 20 + 15 * len(code) + M - 4)
    width = max(width, int(parts.extent(items)[0]) + M)
    alt = (f"A two-layer Conv2D chain with bias and ReLU. Input 7×7×1, a plus sign. Layer 1: two 3×3 filters "
           f"(vertical line, horizontal line), bias −2 each, output {fmt.tuple_str(s1.output_shape)}; after the "
           f"ReLU only the two lines remain. Those two maps are layer 2's input channels; its 3×3×2 kernel and "
           f"bias −6 give {fmt.tuple_str(s2.output_shape)}, non-zero only at the centre, where the lines cross. "
           f"Output ({OUT[0]}, {OUT[1]}) reads 3×3 cells of each layer-1 map and {len(r0)}×{len(c0)} of the input.")
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=2)
