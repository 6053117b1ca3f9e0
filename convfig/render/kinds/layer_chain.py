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


SPAN_H = 22                 # "layer 1 ..." / "layer 2 ..." over their panels
MAP_GAP = 30                # between the filter-0 and filter-1 grids of a panel
CELLS = {"input": 7, "kernel1": 3, "z1": 5, "a1": 5, "kernel2": 3, "z2": 3, "a2": 3}   # panel widths in cells


@dataclass(frozen=True)
class G:
    """Cell side, type (pt) of the cell numbers, headings, keyed words (shape chips, biases, 'reads 5×5'), muted
    notes, layer spans and the code; heights of the chips and bias boxes; y of the heading row, chip row and first
    grid row; gap between maps and between panels; the panels drawn. The page's by default."""

    c: float = C
    num: float = NUM_PT
    head: float = HEAD_PT
    word: float = 8
    note: float = 8
    span: float = 8.5
    code: float = CODE_PT
    chip_h: float = 16
    bias_h: float = 16
    rows: tuple[float, float, float] = (M + SPAN_H + 10, M + SPAN_H + 30, M + SPAN_H + 44)
    map_gap: float = MAP_GAP
    gap: float = GAP
    panels: tuple[str, ...] = tuple(CELLS)

    @property
    def top(self) -> float:
        return self.rows[2]

    @property
    def tall(self) -> float:
        return 2 * 5 * self.c + self.map_gap

    def wide(self, name: str) -> float:
        return CELLS[name] * self.c


# a slide: the maps before the ReLU go (the arrows say "ReLU"); every keyed number in 14.5 pt
SLIDE = G(34, 14.5, 13, 14.5, 11, 11.5, 10.5, 26, 24, (M + 40, M + 70, M + 92), 30, 72,
          ("input", "kernel1", "a1", "kernel2", "a2"))


def _grid(x: float, y: float, values: np.ndarray, name: str, fill_of, extra: tuple = (), g: G = G()) -> list[Item]:
    out: list[Item] = []
    for (r, c), v in np.ndenumerate(values):
        s = fmt.num(v)
        fill, colour = fill_of(v)
        out.append(Box(x + c * g.c, y + r * g.c, g.c, g.c, fill=fill, edge="grid", text=s, color=colour,
                       size=tx.fit(s, g.num, g.c - 3), key=(name, (r, c) + extra)))
    return out


def _plain(v: float) -> tuple[str, str]:
    return "input_fill", "fg"


def _kernel(v: float) -> tuple[str, str]:
    return "window_fill", "weight"


def _pre(v: float) -> tuple[str, str]:
    return "output_empty", "fg"


def _act(v: float) -> tuple[str, str]:
    return ("output_fill", "fg") if v > 0 else ("output_empty", "muted")


def _reach(x: float, y: float, rows: np.ndarray, cols: np.ndarray, name: str, bottom: int, g: G) -> list[Item]:
    """The receptive-field outline over a grid at (x, y), its size written under the grid (``bottom`` rows)."""
    r0, c0 = int(rows[0]), int(cols[0])
    h, w = len(rows), len(cols)
    items = parts.frame(x + c0 * g.c, y + r0 * g.c, w * g.c, h * g.c, color="window", lw=2.5)
    items.append(Label(x + c0 * g.c + w * g.c / 2, y + bottom * g.c + round(11 * g.word / 8),
                       f"reads {h}×{w}" if h > 1 else "output", g.word, "weight", bold=True, ha="center",
                       va="center", key=("reach", name)))
    return items


def _arrow(x0: float, x1: float, y: float, text: str, g: G) -> list[Item]:
    return [Line(((x0 + 4, y), (x1 - 4, y)), "fg", 1.4, arrow=True, head=7),
            Label((x0 + x1) / 2, y - round(9 * g.note / 8), text, g.note, "muted", ha="center", va="center")]


