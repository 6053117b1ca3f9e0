"""Channels × filters animation: C input channels, F filters of C kernel slices, F output maps.

What sits where (1x pixels)::

    title
    input 4×4×3 (stack icon)                                          output 2×2×2 (stack icon)
    [channel 0]   [channel 1]   [channel 2]
    filter 0      [w c0]  +     [w c1]  +     [w c2]     + bias = total  ->  [map 0]
    filter 1      [w c0]  +     [w c1]  +     [w c2]     + bias = total  ->  [map 1]
    note / step line / Keras call / shapes and parameter count

Every filter row has one kernel slice under every input channel: a conv layer is fully connected across
channels (with groups > 1 a filter only has slices for its group's channels; the others are dashed
"not in group" boxes and are not summed). One step per output position: the window lights up on every
channel, each slice shows its channel's partial sum, each filter its total, and that cell of every
output map is written (the filters are the output's last dimension).

Keys (always with the channel / filter index, also when there is only one):

- ``("input", (r, c, ch))`` in 2D, ``("input", (t, ch))`` in 1D: padded-input coordinates, padding cells
  included (they show 0);
- ``("kernel", (r, c, cl, f))`` / ``(t, cl, f)``: the Keras kernel index (cl: channel in the filter's group);
- ``("output", (r, c, f))`` / ``("output", (t, f))``;
- ``("sum", (ch, f))``: the partial sum "sum = v" of channel ch in filter f; ``("total", (f,))``: "= v".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convfig.compute import Step as TraceStep
from convfig.compute import Trace
from convfig.errors import ConvfigError
from convfig.render import channel_text as words
from convfig.render import fmt, parts, samples
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line, Step
from convfig.render.registry import conv_spec
from convfig.render.style import FONT_CAPTION, FONT_LABEL, FONT_SMALL, FONT_TITLE, MIN_WIDTH_PX
from convfig.render.types import FigureSpec
from convfig.spec import ConvSpec

MAX_WIDTH = 900
MAX_STACK = 8          # channels / filters the figure can draw side by side / one under the other
M = 14                 # outer margin
SUM_W = 104            # room for "+ bias", "= total" and the arrow between the slices and the maps
SLIDE_CELL, SLIDE_FONT, SLIDE_S = 44, 20.5, 1.4   # slide: smallest cell px, number pt (digits >= 24 px tall at
                                                 # 1920 x 1080), scale of the other type and offsets


def compute(spec: FigureSpec) -> Trace:
    """The engine's trace of the example data (every window, product and sum)."""
    cs = conv_spec(spec.params)
    if cs.channels > MAX_STACK or cs.filters > MAX_STACK:
        raise ConvfigError(f"channels/filters: the channels figure draws at most {MAX_STACK} of each, got "
                           f"channels={cs.channels}, filters={cs.filters}; use fewer")
    return samples.example_trace(spec.params)


def _as2d(shape: tuple[int, ...]) -> tuple[int, int]:
    """Display shape of a 1D or 2D spatial shape: a 1D sequence is one row of cells."""
    return (1, shape[0]) if len(shape) == 1 else (shape[0], shape[1])


