"""Receptive field: a stack of small kernels reaches as far as one larger kernel, with fewer weights.

Row 1 draws the stack: the input, each layer's output map, and in every map the cells that the centre
output cell of the last layer reads (walked back through the engine's traces). Row 2 draws one layer with
the same reach. The reach is ``convfig.arithmetic.receptive_field``; weights are
``convfig.arithmetic.param_count`` (per input-output channel pair, no bias).

Keys (what tests read):

- map cells ``(name, (r, c))``, no text: name ``"input"`` (the stack's input; valid padding, so these are
  also padded-input coordinates), ``"layer1"`` .. ``"layerN"`` (each layer's output map),
  ``"single_input"`` and ``"single_output"`` (row 2). A cell the centre output reads has fill
  ``"window_fill"``; the centre output cell itself ``"output_new"``; others ``"input_fill"``.
- ``("reach", name)``: the outline around the cells read in that map; ``("reads", name)``: its caption.
- ``("weights", i)`` for layer i (1-based), ``("weights", "stack")`` and ``("weights", "single")``: boxes
  whose text is the weight count (two 3x3 layers: 9, 9, 18; one 5x5: 25).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

import convfig
from convfig import arithmetic
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line
from convfig.render.style import FONT_CAPTION, FONT_LABEL, FONT_TITLE
from convfig.render.types import ConvfigError, FigureSpec

MAX_SIDE = 15        # widest input map drawn (cells)
M = 16               # figure margin
ARROW_W = 78         # room between two maps for the arrow
# slides (target "slide"): the stack and the single layer side by side, larger type
S_TITLE, S_HEAD, S_LABEL, S_CAP, S_NUM = 20, 18, 17, 17, 19
SLIDE_W = 1080       # the width the slide arrangement aims for (1.6x to 1.8x on a 1920 x 1080 slide)
GROUP_GAP = 64       # between the two groups


@dataclass(frozen=True)
class Field:
    """What the figure shows, all from the engine."""

    layers: list[tuple[int, int, int]]       # (kernel, stride, dilation) per layer
    size: int                                # receptive field (cells per axis)
    jump: int                                # its jump (product of the strides)
    chain: list[convfig.ConvSpec]            # the stack, first layer first
    reads: list[set[tuple[int, int]]]        # per map (0 = input): cells the centre output reads
    single: convfig.ConvSpec                 # one layer with the same reach
    single_reads: set[tuple[int, int]]
    stack_weights: list[int]                 # per layer, per channel pair
    single_weights: int


def _read_by(trace: convfig.Trace, cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Input cells read by the windows of the given output cells (from the trace's steps)."""
    wo = trace.spec.out_spatial[1]
    out: set[tuple[int, int]] = set()
    for r, q in cells:
        rows, cols = (np.asarray(v) for v in trace.steps[r * wo + q].input_index)
        out |= {(int(a), int(b)) for a in rows for b in cols}
    return out


