"""Conv1D animation: a sequence with time running left to right, one step per output position (GUIDE §4).

The window's taps sit over the input (dilation shows as gaps between them), the kernel weights and the
products sit under the taps, their sum is written into the output row. With causal padding the pad cells
sit only before the sequence and the steps after "now" are greyed out: only the past is read.

Every number comes from the engine's trace (``convfig.trace_example``); nothing here recomputes it.

Keys (what ``Layout.text_at`` reads):

- ``("input", (i,))``: padded-input cell i, padding included (cells ``i < before`` and ``i >= before + n``
  are padding and show 0); ``("input", (i, c))`` when there are several channels;
- ``("kernel", (tap,))`` and ``("product", (tap,))``: the weight under tap ``tap`` and its product with the
  input; ``(tap, j, f)`` (tap, channel within the group, filter; the trace's kernel index) when
  channels or filters > 1;
- ``("sum", (f,))``: the sum line of filter f;
- ``("output", (t,))``: output step t; ``("output", (t, f))`` when filters > 1.

>>> from convfig.render.registry import make_spec
>>> spec = make_spec("conv1d", {"input": 6, "kernel": 3, "padding": "causal"})
>>> lay = plan(spec, compute(spec))
>>> len(lay.steps), lay.steps[0].window
(6, (('input', (0,)), ('input', (1,)), ('input', (2,))))
"""

from __future__ import annotations

from dataclasses import dataclass

import convfig
from convfig.render import fmt, parts, samples
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line, Step
from convfig.render.style import FONT_CAPTION, FONT_CELL, FONT_LABEL, MIN_WIDTH_PX
from convfig.render.types import FigureSpec

MARGIN = 12
LABEL_W = 92          # left column for row names
SMALL = 9             # pt: row labels, indices, group labels
SUM_SIZE = FONT_CAPTION + 1
CODE_SIZE = 9


def compute(spec: FigureSpec) -> convfig.compute.Trace:
    """The engine's trace of the spec's example data."""
    return samples.example_trace(spec.params)


def _cell_px(padded_len: int) -> int:
    if padded_len <= 16:
        return 40
    return 34 if padded_len <= 28 else 30