@dataclass(frozen=True)
class _Geo:
    """Where the panels go. Page: input channels in a row, filter rows under them, every slice under its
    channel. Slide (``beside``): the filter rows to the right of the input row, larger cells and type; ``s``
    scales the vertical offsets and the room for the sums."""

    c: int
    hp: int
    wp: int
    kh: int
    kw: int
    ho: int
    wo: int
    col_in: float        # one input column (channel card and its label)
    col_k: float         # one kernel-slice column
    gap: float           # between input columns
    gap_k: float         # between slice columns (the "+")
    x_k: float           # left of the slice columns and the filter labels
    xs: float
    xo: float
    width: int
    fcell: float
    fsmall: float
    y_f0: float
    row_h: float
    n_rows: int
    y_in: float = 98
    s: float = 1
    y_low: float = 0     # under the input cards (the footer starts under them and the filter rows)
    slide: bool = False
    flabel: float = FONT_LABEL
    ftitle: float = FONT_TITLE
    fcap: float = FONT_CAPTION
    c_in: float = 0      # slide: input cells and output cells (0: the same as the kernel cells, ``c``)
    c_out: float = 0

    @property
    def ci(self) -> float:
        return self.c_in or self.c

    @property
    def co(self) -> float:
        return self.c_out or self.c

    def card_x(self, ch: int) -> float:
        return M + ch * (self.col_in + self.gap) + (self.col_in - self.wp * self.ci) / 2

    def slice_x(self, ch: int) -> float:
        return self.x_k + ch * (self.col_k + self.gap_k) + (self.col_k - self.kw * self.c) / 2

    def plus_x(self, ch: int) -> float:
        return self.x_k + ch * (self.col_k + self.gap_k) + self.col_k + self.gap_k / 2

    def slice_y(self, f: int) -> float:
        return self.y_f0 + f * self.row_h + 28 * self.s

    def out_xy(self, f: int, r: int, q: int) -> tuple[float, float]:
        return self.xo + q * self.co, self.slice_y(f) + r * self.co

    @property
    def y_note(self) -> float:
        return max(self.y_f0 + self.row_h * self.n_rows + 2, self.y_low)


def _geometry(cs: ConvSpec, widest: int = 0) -> _Geo:
    """Cells of 30 px, or wider (up to 40) so that the widest value (px at 11 pt, bold) keeps 11 pt; then
    narrower, step by step, while the figure is wider than MAX_WIDTH."""
    hp, wp = _as2d(cs.padded_shape)
    kh, kw = _as2d(cs.kernel_size)
    ho, wo = _as2d(cs.out_spatial)
    c = min(40, max(30, widest + 3 + (widest + 3) % 2))
    while True:
        col_w = max(wp * c, kw * c, 80)
        xs = M + cs.channels * (col_w + 30) - 30 + 12
        width = max(xs + SUM_W + max(wo * c, 120) + M, MIN_WIDTH_PX, 640)
        if width <= MAX_WIDTH or c <= 20:
            break
        c -= 2
    y_f0 = 98 + hp * c + 14
    row_h = 30 + max(kh * c + 26, ho * c) + 12
    fcell = 11 if c >= max(28, widest + 3) else (10 if c >= 24 else 9)
    fsmall = FONT_SMALL + 1 if c >= 26 else FONT_SMALL
    return _Geo(c, hp, wp, kh, kw, ho, wo, col_w, col_w, 30, 30, M, xs, xs + SUM_W, width, fcell, fsmall, y_f0,
                row_h, cs.filters)


def _slide_geometry(cs: ConvSpec, beside: bool, widest: tuple[float, ...]) -> _Geo:
    """The slide: SLIDE_FONT pt numbers in cells of at least SLIDE_CELL px, wider for the widest input, kernel,
    output number and "sum = v" (``widest``); the filter rows beside the input row (``beside``) or under it."""
    hp, wp = _as2d(cs.padded_shape)
    kh, kw = _as2d(cs.kernel_size)
    ho, wo = _as2d(cs.out_spatial)
    s, fcell = SLIDE_S, SLIDE_FONT
    ci, c, co = (max(SLIDE_CELL, 2 * int(np.ceil((w + 12) / 2))) for w in widest[:3])
    c, co = max(ci, c), max(ci, c, co)
    col_in = max(wp * ci, tx.width("channel 0", FONT_LABEL * s, True), 0 if beside else max(kw * c, widest[3] - 14))
    x_k = M + cs.channels * (col_in + 24) - 24 + 36 if beside else M
    col_k, gap_k = (max(kw * c, widest[3] - 24), 34) if beside else (col_in, 24)
    xs = x_k + cs.channels * (col_k + gap_k) - gap_k + 14
    xo = xs + max(SUM_W * s, tx.width("= " + fmt.num(-10 ** 3), fcell, True) + 40)
    width = int(np.ceil(max(xo + max(wo * co, tx.width("map 0", FONT_LABEL * s, True)) + M, MIN_WIDTH_PX)))
    y_in = 106 * s
    y_f0 = y_in - 28 * s if beside else y_in + hp * ci + 14 * s
    row_h = 28 * s + max(kh * c + 36 * s, ho * co) + 10 * s
    return _Geo(c, hp, wp, kh, kw, ho, wo, col_in, col_k, 24, gap_k, x_k, xs, xo, width, fcell, FONT_SMALL * s + 3,
                y_f0, row_h, cs.filters, y_in, s, y_in + hp * ci + 14 * s, True, FONT_LABEL * s, FONT_TITLE * s,
                FONT_CAPTION * s, ci, co)