TOP = G().top               # first grid row
TALL = G().tall
HEADS = {"input": "input", "kernel1": "kernels", "z1": "conv + bias", "a1": "ReLU",
         "kernel2": "kernel", "z2": "conv + bias", "a2": "ReLU"}
SLIDE_HEADS = {**HEADS, "kernel1": "kernels + bias", "a1": "after ReLU", "kernel2": "kernel + bias",
               "a2": "after ReLU"}
WIDE = {name: G().wide(name) for name in CELLS}


def _head(name: str, px: float, shape: tuple, g: G) -> list[Item]:
    cx = px + g.wide(name) / 2
    text = fmt.tuple_str(shape)
    pad = 4 * g.word / 8
    return [Label(cx, g.rows[0], (HEADS if g.panels == G.panels else SLIDE_HEADS)[name], g.head, "fg", bold=True,
                  ha="center", va="center"),
            parts.chip(cx - (tx.width(text, g.word, True) + 2 * pad) / 2, g.rows[1], text, fill="bg", size=g.word,
                       height=g.chip_h, pad=pad, key=("shape", name))]


def _bias(x: float, y: float, v: float, key: tuple, g: G) -> Box:
    return Box(x, y, 3 * g.c, g.bias_h, fill="bg", text=f"bias {fmt.num(v)}", size=g.word, color="weight", bold=True,
               key=key)


def _extra(name: str, g: G) -> float:
    """Room right of a panel of stacked maps for their 'ch 0' / 'f 0' labels."""
    return (18 if name in ("z1", "a1") else 0) * g.note / 8


def _panels(n: dict[str, np.ndarray], shapes: dict[str, tuple], g: G) -> tuple[list[Item], dict[str, float]]:
    """Every grid left to right; returns (items, x of each panel)."""
    items: list[Item] = []
    xs: dict[str, float] = {}
    x = float(M)
    c, top, k = g.c, g.top, g.note / 8
    for name in g.panels:
        xs[name] = x
        items += _head(name, x, shapes[name], g)
        if name in ("input", "z2", "a2"):
            side = CELLS[name]
            fill = _plain if name == "input" else _pre if name == "z2" else _act
            items += _grid(x, top + (g.tall - side * c) / 2, n["x" if name == "input" else name][..., 0], name, fill,
                           g=g)
        for f in range(2):
            y = top + f * (5 * c + g.map_gap)
            if name == "kernel1":
                items.append(Label(x, y + c - 6 * k, f"filter {f}", g.note, "muted"))
                items += _grid(x, y + c, n["k1"][:, :, 0, f], name, _kernel, (f,), g)
                items.append(_bias(x, y + 4 * c + 4, n["b1"][f], ("bias1", (f,)), g))
            elif name == "kernel2":
                items.append(Label(x, y + c - 6 * k, f"slice ch {f}", g.note, "muted"))
                items += _grid(x, y + c, n["k2"][:, :, f, 0], name, _kernel, (f,), g)
            elif name in ("z1", "a1"):
                items += _grid(x, y, n[name][..., f], name, _pre if name == "z1" else _act, (f,), g)
                items.append(Label(x + 5 * c + 4, y + 5 * c / 2, f"ch {f}" if name == "a1" else f"f {f}",
                                   7.5 * k, "muted", va="center"))
        if name == "kernel2":
            items.append(_bias(x, top + g.tall / 2 - g.bias_h / 2, n["b2"][0], ("bias2", (0,)), g))
        x += g.wide(name) + g.gap + _extra(name, g)
    return items, xs