@dataclass(frozen=True)
class _Geo:
    """Where the rows are (y of their top, or baseline for text rows) and the columns (``cx``)."""

    tr: convfig.compute.Trace
    cell: int
    width: int
    x0: float
    titles: tuple[str, str, str]
    y_title: float
    y_group: float
    y_in: tuple[float, ...]
    y_idx: float
    y_ktitle: float
    y_w: dict
    y_p: dict
    y_sum: dict
    y_otitle: float
    y_out: tuple[float, ...]
    y_code: float

    @property
    def rh(self) -> int:                 # kernel / product rows are a bit lower than the data rows
        return self.cell - 6

    @property
    def causal(self) -> bool:
        return self.tr.spec.padding == "causal"

    def cx(self, i: float) -> float:
        """Left x of padded cell i."""
        return self.x0 + i * self.cell

    def ox(self, t: int) -> float:
        """Left x of output cell t: under the last tap (causal) or the centre tap of its window."""
        sp = self.tr.spec
        ke = sp.effective_kernel[0]
        return self.cx(t * sp.strides[0] + ((ke - 1) if self.causal else (ke - 1) // 2))


def _titles(spec) -> tuple[str, str, str]:
    n, k, s, d = spec.input_shape[0], spec.kernel_size[0], spec.strides[0], spec.dilation_rate[0]
    C, F, G = spec.channels, spec.filters, spec.groups
    cg = C // G
    title = f"input {n} steps" + (f" {fmt.TIMES} {C} channels" if C > 1 else "") + f", {spec.describe_padding()}"
    ktitle = f"kernel {k}"
    if d > 1:
        ktitle += f", dilation {d} (reads every {fmt.ordinal(d)} step)"
    if s > 1:
        ktitle += f", stride {s} (one output per {s} input steps)"
    if C > 1 or F > 1:
        ktitle += f" {fmt.TIMES} {cg} channel{'s' if cg > 1 else ''} {fmt.TIMES} {F} filter{'s' if F > 1 else ''}"
    if G > 1:
        ktitle += f", groups {G}"
    otitle = f"output {spec.out_spatial[0]} steps" + (f" {fmt.TIMES} {F} filters" if F > 1 else "")
    return title, ktitle, otitle


def _geometry(tr) -> _Geo:
    spec = tr.spec
    C, F = spec.channels, spec.filters
    cg = C // spec.groups
    plen = spec.padded_shape[0]
    cell = _cell_px(plen)
    titles = _titles(spec)
    counter = f"step {len(tr.steps)} / {len(tr.steps)}"
    grid_w = MARGIN + LABEL_W + plen * cell + MARGIN
    width = max(MIN_WIDTH_PX, grid_w, 2 * MARGIN + tx.width(titles[0], FONT_LABEL, bold=True) + 2,
                2 * MARGIN + tx.width(titles[1], FONT_LABEL, bold=True) + tx.width(counter, SMALL) + 16,
                2 * MARGIN + tx.width(titles[2], FONT_LABEL, bold=True) + 2)
    x0 = MARGIN + LABEL_W + (width - grid_w) // 2
    rh = cell - 6
    y = 8.0
    y_title, y_group = y + 15, y + 34
    y += 44
    y_in = tuple(y + c * cell for c in range(C))
    y += C * cell
    y_idx = y + 10
    y += 32
    y_ktitle = y + 14
    y += 24
    y_w, y_p, y_sum = {}, {}, {}
    for f in range(F):
        for j in range(cg):
            y_w[f, j] = y
            y += rh
        y += 3
        for j in range(cg):
            y_p[f, j] = y
            y += rh
        y_sum[f] = y + 17
        y += 28
    y_otitle = y + 18
    y += 26
    y_out = tuple(y + f * cell for f in range(F))
    y += F * cell + 12
    geo = _Geo(tr, cell, int(width), x0, titles, y_title, y_group, y_in, y_idx, y_ktitle, y_w, y_p, y_sum,
               y_otitle, y_out, y)
    # keep the output heading clear of the arrow into the first output cell
    need = MARGIN + tx.width(titles[2], FONT_LABEL, bold=True) + 8 - (geo.ox(0) + cell / 2)
    if need > 0 and F == 1:
        geo = _Geo(**{**geo.__dict__, "x0": x0 + need, "width": int(width + need)})
    return geo


def _input_items(g: _Geo) -> list[Item]:
    tr, spec, cell = g.tr, g.tr.spec, g.cell
    n, C = spec.input_shape[0], spec.channels
    before, after = spec.pads[0]
    items: list[Item] = []
    for c in range(C):
        items.append(Label(MARGIN, g.y_in[c] + cell / 2, "input" if C == 1 else f"input c{c}", SMALL, va="center"))
        for i in range(spec.padded_shape[0]):
            key = ("input", (i,) if C == 1 else (i, c))
            if before <= i < before + n:
                items.append(Box(g.cx(i), g.y_in[c], cell, cell, fill="input_fill", edge="grid",
                                 text=fmt.num(tr.padded[i, c]), key=key))
            else:
                items.append(Box(g.cx(i), g.y_in[c], cell, cell, fill="pad_fill", edge="grid", dash=True,
                                 hatch="pad_hatch", text=fmt.num(tr.padded[i, c]), color="muted", key=key))
    if before:
        room = g.cx(before) - 4 - MARGIN
        words = ([f"causal pad (k{fmt.MINUS}1)·d = {before}", f"causal pad {before}"] if g.causal else []) \
            + [f"pad {before}"]
        label = next((w for w in words if tx.width(w, SMALL) <= room), words[-1])
        items.append(Label(g.cx(before) - 2, g.y_group, label, SMALL, "muted", ha="right"))
    if after:
        label = f"pad {after}"
        x = min(g.cx(before + n) + 2, g.width - MARGIN - tx.width(label, SMALL))
        items.append(Label(x, g.y_group, label, SMALL, "muted"))
    items.append(Label(MARGIN, g.y_idx, f"time step {fmt.ARROW}", SMALL, va="center"))
    items += [Label(g.cx(before + t) + cell / 2, g.y_idx, str(t), SMALL, "muted", ha="center", va="center")
              for t in range(n)]
    return items


def _static(g: _Geo) -> list[Item]:
    spec = g.tr.spec
    F, cg, fg = spec.filters, spec.channels // spec.groups, spec.filters // spec.groups
    title, ktitle, otitle = g.titles
    items: list[Item] = [Label(MARGIN, g.y_title, title, FONT_LABEL, bold=True)]
    items += _input_items(g)
    items.append(Label(MARGIN, g.y_ktitle, ktitle, FONT_LABEL, bold=True))
    for f in range(F):
        for j in range(cg):
            suffix = "" if spec.channels == 1 and F == 1 else f" f{f} c{(f // fg) * cg + j}"
            items.append(Label(MARGIN, g.y_w[f, j] + g.rh / 2, "weights" + suffix, SMALL, va="center"))
            items.append(Label(MARGIN, g.y_p[f, j] + g.rh / 2, "products" + suffix, SMALL, va="center"))
    items.append(Label(MARGIN, g.y_otitle, otitle, FONT_LABEL, bold=True))
    for f in range(F):
        items.append(Label(MARGIN, g.y_out[f] + g.cell / 2, "output" if F == 1 else f"output f{f}", SMALL,
                           va="center"))
        items += [Box(g.ox(t) + 2, g.y_out[f] + 2, g.cell - 4, g.cell - 4, fill="output_empty", edge="grid", lw=1.5)
                  for t in range(spec.out_spatial[0])]
    y = g.y_code
    calls = spec.keras_call().split(" then ")          # ZeroPadding1D(...) then Conv1D(...): one call a line
    for i, code in enumerate(calls):
        code += " then" if i < len(calls) - 1 else ""
        lines, h = parts.code_lines(MARGIN, y, code, g.width - 2 * MARGIN, size=CODE_SIZE)
        items += lines
        y += h
    shapes = (f"input shape {fmt.tuple_str(spec.input_shape + (spec.channels,))} {fmt.ARROW} output shape "
              f"{fmt.tuple_str(spec.output_shape)}, {spec.params} parameters")
    items.append(Label(MARGIN, y + 11, shapes, SMALL, "muted"))
    return items


def _height(g: _Geo, items: list[Item]) -> int:
    return int(max(it.y for it in items if isinstance(it, Label)) + 8)


def _window_items(g: _Geo, st) -> list[Item]:
    """The taps over the input: read cells tinted, a thick frame per tap, a dashed span when dilated."""
    spec, cell, C = g.tr.spec, g.cell, g.tr.spec.channels
    win = [int(v) for v in st.window[0]]
    out: list[Item] = []
    for c in range(C):
        for tap, pi in enumerate(win):
            if not st.is_pad[tap]:
                out.append(Box(g.cx(pi), g.y_in[c], cell, cell, fill="window_fill", edge="grid",
                               text=fmt.num(st.values[tap, c]), key=("input", (pi,) if C == 1 else (pi, c))))
    top, bot = g.y_in[0], g.y_in[-1] + cell
    if spec.dilation_rate[0] > 1:
        out.append(Box(g.cx(win[0]) - 3, top - 3, spec.effective_kernel[0] * cell + 6, bot - top + 6,
                       edge="window", lw=1, dash=True))
    out += [Box(g.cx(pi) + 1.5, top + 1.5, cell - 3, bot - top - 3, edge="window", lw=3) for pi in win]
    return out


def _causal_items(g: _Geo, st) -> list[Item]:
    """Causal: the present step marked "now", later steps greyed out as the future (not read)."""
    spec, cell, tr = g.tr.spec, g.cell, g.tr
    n, C, before = spec.input_shape[0], spec.channels, spec.pads[0][0]
    now = int(st.input_index[0][-1])
    out: list[Item] = []
    if now < n - 1:
        for c in range(C):
            for t in range(now + 1, n):
                pi = before + t
                out.append(Box(g.cx(pi), g.y_in[c], cell, cell, fill="future", edge="grid",
                               text=fmt.num(tr.padded[pi, c]), color="muted",
                               key=("input", (pi,) if C == 1 else (pi, c))))
        lx = g.cx(before + now + 1) + 3         # the longest label that fits (none: the grey cell says it)
        words = (f"future (not read) {fmt.ARROW}", f"future {fmt.ARROW}", "future")
        out += [Label(lx, g.y_group, w, SMALL, "muted", bold=True) for w in words
                if lx + tx.width(w, SMALL, bold=True) <= g.width - 2][:1]
    x = g.cx(before + now) + cell / 2
    out.append(Label(x, g.y_idx, str(now), SMALL, "fg", bold=True, ha="center", va="center", plate="bg"))
    out.append(Label(x, g.y_group, "now", SMALL, "weight", bold=True, ha="center"))
    return out


def _sum_line(g: _Geo, st, f: int, terms: list[float]) -> str:
    tr = g.tr
    total, bias = float(st.sums[f]), float(tr.bias[f])
    shown = terms + ([bias] if bias else [])
    if len(shown) <= 6:
        expr = "sum = " + fmt.sum_of(shown, total)
        if bias:
            expr = expr.replace(f" + {fmt.paren(bias)} = ", f" + bias {fmt.paren(bias)} = ")
    else:
        expr = f"sum of {len(terms)} products" + (f" + bias {fmt.paren(bias)}" if bias else "") \
            + f" = {fmt.num(total)}"
    return f"filter {f}: {expr}" if g.tr.spec.filters > 1 else expr


def _kernel_items(g: _Geo, st) -> tuple[list[Item], list[tuple[float, float]]]:
    """Weights and products under the taps, and each filter's sum line; returns items and (x, w) of the sums."""
    tr, spec, cell, rh = g.tr, g.tr.spec, g.cell, g.rh
    cg = spec.channels // spec.groups
    many = spec.channels > 1 or spec.filters > 1
    win = [int(v) for v in st.window[0]]
    out: list[Item] = []
    spans = []
    for f in range(spec.filters):
        terms = []
        for j in range(cg):
            for tap, pi in enumerate(win):
                idx = (tap, j, f) if many else (tap,)
                out.append(Box(g.cx(pi) + 1, g.y_w[f, j] + 1, cell - 2, rh - 2, fill="window_fill", edge="window",
                               lw=1.5, text=fmt.num(tr.kernel[tap, j, f]), color="weight", bold=True,
                               key=("kernel", idx)))
                out.append(Box(g.cx(pi) + 1, g.y_p[f, j] + 1, cell - 2, rh - 2, fill="bg", edge="grid",
                               text=fmt.num(st.products[tap, j, f]), key=("product", idx)))
                terms.append(float(st.products[tap, j, f]))
        expr = _sum_line(g, st, f, terms)
        size = tx.fit(expr, SUM_SIZE, g.width - 2 * MARGIN, bold=True)
        wpx = tx.width(expr, size, bold=True)
        xs = max(min(g.cx(win[0]), g.width - MARGIN - wpx), MARGIN)
        out.append(Label(xs, g.y_sum[f], expr, size, bold=True, key=("sum", (f,))))
        spans.append((xs, wpx))
    return out, spans


def _arrow(g: _Geo, t: int, span: tuple[float, float]) -> Line:
    """From the sum line down into output cell t: straight, or with a right-angled elbow (crisp at 1x)."""
    xs, wpx = span
    ocx = g.ox(t) + g.cell / 2
    y_a, y_end = g.y_sum[0] + 6, g.y_out[0] + 1
    sx = min(max(ocx, xs + 8), xs + wpx - 8)
    if abs(sx - ocx) < 1:
        pts: tuple[tuple[float, float], ...] = ((ocx, y_a), (ocx, y_end))
    else:
        y_b = g.y_sum[0] + 12
        pts = ((sx, y_a), (sx, y_b), (ocx, y_b), (ocx, y_end))
    return Line(pts, color="window", lw=1.5, arrow=True, head=8)


def _output_items(g: _Geo, st) -> tuple[list[Item], list[Item]]:
    """(keep, show): the written output cell(s) of this step, and their highlighted 'being written' look."""
    spec, cell = g.tr.spec, g.cell
    t = int(st.out_pos[0])
    keep: list[Item] = []
    show: list[Item] = []
    for f in range(spec.filters):
        s = fmt.num(st.sums[f])
        size = tx.fit(s, FONT_CELL, cell - 8, bold=True)
        key = ("output", (t,) if spec.filters == 1 else (t, f))
        x, y = g.ox(t) + 2, g.y_out[f] + 2
        keep.append(Box(x, y, cell - 4, cell - 4, fill="output_fill", edge="fg", lw=1.5, text=s, size=size,
                        bold=True, key=key))
        show.append(Box(x, y, cell - 4, cell - 4, fill="output_new", edge="window", lw=3, text=s, size=size,
                        bold=True, key=key))
    return keep, show


def _step(g: _Geo, st) -> Step:
    C = g.tr.spec.channels
    n_steps = len(g.tr.steps)
    show: list[Item] = _window_items(g, st)
    if g.causal:
        show += _causal_items(g, st)
    kernel, spans = _kernel_items(g, st)
    show += kernel
    keep, out_show = _output_items(g, st)
    show += out_show
    if g.tr.spec.filters == 1:
        show.append(_arrow(g, int(st.out_pos[0]), spans[0]))
    show.append(Label(g.width - MARGIN, g.y_ktitle, f"step {st.index + 1} / {n_steps}", SMALL, "muted",
                      ha="right"))
    window = tuple(("input", (int(pi),) if C == 1 else (int(pi), c)) for pi in st.window[0] for c in range(C))
    return Step(_describe_step(g.tr, st), keep=keep, show=show, window=window)


def _describe_step(tr, st) -> str:
    spec, n_steps = tr.spec, len(tr.steps)
    reads = ["padding (0)" if st.is_pad[tap] else f"step {int(r)}" for tap, r in enumerate(st.input_index[0])]
    sums = (", ".join(f"filter {f}: {fmt.num(v)}" for f, v in enumerate(st.sums)) if spec.filters > 1
            else fmt.num(st.sums[0]))
    text = (f"Step {st.index + 1} of {n_steps}: output step {int(st.out_pos[0])} reads {', '.join(reads)}; "
            f"each value is multiplied by its kernel weight and the products add up to {sums}.")
    if spec.padding == "causal":
        text += f" Nothing after time step {int(st.input_index[0][-1])} is read (causal)."
    return text


def _alt(spec) -> str:
    n, (b, a) = spec.input_shape[0], spec.pads[0]
    filt = f"{spec.filters} filter" + ("s" if spec.filters > 1 else "")
    chans = f"{spec.channels} channel" + ("s" if spec.channels > 1 else "")
    alt = (f"Animated 1D convolution (Conv1D) over a sequence of {n} time steps {fmt.TIMES} {chans}, time running "
           f"left to right: kernel size {spec.kernel_size[0]}, strides {spec.strides[0]}, padding "
           f"'{spec.padding_label}' ({b} before, {a} after), dilation {spec.dilation_rate[0]}, {filt}"
           + (f", groups {spec.groups}" if spec.groups > 1 else "")
           + f"; output {spec.out_spatial[0]} steps {fmt.TIMES} {filt}, shape {fmt.tuple_str(spec.output_shape)}. "
           "One frame per output step: the window over the input, the kernel weights, their products with "
           "the input and the sum written into the output sequence.")
    if spec.padding == "causal":
        alt += (" Padding cells sit only before the sequence and later time steps are greyed out: each "
                "output reads only the present and the past.")
    if spec.dilation_rate[0] > 1:
        alt += f" The dilated kernel reads every {fmt.ordinal(spec.dilation_rate[0])} step, skipping the cells between."
    return alt


def plan(spec: FigureSpec, data: convfig.compute.Trace) -> Layout:
    """The Conv1D animation as a Layout: static scene, one Step per output step."""
    g = _geometry(data)
    items = _static(g)
    steps = [_step(g, st) for st in data.steps]
    return Layout(g.width, _height(g, items), items, steps, alt=_alt(data.spec), ss=1, levels=3)