def _cell_size(s: str, g: _Geo, bold: bool = False, cell: float = 0) -> float:
    return tx.fit(s, g.fcell, (cell or g.c) - 3, bold)


def _total_size(g: _Geo) -> float:
    """The filter's total "= v": label type, at least the numbers' size."""
    return max(g.flabel + 1, g.fcell)


def _stack(x: float, y: float, n: int, fill: str, s: float = 1) -> tuple[list[Item], float]:
    """n offset cards (a tensor's last dimension drawn as a stack) at scale s; returns (items, right edge)."""
    k = min(n, 6)
    return ([Box(x + i * 5 * s, y + i * 5 * s, 22 * s, 18 * s, fill=fill, edge="fg") for i in range(k)],
            x + ((k - 1) * 5 + 22) * s)


def _head_widths(cs: ConvSpec, g: _Geo) -> tuple[float, float]:
    """Widths of the left (input) and right (output) header blocks, icons included."""
    a, b, c, d = words.head_texts(cs)
    left = (22 + (min(cs.channels, 6) - 1) * 5) * g.s + 10 + max(tx.width(a, g.flabel, True), tx.width(b, g.fsmall))
    right = (22 + (min(cs.filters, 6) - 1) * 5) * g.s + 10 + max(tx.width(c, g.flabel, True), tx.width(d, g.fsmall))
    return left, right


def _header(cs: ConvSpec, g: _Geo) -> list[Item]:
    in_lab, chan_txt, out_lab, maps = words.head_texts(cs)
    s = g.s
    items: list[Item] = [Label(M, 18 * s, words.title(cs), g.ftitle, bold=True, va="center")]
    icon, xi = _stack(M, 36 * s, cs.channels, "input_fill", s)
    items += icon
    items += [Label(xi + 10, 48 * s, in_lab, g.flabel, bold=True, va="center"),
              Label(xi + 10, 66 * s, chan_txt, g.fsmall, "muted", va="center")]
    icon, xi = _stack(g.width - M - _head_widths(cs, g)[1], 36 * s, cs.filters, "output_fill", s)
    items += icon
    items += [Label(xi + 10, 48 * s, out_lab, g.flabel, bold=True, va="center"),
              Label(xi + 10, 66 * s, maps, g.fsmall, "muted", va="center")]
    return items


def _is_pad(cs: ConvSpec, r: int, q: int) -> bool:
    """Is display cell (r, q) of the padded input a padding cell? (pads from the engine's arithmetic)"""
    pads = [(0, 0), cs.pads[0]] if cs.rank == 1 else list(cs.pads)
    shape = _as2d(cs.input_shape)
    return not (0 <= r - pads[0][0] < shape[0] and 0 <= q - pads[1][0] < shape[1])


def _in_index(cs: ConvSpec, r: int, q: int, ch: int) -> tuple[int, ...]:
    """Padded-input (and key) index of display cell (r, q) of channel ch: (t, ch) in 1D, (r, c, ch) in 2D."""
    return (q, ch) if cs.rank == 1 else (r, q, ch)