def _centre(spec: convfig.ConvSpec) -> set[tuple[int, int]]:
    return {(spec.out_spatial[0] // 2, spec.out_spatial[1] // 2)}


def compute(spec: FigureSpec) -> Field:
    p = spec.params
    layers = list(zip(p["kernels"], p["strides"], p["dilations"]))
    size, jump = cast(tuple[int, int], arithmetic.receptive_field(layers))      # one axis: (size, jump)
    n = size + 2 * jump
    if n > MAX_SIDE:
        raise ConvfigError(f"kernels: the stack reaches {size} cells, too wide to draw (at most "
                           f"{MAX_SIDE - 2}); use fewer or smaller kernels")
    chain, traces, m = [], [], n
    for k, s, d in layers:
        sp = convfig.ConvSpec.make((m, m), k, strides=s, dilation_rate=d)
        chain.append(sp)
        traces.append(convfig.trace_example(sp))
        m = sp.out_spatial[0]
    reads = [_centre(chain[-1])]
    for tr in reversed(traces):
        reads.insert(0, _read_by(tr, reads[0]))
    single = convfig.ConvSpec.make((n, n), size, strides=jump)
    return Field(layers, size, jump, chain, reads, single, _read_by(convfig.trace_example(single), _centre(single)),
                 [arithmetic.param_count((k, k), 1, 1, bias=False) for k, _, _ in layers],
                 arithmetic.param_count((size, size), 1, 1, bias=False))


def _map(x0: float, y0: float, sz: int, c: int, name: str, cells: set[tuple[int, int]], target: bool,
         label: str, sub: str, fonts: tuple[float, float] = (FONT_LABEL, FONT_CAPTION)) -> list[Item]:
    """One square map: its cells (read ones shaded), the outline of the read cells, title and caption
    (``fonts``: their sizes; the lines above the map grow with them)."""
    lab, cap = fonts
    hit = "output_new" if target else "window_fill"
    items: list[Item] = [Box(x0 + q * c, y0 + r * c, c, c, fill=hit if (r, q) in cells else "input_fill",
                             edge="grid", key=(name, (r, q))) for r in range(sz) for q in range(sz)]
    rs, qs = [r for r, _ in cells], [q for _, q in cells]
    items += [Box(x0, y0, sz * c, sz * c, edge="fg", lw=1.4),
              Box(x0 + min(qs) * c, y0 + min(rs) * c, (max(qs) - min(qs) + 1) * c, (max(rs) - min(rs) + 1) * c,
                  edge="window", lw=2.4, key=("reach", name)),
              Label(x0, y0 - 34 * lab / FONT_LABEL, label, lab, bold=True, va="center"),
              Label(x0, y0 - 15 * cap / FONT_CAPTION, sub, cap, "muted", va="center", key=("reads", name))]
    return items


def _arrow(x0: float, ym: float, text: str, key: tuple, length: float = ARROW_W - 20,
           size: float = FONT_CAPTION) -> list[Item]:
    return [Line(((x0, ym), (x0 + length, ym)), "muted", 1.4, arrow=True, head=10),
            Label(x0 + length / 2, ym - 14 * size / FONT_CAPTION, text, size, "muted", ha="center", va="center",
                  key=key)]


def _layer_text(k: int, s: int, d: int) -> str:
    return fmt.shape((k, k)) + (f", s={s}" if s > 1 else "") + (f", d={d}" if d > 1 else "")


def _span(cells: set[tuple[int, int]]) -> str:
    rows = len({r for r, _ in cells})
    cols = len({q for _, q in cells})
    return fmt.shape((rows, cols))


def _sum_chips(px: float, yc: float, terms: list[int], total: int, size: float) -> tuple[list[Item], list[Item]]:
    """``9 + 9 = 18`` (or just ``25`` without terms) as boxed numbers from px on: (the signs, the boxes)."""
    cells: list[tuple[str, tuple]] = [(str(w), ("weights", i + 1)) for i, w in enumerate(terms)]
    cells.append((str(total), ("weights", "stack" if terms else "single")))
    signs: list[Item] = []
    chips: list[Item] = []
    gap = 20 * size / FONT_CAPTION
    for j, (s, key) in enumerate(cells):
        if j:
            signs.append(Label(px + gap / 2, yc, "=" if j == len(cells) - 1 else "+", size, ha="center",
                               va="center"))
            px += gap
        chip = parts.chip(px, yc, s, fill="window_fill", edge="window", size=size, pad=7, height=24 * size / 10,
                          key=key)
        chips.append(chip)
        px += chip.w
    return signs, chips


def _weights(x: float, y: float, f: Field) -> list[Item]:
    """The weight counts as numbered boxes: stack 9 + 9 = 18, one 5x5: 25."""
    size = fmt.shape((f.size, f.size))
    items: list[Item] = [Label(x, y, "weights per input–output channel pair", FONT_CAPTION, bold=True, va="center")]
    chips: list[Item] = []                # drawn last: nothing overlaps a number
    for row, (name, terms, total) in enumerate((("stack", f.stack_weights, sum(f.stack_weights)),
                                               (f"one {size}", [], f.single_weights))):
        yc = y + 30 + row * 32
        items.append(Label(x, yc, name + ":", FONT_CAPTION, va="center"))
        signs, boxes = _sum_chips(x + 74, yc, terms, total, FONT_CAPTION)
        items += signs
        chips += boxes
    stack, one = sum(f.stack_weights), f.single_weights
    items += [Label(x, y + 108, "with C channels in and out:", FONT_CAPTION, "muted", va="center"),
              Label(x, y + 126, f"{stack}{fmt.DOT}C² vs {one}{fmt.DOT}C²", FONT_CAPTION, "muted", va="center")]
    return items + chips


def _slide_maps(x: float, y: float, c: int, maps: list[tuple[int, str, set, bool, str, str]],
                arrows: list[tuple[str, tuple, float]]) -> tuple[list[Item], float]:
    """A row of maps (size, name, read cells, target?, label, caption) joined by arrows (text, key, room);
    returns (items, right end)."""
    items: list[Item] = []
    for i, (sz, name, cells, target, label, sub) in enumerate(maps):
        items += _map(x, y, sz, c, name, cells, target, label, sub, (S_LABEL, S_CAP))
        w = max(sz * c, tx.width(label, S_LABEL, True), tx.width(sub, S_CAP))
        if i == len(maps) - 1:
            return items, x + w
        text, key, room = arrows[i]
        nxt = x + max(sz * c + room, w + 28)
        ym = max(y + maps[i + 1][0] * c / 2, y + 14 * S_CAP / FONT_CAPTION + 8)    # its text below the captions
        items += _arrow(x + sz * c + 10, ym, text, key, nxt - x - sz * c - 20, S_CAP)
        x = nxt
    return items, x


def _plan_slide(f: Field) -> Layout:
    """The slide: the stack (left) and the single layer (right) side by side, each with its weight count
    under it; the closing notes are left to the speaker."""
    n = f.chain[0].input_shape[0]
    sizes = [n] + [sp.out_spatial[0] for sp in f.chain]
    so = f.single.out_spatial[0]
    size = fmt.shape((f.size, f.size))
    texts = [_layer_text(*lay) for lay in f.layers] + [_layer_text(f.size, f.jump, 1)]
    rooms = [max(ARROW_W, tx.width(t, S_CAP) + 30) for t in texts]
    c = int(max(14, min(34, (SLIDE_W - 2 * M - GROUP_GAP - sum(rooms)) / (sum(sizes) + n + so))))
    ks = " + ".join(fmt.shape((k, k)) for k, _, _ in f.layers)
    items, head_h = parts.heading(M, 8, f"Receptive field: {len(f.layers)} stacked layers ({ks}) reach {size} "
                                  "input cells", "the shaded cells are the ones the centre output reads, layer by "
                                  "layer (valid padding, 1 channel)", size=S_TITLE, sub_size=S_CAP)
    gh = 8 + head_h + 30                  # group headers
    gy = gh + 102                         # top of the maps
    maps = [(sz, "input" if i == 0 else f"layer{i}", f.reads[i], i == len(sizes) - 1,
             f"{'input' if i == 0 else f'layer {i}:'} {fmt.shape((sz, sz))}",
             "the output cell" if i == len(sizes) - 1 else f"reads {_span(f.reads[i])}") for i, sz in enumerate(sizes)]
    x1 = M + 8
    row, right = _slide_maps(x1, gy, c, maps, [(t, ("arrow", i + 1), r) for i, (t, r) in
                                               enumerate(zip(texts, rooms))])
    x2 = right + GROUP_GAP
    single = [(n, "single_input", f.single_reads, False, f"input {fmt.shape((n, n))}",
               f"reads {_span(f.single_reads)}"),
              (so, "single_output", _centre(f.single), True, f"output {fmt.shape((so, so))}", "the output cell")]
    row2, _ = _slide_maps(x2, gy, c, single, [(texts[-1], ("arrow", "single"), rooms[-1])])
    yc = gy + n * c + 44                  # the weight counts
    items += row + row2
    chips: list[Item] = []
    stacked = f"{len(f.layers)} stacked layers" if len(f.layers) > 1 else "1 layer"
    for x, head, terms, total in ((x1, stacked, f.stack_weights, sum(f.stack_weights)),
                                  (x2, f"one {size} layer", [], f.single_weights)):
        items += [Label(x, gh, head, S_HEAD, bold=True, va="center"),
                  Label(x, yc, "weights:", S_CAP, va="center")]
        signs, boxes = _sum_chips(x + tx.width("weights:", S_CAP) + 12, yc, terms, total, S_NUM)
        items += signs
        chips += boxes
    items.append(Line(((x2 - GROUP_GAP / 2, gh - 14), (x2 - GROUP_GAP / 2, yc + 20)), "grid", 1.2))
    stack, one = sum(f.stack_weights), f.single_weights
    items.append(Label(M + 8, yc + 50, f"weights per input–output channel pair; with C channels in and out: "
                       f"{stack}{fmt.DOT}C² vs {one}{fmt.DOT}C²", S_CAP, "muted", va="center"))
    items += chips
    w, h = parts.extent(items)
    return Layout(int(np.ceil(w + M)), int(np.ceil(h + M + 8)), items, alt=_alt(f, n, size), ss=2, levels=0)


def plan(spec: FigureSpec, f: Field) -> Layout:
    if spec.target == "slide":
        return _plan_slide(f)
    n = f.chain[0].input_shape[0]
    sizes = [n] + [sp.out_spatial[0] for sp in f.chain]
    c = int(max(16, min(30, (860 - len(f.chain) * ARROW_W) / sum(sizes))))
    gy1 = 112
    gy2 = gy1 + n * c + 96
    ks = " + ".join(fmt.shape((k, k)) for k, _, _ in f.layers)
    size = fmt.shape((f.size, f.size))
    items, _ = parts.heading(M, 8, f"Receptive field: {len(f.layers)} stacked layers ({ks}) reach {size} input cells",
                             "the shaded cells are the ones the centre output reads, layer by layer "
                             "(valid padding, 1 channel)", size=FONT_TITLE, sub_size=FONT_CAPTION)
    x = M + 8
    for i, sz in enumerate(sizes):        # row 1: the stack
        last = i == len(sizes) - 1
        name = "input" if i == 0 else f"layer{i}"
        label = f"input {fmt.shape((sz, sz))}" if i == 0 else f"layer {i} output {fmt.shape((sz, sz))}"
        sub = "the output cell" if last else f"reads {_span(f.reads[i])}"
        items += _map(x, gy1, sz, c, name, f.reads[i], last, label, sub)
        if not last:
            items += _arrow(x + sz * c + 10, gy1 + sizes[i + 1] * c / 2, _layer_text(*f.layers[i]), ("arrow", i + 1))
        x += sz * c + ARROW_W
    so = f.single.out_spatial[0]          # row 2: one layer with the same reach
    x0 = M + 8
    items += _map(x0, gy2, n, c, "single_input", f.single_reads, False, f"input {fmt.shape((n, n))}",
                  f"reads {_span(f.single_reads)}")
    items += _arrow(x0 + n * c + 10, gy2 + so * c / 2, _layer_text(f.size, f.jump, 1), ("arrow", "single"))
    x2 = x0 + n * c + ARROW_W
    items += _map(x2, gy2, so, c, "single_output", _centre(f.single), True,
                  f"one {size} layer: output {fmt.shape((so, so))}", "the output cell")
    items += _weights(x2 + so * c + 40, gy2 + 4, f)
    h = max(gy2 + n * c, gy2 + 140) + 76
    notes = [f"Both reach {size} input cells (receptive field {f.size}, computed by "
             "convfig.arithmetic.receptive_field).",
             "The stack uses fewer weights and adds a nonlinearity between the layers."]
    items += [Label(M, h - 36 + 18 * i, s, FONT_CAPTION, "muted", va="center") for i, s in enumerate(notes)]
    w = max(700.0, parts.extent(items)[0] + M)
    return Layout(int(np.ceil(w)), int(h), items, alt=_alt(f, n, size), ss=2, levels=0)


def _alt(f: Field, n: int, size: str) -> str:
    klist = ", ".join(str(k) for k, _, _ in f.layers)
    stack = " + ".join(str(w) for w in f.stack_weights)
    return (f"Receptive field of {len(f.layers)} stacked conv layers with kernel sizes {klist}, strides "
            f"{', '.join(str(s) for _, s, _ in f.layers)}, dilations {', '.join(str(d) for _, _, d in f.layers)}: "
            f"one output reads {size} cells of a {fmt.shape((n, n))} input, the same as one {size} layer. "
            f"Weights per channel pair: {stack} = {sum(f.stack_weights)} for the stack versus "
            f"{f.single_weights} for the single layer.")
