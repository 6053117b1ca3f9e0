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

import dataclasses
from dataclasses import dataclass

import numpy as np

import convfig
from convfig.layers import summary
from convfig.render import fmt, parts
from convfig.render import panels as pn
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Step
from convfig.render.types import FigureSpec

MAX_MAPS = 4
MAX_SIDE = 6
PAGE = pn.Sizes()
# a slide: every number in 14 pt (outputs, bold and up to "−39", in 54 px cells), headings 14 pt; the call in 10.5 pt
# (its whole-pixel advance, 9 px, is not narrower than the face's own: finish() sizes the figure by it)
SLIDE = pn.Sizes(36, 54, 11, 14, 14, 10.5, font=14, title=14, detail=10)
SLIDE_W, SLIDE_H = 1872, 1032               # a 1920x1080 slide inside its margins


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


@dataclass(frozen=True)
class Stack:
    """Where map j of a column sits: ``per`` maps top to bottom ``pitch`` px apart, then the next column ``dx`` px
    to the right (a slide wraps a tall stack of outputs)."""

    pitch: float
    per: int = 1 << 30
    dx: float = 0

    def at(self, x: float, y: float, j: int) -> tuple[float, float]:
        return x + j // self.per * self.dx, y + j % self.per * self.pitch


def _column(x: float, y: float, maps: np.ndarray, name: str, fill: str, label: str, bold: bool = False,
            stack: Stack = Stack(0), empty: bool = False, side: float = PAGE.s, label_pt: float = PAGE.label,
            font: float = PAGE.font) -> list[Item]:
    """Maps (h, w, n) placed by ``stack``, each keyed (name, (j, r, c)); ``empty``: only the empty cells (the
    steps write the values)."""
    out: list[Item] = []
    for j in range(maps.shape[-1]):
        xj, yj = stack.at(x, y, j)
        if label == "f":       # a short name left of the map, as over the pointwise columns (a slide's outputs)
            out.append(Label(xj - 6, yj + 2 + maps.shape[0] * side / 2, f"f{j}", label_pt, "muted", ha="right",
                             va="center"))
        else:
            out.append(Label(xj, yj - 5, f"{label} {j}", label_pt, "muted"))
        if empty:
            out += pn.empty_output(xj, yj + 2, *maps.shape[:2], side)[:maps.shape[0] * maps.shape[1]]
        else:
            out += pn.keyed_grid(xj, yj + 2, maps[..., j], lambda r, c, j=j: (name, (j, r, c)), fill, side=side,
                                 bold=bold, font=font)
    return out


def _written(x: float, y: float, stack: Stack, r: int, c: int, values: np.ndarray, name: str,
             side: float, font: float = PAGE.font) -> tuple[list, list]:
    """(keep, show) of one step in a column of maps: value j written at (r, c) of map j, ringed."""
    keep: list[Item] = []
    show: list[Item] = []
    for j, v in enumerate(values):
        xj, yj = stack.at(x, y, j)
        x0, y0 = xj + c * side, yj + 2 + r * side
        keep += pn.cell(x0, y0, fmt.num(v), (name, (j, r, c)), fill="output_fill", side=side, bold=True, font=font)
        show.append(Box(x0, y0, side, side, edge="window", lw=3, arms=8))
    return keep, show


def steps(d: Data, xs: list[float], y: float, stacks: tuple[Stack, Stack], z: pn.Sizes = PAGE
          ) -> tuple[list[Step], list[str]]:
    """One step per output position: the window on every input channel (clipped to the real cells), the
    depthwise sums into the maps, the pointwise sums into the outputs (``stacks``: of the maps, of the outputs);
    and the equations."""
    tr, m = d.trace, d.spec.depth_multiplier
    h, w, ch = d.x.shape
    pw = d.pk[0, 0]
    out: list[Step] = []
    eqs: list[str] = []
    for st in tr.depthwise.steps:
        r, c = (int(i) for i in st.out_pos)
        rows = [int(i) for i in st.input_index[0] if 0 <= i < h]
        cols = [int(i) for i in st.input_index[1] if 0 <= i < w]
        show: list[Item] = [pn.window(xs[0], y + q * m * stacks[0].pitch + 2, rows[0], cols[0], rows[-1], cols[-1],
                                      side=z.s) for q in range(ch)]
        keep, ring = _written(xs[2], y, stacks[0], r, c, st.sums, "mid", z.so, z.font)
        keep2, ring2 = _written(xs[4], y, stacks[1], r, c, tr.output[r, c], "output", z.so, z.font)
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