def _in_cell(cs: ConvSpec, tr: Trace, g: _Geo, r: int, q: int, ch: int, lit: bool) -> Box:
    """Input cell (r, q) of channel ch (display coordinates), plain or under the window."""
    idx = _in_index(cs, r, q, ch)
    s = fmt.num(tr.padded[idx])
    pad = _is_pad(cs, r, q)
    fill = "window_fill" if lit else "pad_fill" if pad else "input_fill"
    return Box(g.card_x(ch) + q * g.ci, g.y_in + r * g.ci, g.ci, g.ci, fill=fill, edge="grid", dash=pad,
               hatch="pad_hatch" if pad else None, text=s, color="muted" if pad else "fg",
               size=_cell_size(s, g, cell=g.ci), key=("input", idx))


def _inputs(cs: ConvSpec, tr: Trace, g: _Geo) -> list[Item]:
    items: list[Item] = []
    for ch in range(cs.channels):
        cx = g.card_x(ch)
        items.append(Label(cx + g.wp * g.ci / 2, g.y_in - 14 * g.s, f"channel {ch}", g.flabel - 1, bold=True,
                           ha="center", va="center"))
        items += [_in_cell(cs, tr, g, r, q, ch, False) for r in range(g.hp) for q in range(g.wp)]
        items.append(Box(cx, g.y_in, g.wp * g.ci, g.hp * g.ci, edge="fg", lw=1.2))
    return items


def _filter_label(cs: ConvSpec, g: _Geo, f: int) -> str:
    cg, grp = cs.channels // cs.groups, f // (cs.filters // cs.groups)
    ksl, kshape = fmt.shape(cs.kernel_size), fmt.shape(tuple(cs.kernel_size) + (cg,))
    lab = f"filter {f} {fmt.DOT} kernel {kshape}: one {ksl} slice per input channel"
    if cs.groups > 1:
        lab = f"filter {f} (group {grp}) {fmt.DOT} kernel {kshape}: one {ksl} slice per channel of its group"
    if tx.width(lab, g.flabel - 1, True) > g.xo - g.x_k - 16:
        lab = f"filter {f} {fmt.DOT} kernel {kshape}" + (f" (group {grp})" if cs.groups > 1 else "")
    return lab


def _slice(cs: ConvSpec, tr: Trace, g: _Geo, f: int, ch: int) -> list[Item]:
    """The kernel slice of filter f under input channel ch (or a dashed 'not in group' box)."""
    cg = cs.channels // cs.groups
    grp = f // (cs.filters // cs.groups)
    sx, ys, w, h = g.slice_x(ch), g.slice_y(f), g.kw * g.c, g.kh * g.c
    if ch // cg != grp:
        d = 0.75 * g.fsmall if g.slide else 7
        return [Box(sx, ys, w, h, edge="grid", dash=True),
                Label(sx + w / 2, ys + h / 2 - d, "not in", g.fsmall, "muted", ha="center", va="center"),
                Label(sx + w / 2, ys + h / 2 + d, "group", g.fsmall, "muted", ha="center", va="center")]
    cl = ch - grp * cg
    items: list[Item] = []
    for r in range(g.kh):
        for q in range(g.kw):
            idx = (q, cl, f) if cs.rank == 1 else (r, q, cl, f)
            s = fmt.num(tr.kernel[idx])
            items.append(Box(sx + q * g.c, ys + r * g.c, g.c, g.c, fill="window_fill", edge="grid", text=s,
                             color="weight", size=_cell_size(s, g), key=("kernel", idx)))
    items.append(Box(sx, ys, w, h, edge="window", lw=2.0))
    if ch + 1 < cs.channels and (ch + 1) // cg == grp:
        items.append(Label(g.plus_x(ch), ys + h / 2, "+", g.ftitle + 2, "muted", ha="center", va="center"))
    return items


