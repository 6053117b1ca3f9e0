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


SPAN_H = 22                 # "layer 1 ..." / "layer 2 ..." over their panels
TOP = M + SPAN_H + 44       # first grid row
MAP_GAP = 30                # between the filter-0 and filter-1 grids of a panel
TALL = 2 * 5 * C + MAP_GAP
HEADS = {"input": "input", "kernel1": "kernels", "z1": "conv + bias", "a1": "ReLU",
         "kernel2": "kernel", "z2": "conv + bias", "a2": "ReLU"}
WIDE = {"input": 7 * C, "kernel1": 3 * C, "z1": 5 * C, "a1": 5 * C, "kernel2": 3 * C, "z2": 3 * C, "a2": 3 * C}


def _head(name: str, px: float, shape: tuple) -> list[Item]:
    cx = px + WIDE[name] / 2
    text = fmt.tuple_str(shape)
    return [Label(cx, M + SPAN_H + 10, HEADS[name], HEAD_PT, "fg", bold=True, ha="center", va="center"),
            parts.chip(cx - (tx.width(text, 8, True) + 8) / 2, M + SPAN_H + 30, text, fill="bg", size=8, height=16,
                       pad=4, key=("shape", name))]


def _bias(x: float, y: float, v: float, key: tuple) -> Box:
    return Box(x, y, 3 * C, 16, fill="bg", text=f"bias {fmt.num(v)}", size=8, color="weight", bold=True, key=key)


def _panels(n: dict[str, np.ndarray], shapes: dict[str, tuple]) -> tuple[list[Item], dict[str, float]]:
    """Every grid left to right; returns (items, x of each panel)."""
    items: list[Item] = []
    xs: dict[str, float] = {}
    x = float(M)
    for name in ("input", "kernel1", "z1", "a1", "kernel2", "z2", "a2"):
        xs[name] = x
        items += _head(name, x, shapes[name])
        if name in ("input", "z2", "a2"):
            side = WIDE[name] // C
            fill = _plain if name == "input" else _pre if name == "z2" else _act
            items += _grid(x, TOP + (TALL - side * C) / 2, n["x" if name == "input" else name][..., 0], name, fill)
        for f in range(2):
            y = TOP + f * (5 * C + MAP_GAP)
            if name == "kernel1":
                items.append(Label(x, y + C - 6, f"filter {f}", 8, "muted"))
                items += _grid(x, y + C, n["k1"][:, :, 0, f], name, _kernel, (f,))
                items.append(_bias(x, y + 4 * C + 4, n["b1"][f], ("bias1", (f,))))
            elif name == "kernel2":
                items.append(Label(x, y + C - 6, f"slice ch {f}", 8, "muted"))
                items += _grid(x, y + C, n["k2"][:, :, f, 0], name, _kernel, (f,))
            elif name in ("z1", "a1"):
                items += _grid(x, y, n[name][..., f], name, _pre if name == "z1" else _act, (f,))
                items.append(Label(x + 5 * C + 4, y + 5 * C / 2, f"ch {f}" if name == "a1" else f"f {f}", 7.5,
                                   "muted", va="center"))
        if name == "kernel2":
            items.append(_bias(x, TOP + TALL / 2 - 8, n["b2"][0], ("bias2", (0,))))
        x += WIDE[name] + GAP + (18 if name in ("z1", "a1") else 0)
    return items, xs


def _links(xs: dict[str, float], specs: tuple[convfig.ConvSpec, ...]) -> list[Item]:
    """Arrows between the panels and the brackets naming the two layers."""
    items: list[Item] = []
    order = list(WIDE)
    for a, b in zip(order, order[1:]):
        extra = 18 if a == "z1" else 0
        items += _arrow(xs[a] + WIDE[a] + extra, xs[b], TOP + TALL / 2, "ReLU" if a in ("z1", "z2") else "")
    for i, (a, b) in enumerate((("kernel1", "a1"), ("kernel2", "a2"))):
        x0, x1 = xs[a], xs[b] + WIDE[b]
        label = f"layer {i + 1}: Conv2D({specs[i].filters}, 3) + ReLU"
        items.append(Line(((x0, M + 16), (x1, M + 16)), "accent", 1.5))
        items += [Line(((v, M + 16), (v, M + 21)), "accent", 1.5) for v in (x0, x1)]
        items.append(Label((x0 + x1) / 2, M + 8, label, 8.5, "accent", bold=True, ha="center", va="center",
                           plate="bg"))
    return items


def plan(spec: FigureSpec, data: Chain) -> Layout:
    n, (s1, s2) = data.n, data.specs
    shapes = {"input": (7, 7, 1), "kernel1": n["k1"].shape, "z1": s1.output_shape, "a1": s1.output_shape,
              "kernel2": n["k2"].shape, "z2": s2.output_shape, "a2": s2.output_shape}
    items, xs = _panels(n, shapes)
    items += _links(xs, data.specs)
    # receptive field of output OUT, on the same chain
    (r1, c1), (r0, c0) = data.reach1, data.reach0
    items += _reach(xs["input"], TOP + (TALL - 7 * C) / 2, r0, c0, "input", 7)
    items += _reach(xs["a1"], TOP + 5 * C + MAP_GAP, r1, c1, "a1", 5)
    items += parts.frame(xs["a1"] + int(c1[0]) * C, TOP + int(r1[0]) * C, len(c1) * C, len(r1) * C, "window", 2.5)
    items += _reach(xs["a2"], TOP + (TALL - 3 * C) / 2, np.array([OUT[0]]), np.array([OUT[1]]), "a2", 3)
    # the Keras model, with the shapes and parameter counts of the engine
    y = TOP + TALL + 26
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
    width = int(parts.extent(items)[0]) + M
    alt = (f"A two-layer Conv2D chain with bias and ReLU. Input 7×7×1, a plus sign. Layer 1: two 3×3 filters "
           f"(vertical line, horizontal line), bias −2 each, output {fmt.tuple_str(s1.output_shape)}; after the "
           f"ReLU only the two lines remain. Those two maps are layer 2's input channels; its 3×3×2 kernel and "
           f"bias −6 give {fmt.tuple_str(s2.output_shape)}, non-zero only at the centre, where the lines cross. "
           f"Output ({OUT[0]}, {OUT[1]}) reads 3×3 cells of each layer-1 map and {len(r0)}×{len(c0)} of the input.")
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=2)