def _counts(d: Data, x0: float, y: float, z: pn.Sizes, right: float | None = None) -> list[Item]:
    """The parameter counts of both stages, their sum and one ordinary Conv2D, as chips in a row from x0; a chip
    that would pass ``right`` (if given) starts a new row."""
    ds = d.spec
    c, m, f, k = ds.channels, ds.depth_multiplier, d.filters, ds.kernel_size
    ks = "·".join(map(str, k))
    dw, pwn = int(np.prod(k)) * c * m, c * m * f + f
    counts = [(f"depthwise {ks}·{c}·{m} = {dw}", "depthwise"), (f"pointwise {c * m}·{f} + {f} = {pwn}", "pointwise"),
              (f"separable {dw + pwn}", "separable"),
              (f"Conv2D{f'({f}, {fmt.shape(k)}):' if z == PAGE else ''} {ks}·{c}·{f} + {f} = {d.conv_params}",
               "conv")]                # a slide: the same kernel and filters, said by the teacher
    items: list[Item] = []
    x = x0
    for text, key in counts:
        chip = parts.chip(x, y, text, fill="bg", edge="accent" if key != "conv" else "grid", size=z.chip,
                          key=("params", (key,)))
        if right is not None and x > x0 and x + chip.w > right:
            x, y = x0, y + chip.h + 10
            chip = dataclasses.replace(chip, x=x, y=y - chip.h / 2)
        items.append(chip)
        x += chip.w + 10
    return items