def _filters(cs: ConvSpec, tr: Trace, g: _Geo) -> list[Item]:
    items: list[Item] = []
    for f in range(cs.filters):
        yf, ys = g.y_f0 + f * g.row_h, g.slice_y(f)
        items.append(Label(g.x_k, yf + 12 * g.s, _filter_label(cs, g, f), g.flabel - 1, bold=True, va="center"))
        for ch in range(cs.channels):
            items += _slice(cs, tr, g, f, ch)
        ymid = ys + min(g.kh * g.c, g.ho * g.co) / 2
        x0 = g.xs + max([66 * g.s] + [tx.width(f"= {fmt.num(v)}", _total_size(g), True) + 8
                                      for v in tr.output[..., f].flat])
        items += [Label(g.xs, ymid - 12 * g.s, f"+ bias {fmt.num(tr.bias[f])}", g.fsmall + 1, "muted", va="center"),
                  Line(((x0, ymid + 10 * g.s), (g.xo - 6, ymid + 10 * g.s)), "muted", lw=1.4, arrow=True),
                  Label(g.xo, yf + 12 * g.s, f"map {f}", g.flabel - 1, bold=True, va="center")]
        items += [Box(*g.out_xy(f, r, q), g.co, g.co, fill="output_empty", edge="grid", dash=True)
                  for r in range(g.ho) for q in range(g.wo)]
        items.append(Box(g.xo, ys, g.wo * g.co, g.ho * g.co, edge="fg", lw=1.6))
    return items


def _footer(cs: ConvSpec, g: _Geo) -> tuple[list[Item], float, float]:
    """Note lines (not on a slide: the teacher says them), the step line's place, the Keras call and the
    shapes line; returns (items, step line y, figure height)."""
    y, s = g.y_note, g.s
    items: list[Item] = [] if g.slide else [Label(M, y + 8 + 16 * i, t, g.fsmall + 1, "muted", va="center")
                                            for i, t in enumerate(words.note(cs))]
    y_step = y + (14 * s if g.slide else 46)
    code, h = parts.code_lines(M, y_step + 18 * s, cs.keras_call(), g.width - 2 * M, size=g.fcap - 0.5,
                               line_h=17 * s)
    items += code
    y_cap = y_step + 18 * s + h + 12 * s
    items.append(Label(M, y_cap, words.shapes_line(cs), g.fcap, "muted", va="center"))
    return items, y_step, y_cap + 20 * s


def _out_key(cs: ConvSpec, pos: tuple[int, ...], f: int) -> tuple:
    return ("output", tuple(int(p) for p in pos) + (f,))