def _links(xs: dict[str, float], specs: tuple[convfig.ConvSpec, ...], g: G) -> list[Item]:
    """Arrows between the panels and the brackets naming the two layers."""
    items: list[Item] = []
    order = g.panels
    relu = ("z1", "z2") if "z1" in order else ("kernel1", "kernel2")     # the arrow that applies the ReLU
    for a, b in zip(order, order[1:]):
        start = xs[a] + g.wide(a) + (_extra(a, g) if a == "z1" else 0)     # the a1 labels sit off the arrow's row
        items += _arrow(start, xs[b], g.top + g.tall / 2, "ReLU" if a in relu else "", g)
    k = g.span / 8.5
    for i, (a, b) in enumerate((("kernel1", "a1"), ("kernel2", "a2"))):
        x0, x1 = xs[a], xs[b] + g.wide(b)
        label = f"layer {i + 1}: Conv2D({specs[i].filters}, 3) + ReLU"
        items.append(Line(((x0, M + 16 * k), (x1, M + 16 * k)), "accent", 1.5))
        items += [Line(((v, M + 16 * k), (v, M + 21 * k)), "accent", 1.5) for v in (x0, x1)]
        items.append(Label((x0 + x1) / 2, M + 8 * k, label, g.span, "accent", bold=True, ha="center", va="center",
                           plate="bg"))
    return items


def plan(spec: FigureSpec, data: Chain) -> Layout:
    n, (s1, s2) = data.n, data.specs
    shapes = {"input": (7, 7, 1), "kernel1": n["k1"].shape, "z1": s1.output_shape, "a1": s1.output_shape,
              "kernel2": n["k2"].shape, "z2": s2.output_shape, "a2": s2.output_shape}
    g = SLIDE if spec.target == "slide" else G()
    c, top, tall = g.c, g.top, g.tall
    items, xs = _panels(n, shapes, g)
    items += _links(xs, data.specs, g)
    # receptive field of output OUT, on the same chain
    (r1, c1), (r0, c0) = data.reach1, data.reach0
    items += _reach(xs["input"], top + (tall - 7 * c) / 2, r0, c0, "input", 7, g)
    items += _reach(xs["a1"], top + 5 * c + g.map_gap, r1, c1, "a1", 5, g)
    items += parts.frame(xs["a1"] + int(c1[0]) * c, top + int(r1[0]) * c, len(c1) * c, len(r1) * c, "window", 2.5)
    items += _reach(xs["a2"], top + (tall - 3 * c) / 2, np.array([OUT[0]]), np.array([OUT[1]]), "a2", 3, g)
    # the Keras model, with the shapes and parameter counts of the engine (the slide leaves the sentence to the
    # teacher)
    y = top + tall + 26 * g.word / 8
    if g.panels == G.panels:
        items.append(Label(M, y, f"Outlined: output ({OUT[0]}, {OUT[1]}) of layer 2 reads 3×3 cells of each layer-1 "
                           f"map, which read {len(r0)}×{len(c0)} cells of the input.", 8.5, "fg"))
    else:
        y -= 20
    code = ["x = keras.Input(shape=(7, 7, 1))",
            f"h = keras.layers.Conv2D(2, 3, activation='relu')(x)   # {fmt.tuple_str(s1.output_shape)}, "
            f"{s1.params} params",
            f"y = keras.layers.Conv2D(1, 3, activation='relu')(h)   # {fmt.tuple_str(s2.output_shape)}, "
            f"{s2.params} params"]
    pitch = round(15 * g.code / CODE_PT)
    for i, line in enumerate(code):
        items.append(Label(M, y + 20 + pitch * i, line, g.code, "fg", mono=True))
    height = int(y + 20 + pitch * len(code) + M - 4)
    width = int(parts.extent(items)[0]) + M
    alt = (f"A two-layer Conv2D chain with bias and ReLU. Input 7×7×1, a plus sign. Layer 1: two 3×3 filters "
           f"(vertical line, horizontal line), bias −2 each, output {fmt.tuple_str(s1.output_shape)}; after the "
           f"ReLU only the two lines remain. Those two maps are layer 2's input channels; its 3×3×2 kernel and "
           f"bias −6 give {fmt.tuple_str(s2.output_shape)}, non-zero only at the centre, where the lines cross. "
           f"Output ({OUT[0]}, {OUT[1]}) reads 3×3 cells of each layer-1 map and {len(r0)}×{len(c0)} of the input.")
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=2)