def _out_stack(pitch: float, room: float, n: int, dx: float) -> Stack:
    """n output maps ``pitch`` apart in the fewest columns (``dx`` apart) that keep them within ``room`` px."""
    per = max(1, min(n, int(room // pitch)))
    return Stack(pitch, per, dx)


def plan(spec: FigureSpec, data: Data) -> Layout:
    if spec.target != "slide":
        return _plan(data, PAGE, False, False)
    # the slide: the counts in one row or wrapped under the grids, the outputs in one column or folded into
    # columns as tall as the maps, whichever draws largest on 1920x1080
    return max((_plan(data, SLIDE, wrap, fold) for wrap in (False, True) for fold in (False, True)),
               key=lambda lay: min(SLIDE_W / lay.width, SLIDE_H / lay.height))


def _plan(d: Data, z: pn.Sizes, wrap: bool, fold: bool) -> Layout:
    """The figure in sizes z; ``wrap``: the counts may take two rows; ``fold``: the outputs may take columns."""
    ds, tr = d.spec, d.trace
    c, m, f = ds.channels, ds.depth_multiplier, d.filters
    k = ds.kernel_size
    mid = tr.depthwise.output
    s, so, lift = z.s, z.so, 2 * (z.label - PAGE.label)    # lift: room for larger map labels
    # one row per depthwise map; on a slide the outputs (filters, not maps) stack at their own, tighter pitch, in
    # as many columns as keep them within the rows of maps
    pitch = max(d.x.shape[0] * s, k[0] * s, mid.shape[0] * so) + 24 + lift
    oh, ow = tr.output.shape[:2]
    # on a slide the outputs are named left of them (f0, f1, ...): a tighter pitch
    opitch, ogut = (pitch, 0.0) if z == PAGE else (oh * so + 12, tx.width(f"f{f - 1}", z.label) + 8)
    stacks = (Stack(pitch), _out_stack(opitch, c * m * pitch, f, ow * so + pn.GAP + ogut) if fold else Stack(opitch))
    gut = 20 if z == PAGE else tx.width(f"map {c * m - 1}", z.label) + 8       # the pointwise rows' labels
    heads = [["input", f"{c} channel{'s' if c > 1 else ''}"], ["depthwise", "one kernel per channel"],
             ["depthwise output", f"{c * m} map{'s' if c * m > 1 else ''}, no mixing"],
             ["pointwise 1×1", "rows: maps, columns: filters"], ["output", f"{f} filter{'s' if f > 1 else ''}"]]
    widths = [d.x.shape[1] * s, k[1] * s, mid.shape[1] * so, f * s + gut,
              ow * so + (f - 1) // stacks[1].per * stacks[1].dx]
    xs = pn.columns([(hd, w, ogut if i == 4 else 0) for i, (hd, w) in enumerate(zip(heads, widths))], pn.MARGIN,
                    z.head)
    y0 = pn.MARGIN
    y = y0 + max(pn.heading_h(hd, z.head) for hd in heads) + 14 + lift
    items: list[Item] = []
    for hx, hd in zip(xs, heads):
        items += pn.heading(hx, y0, hd, z.head)
    # input channel c sits in the row of its first depthwise map (c * m)
    for q in range(c):
        yq = y + q * m * pitch
        items.append(Label(xs[0], yq - 5, f"channel {q}", z.label, "muted"))
        items += pn.keyed_grid(xs[0], yq + 2, d.x[..., q], lambda r, cc, q=q: ("input", (q, r, cc)), "input_fill",
                               side=s, font=z.font)
    dkm = d.dk.reshape(k + (c * m,))
    items += _column(xs[1], y, dkm, "dw_kernel", "window_fill", "kernel", stack=stacks[0], side=s, label_pt=z.label,
                     font=z.font)
    items += _column(xs[2], y, mid, "mid", "output_fill", "map", stack=stacks[0], empty=True, side=so,
                     label_pt=z.label)
    pw = d.pk[0, 0]                                   # (c*m, f)
    items += [Label(xs[3] + gut + j * s + s / 2, y - 5, f"f{j}", z.label, "muted", ha="center") for j in range(f)]
    for j in range(c * m):
        items.append(Label(xs[3] + gut - 4, y + 2 + j * pitch + s / 2, f"map {j}", z.label, "muted", ha="right",
                           va="center"))
        items += pn.keyed_grid(xs[3] + gut, y + 2 + j * pitch, pw[j:j + 1], lambda r, q, j=j: ("pointwise", (j, q)),
                               "window_fill", side=s, font=z.font)
    items += _column(xs[4], y, tr.output, "output", "output_fill", "filter" if z == PAGE else "f", bold=True,
                     stack=stacks[1], empty=True, side=so, label_pt=z.label)
    for a, b in zip(xs[:-1], widths[:-1]):
        items.append(Label(a + b + pn.GAP / 2 - 2, y + s, fmt.ARROW, z.title, "fg", ha="center", va="center"))
    right, bottom = parts.extent(items)
    items += _counts(d, pn.MARGIN, bottom + 18 + (z.chip - PAGE.chip), z, right if wrap else None)
    dw, pwn = int(np.prod(k)) * c * m, c * m * f + f
    alt = (f"Diagram of a separable convolution, {d.call}, on a {fmt.shape(ds.conv.input_shape)} input with {c} "
           f"channels: first each channel is convolved with its own {fmt.shape(k)} kernel (depthwise, {dw} weights, "
           f"no mixing), giving {c * m} maps; then a 1×1 pointwise convolution mixes those maps into {f} filters "
           f"({pwn} parameters with the biases). Together {dw + pwn} parameters, against {d.conv_params} for one "
           f"ordinary Conv2D with {f} filters of {fmt.shape(k)}. The animation steps through the {len(tr.depthwise)} "
           "output positions: the window on every channel, the depthwise sums written into the maps, then the "
           "pointwise sums into the outputs. Real example numbers in every cell.")
    st, eqs = steps(d, xs, y, stacks, z)
    return pn.finish(items, st, d.call, alt, equations=eqs, eq_pt=z.eq, cap_pt=z.cap)