def _partials(cs: ConvSpec, st: TraceStep, f: int) -> list[float]:
    """Per-channel partial sums of filter f at this step (the engine's products summed per channel)."""
    prods = np.asarray(st.products)
    return [float(prods[..., cl, f].sum()) for cl in range(cs.channels // cs.groups)]


def _window(cs: ConvSpec, tr: Trace, g: _Geo, st: TraceStep) -> tuple[tuple, list[Item]]:
    """Input keys read at this step on every channel, and the lit cells plus one outline per channel."""
    rows = [0] if cs.rank == 1 else [int(v) for v in st.window[0]]
    cols = [int(v) for v in st.window[-1]]
    keys: list[tuple] = []
    items: list[Item] = []
    dashed = max(cs.dilation_rate) > 1
    for ch in range(cs.channels):
        for r in rows:
            for q in cols:
                keys.append(("input", _in_index(cs, r, q, ch)))
                items.append(_in_cell(cs, tr, g, r, q, ch, True))
        items.append(Box(g.card_x(ch) + cols[0] * g.ci, g.y_in + rows[0] * g.ci, (cols[-1] - cols[0] + 1) * g.ci,
                         (rows[-1] - rows[0] + 1) * g.ci, edge="window", lw=2.6, dash=dashed))
    return tuple(keys), items


def _step(cs: ConvSpec, tr: Trace, g: _Geo, i: int, y_step: float) -> Step:
    st = tr.steps[i]
    rq = (0, int(st.out_pos[0])) if cs.rank == 1 else (int(st.out_pos[0]), int(st.out_pos[1]))
    keys, show = _window(cs, tr, g, st)
    keep: list[Item] = []
    described = []
    fg, cg = cs.filters // cs.groups, cs.channels // cs.groups
    for f in range(cs.filters):
        grp, total = f // fg, fmt.num(st.sums[f])
        partial = _partials(cs, st, f)
        for cl, s in enumerate(partial):
            ch = grp * cg + cl
            show.append(Label(g.slice_x(ch) + g.kw * g.c / 2, g.slice_y(f) + g.kh * g.c + 13 * g.s,
                              f"sum = {fmt.num(s)}", g.fcell if g.slide else g.fsmall + 1, ha="center", va="center",
                              key=("sum", (ch, f))))
        ymid = g.slice_y(f) + min(g.kh * g.c, g.ho * g.co) / 2
        show.append(Label(g.xs, ymid + 10 * g.s, f"= {total}", _total_size(g), bold=True, va="center",
                          key=("total", (f,))))
        x, y = g.out_xy(f, *rq)
        key = _out_key(cs, st.out_pos, f)
        keep.append(Box(x, y, g.co, g.co, fill="output_fill", edge="grid", lw=1.6, text=total,
                        size=_cell_size(total, g, cell=g.co), key=key))
        show.append(Box(x, y, g.co, g.co, fill="output_new", edge="window", lw=2.6, text=total, bold=True,
                        size=_cell_size(total, g, True, g.co), key=key))
        bias = f" + bias {fmt.num(tr.bias[f])}" if tr.bias[f] else ""
        described.append(f"filter {f}: {fmt.signed_sum(partial)}{bias} = {total}")
    show.append(Label(M, y_step, words.step_line(tr, i), g.flabel, va="center"))
    pos = ", ".join(str(int(p)) for p in st.out_pos)
    return Step(f"Output position ({pos}): " + "; ".join(described) + ".", keep=keep, show=show, window=keys)


def plan(spec: FigureSpec, data: Trace) -> Layout:
    """The channels figure as a Layout: static panels, then one Step per output position."""
    cs, tr = data.spec, data
    if spec.target == "slide":     # the arrangement that draws larger on 1872 x 1032 (the page less its margins)
        wide = tuple(max(tx.width(fmt.num(v), SLIDE_FONT, b) for v in a.ravel())
                     for a, b in ((tr.padded, False), (tr.kernel, False), (tr.output, True)))
        wide += (max(tx.width(f"sum = {fmt.num(v)}", SLIDE_FONT) for st in tr.steps for f in range(cs.filters)
                     for v in _partials(cs, st, f)),)
        g = max((_slide_geometry(cs, b, wide) for b in (True, False)),
                key=lambda g: min(1872 / g.width, 1032 / (g.y_note + 100 * g.s)))
    else:
        widest = max(tx.width(fmt.num(v), 11, True) for v in np.concatenate([tr.padded.ravel(), tr.output.ravel()]))
        g = _geometry(cs, widest)
    need = max([tx.width(words.title(cs), g.ftitle, True) + 230 * g.s + M + 10, tx.width(words.shapes_line(cs), g.fcap),
                sum(_head_widths(cs, g)) + 24]
               + [tx.width(s, g.fsmall + 1) for s in ([] if g.slide else words.note(cs))]
               + [tx.width(words.step_line(tr, i), g.flabel) for i in (0, len(tr.steps) - 1)]) + 2 * M
    if need > g.width:
        g = _Geo(**{**g.__dict__, "width": int(np.ceil(need))})
    items = _header(cs, g) + _inputs(cs, tr, g) + _filters(cs, tr, g)
    footer, y_step, height = _footer(cs, g)
    items += footer
    steps = [_step(cs, tr, g, i, y_step) for i in range(len(tr.steps))]
    return Layout(g.width, int(np.ceil(height)), items, steps, alt=words.alt(cs, tr), ss=1, levels=3)
