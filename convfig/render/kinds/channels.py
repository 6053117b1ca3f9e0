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
- ``("kernel", (r, c, cl, f))`` / ``("kernel", (t, cl, f))``: the Keras kernel tensor index (cl = the
  channel within the filter's group);
- ``("output", (r, c, f))`` / ``("output", (t, f))``;
- ``("sum", (ch, f))``: the partial sum "sum = v" of channel ch in filter f; ``("total", (f,))``: "= v".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convfig.compute import Step as TraceStep
from convfig.compute import Trace
from convfig.errors import ConvfigError
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class _Geo:
    """Where the panels go (the x layout shrinks the cell until the figure is at most MAX_WIDTH wide)."""

    c: int
    hp: int
    wp: int
    kh: int
    kw: int
    ho: int
    wo: int
    col_w: float
    gap: float
    xs: float
    xo: float
    width: int
    fcell: float
    fsmall: float
    y_f0: float
    row_h: float
    n_rows: int
    y_in: float = 98

    def card_x(self, ch: int) -> float:
        return M + ch * (self.col_w + self.gap) + (self.col_w - self.wp * self.c) / 2

    def slice_x(self, ch: int) -> float:
        return M + ch * (self.col_w + self.gap) + (self.col_w - self.kw * self.c) / 2

    def slice_y(self, f: int) -> float:
        return self.y_f0 + f * self.row_h + 28

    def out_xy(self, f: int, r: int, q: int) -> tuple[float, float]:
        return self.xo + q * self.c, self.slice_y(f) + r * self.c

    @property
    def y_note(self) -> float:
        return self.y_f0 + self.row_h * self.n_rows + 2


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
    return _Geo(c, hp, wp, kh, kw, ho, wo, col_w, 30, xs, xs + SUM_W, width, fcell, fsmall, y_f0, row_h, cs.filters)


def _cell_size(s: str, g: _Geo, bold: bool = False) -> float:
    return tx.fit(s, g.fcell, g.c - 3, bold)


def _stack(x: float, y: float, n: int, fill: str) -> tuple[list[Item], float]:
    """n offset cards (a tensor's last dimension drawn as a stack); returns (items, right edge)."""
    k = min(n, 6)
    return [Box(x + i * 5, y + i * 5, 22, 18, fill=fill, edge="fg") for i in range(k)], x + (k - 1) * 5 + 22


def _title(cs: ConvSpec) -> str:
    return (f"{cs.layer_name}: {_plural(cs.channels, 'input channel')} {fmt.TIMES} "
            f"{_plural(cs.filters, 'filter')}" + (f", groups={cs.groups}" if cs.groups > 1 else ""))


def _head_texts(cs: ConvSpec) -> tuple[str, str, str, str]:
    """Input label, its muted line, output label, its muted line."""
    C, F = cs.channels, cs.filters
    return (f"input {fmt.shape(tuple(cs.input_shape) + (C,))}",
            f"{_plural(C, 'channel')} = last dim {fmt.DOT} padding {cs.describe_padding()}",
            f"output {fmt.shape(cs.output_shape)}", f"{_plural(F, 'map')} = last dim")


def _head_widths(cs: ConvSpec, fsmall: float) -> tuple[float, float]:
    """Widths of the left (input) and right (output) header blocks, icons included."""
    a, b, c, d = _head_texts(cs)
    left = 22 + (min(cs.channels, 6) - 1) * 5 + 10 + max(tx.width(a, FONT_LABEL, True), tx.width(b, fsmall))
    right = 22 + (min(cs.filters, 6) - 1) * 5 + 10 + max(tx.width(c, FONT_LABEL, True), tx.width(d, fsmall))
    return left, right


def _header(cs: ConvSpec, g: _Geo) -> list[Item]:
    in_lab, chan_txt, out_lab, maps = _head_texts(cs)
    items: list[Item] = [Label(M, 18, _title(cs), FONT_TITLE, bold=True, va="center")]
    icon, xi = _stack(M, 36, cs.channels, "input_fill")
    items += icon
    items += [Label(xi + 10, 48, in_lab, FONT_LABEL, bold=True, va="center"),
              Label(xi + 10, 66, chan_txt, g.fsmall, "muted", va="center")]
    icon, xi = _stack(g.width - M - _head_widths(cs, g.fsmall)[1], 36, cs.filters, "output_fill")
    items += icon
    items += [Label(xi + 10, 48, out_lab, FONT_LABEL, bold=True, va="center"),
              Label(xi + 10, 66, maps, g.fsmall, "muted", va="center")]
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
    return Box(g.card_x(ch) + q * g.c, g.y_in + r * g.c, g.c, g.c, fill=fill, edge="grid", dash=pad,
               hatch="pad_hatch" if pad else None, text=s, color="muted" if pad else "fg", size=_cell_size(s, g),
               key=("input", idx))


def _inputs(cs: ConvSpec, tr: Trace, g: _Geo) -> list[Item]:
    items: list[Item] = []
    for ch in range(cs.channels):
        cx = g.card_x(ch)
        items.append(Label(cx + g.wp * g.c / 2, 84, f"channel {ch}", FONT_LABEL - 1, bold=True, ha="center",
                           va="center"))
        items += [_in_cell(cs, tr, g, r, q, ch, False) for r in range(g.hp) for q in range(g.wp)]
        items.append(Box(cx, g.y_in, g.wp * g.c, g.hp * g.c, edge="fg", lw=1.2))
    return items


def _filter_label(cs: ConvSpec, g: _Geo, f: int) -> str:
    cg, grp = cs.channels // cs.groups, f // (cs.filters // cs.groups)
    ksl, kshape = fmt.shape(cs.kernel_size), fmt.shape(tuple(cs.kernel_size) + (cg,))
    lab = f"filter {f} {fmt.DOT} kernel {kshape}: one {ksl} slice per input channel"
    if cs.groups > 1:
        lab = f"filter {f} (group {grp}) {fmt.DOT} kernel {kshape}: one {ksl} slice per channel of its group"
    if tx.width(lab, FONT_LABEL - 1, True) > g.xo - M - 16:
        lab = f"filter {f} {fmt.DOT} kernel {kshape}" + (f" (group {grp})" if cs.groups > 1 else "")
    return lab


def _slice(cs: ConvSpec, tr: Trace, g: _Geo, f: int, ch: int) -> list[Item]:
    """The kernel slice of filter f under input channel ch (or a dashed 'not in group' box)."""
    cg = cs.channels // cs.groups
    grp = f // (cs.filters // cs.groups)
    sx, ys, w, h = g.slice_x(ch), g.slice_y(f), g.kw * g.c, g.kh * g.c
    if ch // cg != grp:
        return [Box(sx, ys, w, h, edge="grid", dash=True),
                Label(sx + w / 2, ys + h / 2 - 7, "not in", g.fsmall, "muted", ha="center", va="center"),
                Label(sx + w / 2, ys + h / 2 + 7, "group", g.fsmall, "muted", ha="center", va="center")]
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
        items.append(Label(M + ch * (g.col_w + g.gap) + g.col_w + g.gap / 2, ys + h / 2, "+", FONT_TITLE + 2,
                           "muted", ha="center", va="center"))
    return items


def _filters(cs: ConvSpec, tr: Trace, g: _Geo) -> list[Item]:
    items: list[Item] = []
    for f in range(cs.filters):
        yf, ys = g.y_f0 + f * g.row_h, g.slice_y(f)
        items.append(Label(M, yf + 12, _filter_label(cs, g, f), FONT_LABEL - 1, bold=True, va="center"))
        for ch in range(cs.channels):
            items += _slice(cs, tr, g, f, ch)
        ymid = ys + min(g.kh, g.ho) * g.c / 2
        items += [Label(g.xs, ymid - 12, f"+ bias {fmt.num(tr.bias[f])}", g.fsmall + 1, "muted", va="center"),
                  Line(((g.xs + 66, ymid + 10), (g.xo - 6, ymid + 10)), "muted", lw=1.4, arrow=True),
                  Label(g.xo, yf + 12, f"map {f}", FONT_LABEL - 1, bold=True, va="center")]
        items += [Box(*g.out_xy(f, r, q), g.c, g.c, fill="output_empty", edge="grid", dash=True)
                  for r in range(g.ho) for q in range(g.wo)]
        items.append(Box(g.xo, ys, g.wo * g.c, g.ho * g.c, edge="fg", lw=1.6))
    return items


def _note(cs: ConvSpec) -> list[str]:
    C, G, ks = cs.channels, cs.groups, fmt.shape(cs.kernel_size)
    if C == 1:
        lines = [f"With one input channel each filter is a single {ks} kernel.",
                 "Filter f writes output map f: the filters are the last dim of the output."]
    elif G == 1:
        lines = [f"Each filter has one {ks} slice per input channel ({C}) and adds their sums:",
                 "fully connected across channels. Filter f writes output map f (the last dim)."]
    else:
        lines = [f"groups={G}: each filter has slices only for the {_plural(C // G, 'channel')} of its group,",
                 f"not for all {C}. Filter f writes output map f (the last dim)."]
    if any(a or z for a, z in cs.pads):
        lines[-1] += " Hatched cells are zero padding."
    return lines


def _shapes_line(cs: ConvSpec) -> str:
    cg, F = cs.channels // cs.groups, cs.filters
    kparts = fmt.TIMES.join(str(k) for k in cs.kernel_size)
    return (f"input {fmt.tuple_str(tuple(cs.input_shape) + (cs.channels,))} {fmt.ARROW} output "
            f"{fmt.tuple_str(cs.output_shape)} {fmt.DOT} params {kparts}{fmt.TIMES}{cg}{fmt.TIMES}{F} + {F} = "
            f"{cs.params}")


def _step_line(tr: Trace, i: int) -> str:
    st = tr.steps[i]
    pos = ", ".join(str(int(p)) for p in st.out_pos)
    return f"step {i + 1}/{len(tr.steps)}: output[{pos}, :] \u2014 the window at the same place on every channel"


def _footer(cs: ConvSpec, g: _Geo) -> tuple[list[Item], float]:
    """Note lines and the caption (Keras call, shapes) under the step line; returns (items, figure height)."""
    y = g.y_note
    items: list[Item] = [Label(M, y + 8 + 16 * i, s, g.fsmall + 1, "muted", va="center")
                         for i, s in enumerate(_note(cs))]
    code, h = parts.code_lines(M, y + 64, cs.keras_call(), g.width - 2 * M, size=FONT_CAPTION - 0.5, line_h=17)
    items += code
    y_cap = y + 64 + h + 12
    items.append(Label(M, y_cap, _shapes_line(cs), FONT_CAPTION, "muted", va="center"))
    return items, y_cap + 20


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
        items.append(Box(g.card_x(ch) + cols[0] * g.c, g.y_in + rows[0] * g.c, (cols[-1] - cols[0] + 1) * g.c,
                         (rows[-1] - rows[0] + 1) * g.c, edge="window", lw=2.6, dash=dashed))
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
            show.append(Label(g.slice_x(ch) + g.kw * g.c / 2, g.slice_y(f) + g.kh * g.c + 13, f"sum = {fmt.num(s)}",
                              g.fsmall + 1, ha="center", va="center", key=("sum", (ch, f))))
        ymid = g.slice_y(f) + min(g.kh, g.ho) * g.c / 2
        show.append(Label(g.xs, ymid + 10, f"= {total}", FONT_LABEL + 1, bold=True, va="center", key=("total", (f,))))
        x, y = g.out_xy(f, *rq)
        key = _out_key(cs, st.out_pos, f)
        keep.append(Box(x, y, g.c, g.c, fill="output_fill", edge="grid", lw=1.6, text=total,
                        size=_cell_size(total, g), key=key))
        show.append(Box(x, y, g.c, g.c, fill="output_new", edge="window", lw=2.6, text=total, bold=True,
                        size=_cell_size(total, g, True), key=key))
        bias = f" + bias {fmt.num(tr.bias[f])}" if tr.bias[f] else ""
        described.append(f"filter {f}: {fmt.signed_sum(partial)}{bias} = {total}")
    show.append(Label(M, y_step, _step_line(tr, i), FONT_LABEL, va="center"))
    pos = ", ".join(str(int(p)) for p in st.out_pos)
    return Step(f"Output position ({pos}): " + "; ".join(described) + ".", keep=keep, show=show, window=keys)


def _alt(cs: ConvSpec, tr: Trace) -> str:
    C, F, cg = cs.channels, cs.filters, cs.channels // cs.groups
    return (f"Animation of {cs.keras_call()} on an input of shape {fmt.tuple_str(tuple(cs.input_shape) + (C,))} "
            f"({_plural(C, 'channel')}, padding {cs.describe_padding()}"
            + (f", groups={cs.groups}" if cs.groups > 1 else "") + f"): {_plural(F, 'filter')}, each a stack of "
            f"{cg} {fmt.shape(cs.kernel_size)} kernel slice{'s' if cg > 1 else ''}, produce an output of shape "
            f"{fmt.tuple_str(cs.output_shape)} {fmt.EN_DASH} one output map per filter, filters as the last "
            f"dimension. Each of the {len(tr.steps)} frames highlights the same window on every channel, shows "
            f"each channel's partial sum and each filter's total. {cs.params} parameters.")


def plan(spec: FigureSpec, data: Trace) -> Layout:
    """The channels figure as a Layout: static panels, then one Step per output position."""
    cs, tr = data.spec, data
    widest = max(tx.width(fmt.num(v), 11, True) for v in np.concatenate([tr.padded.ravel(), tr.output.ravel()]))
    g = _geometry(cs, widest)
    need = max([tx.width(_title(cs), FONT_TITLE, True) + 230 + M + 10, tx.width(_shapes_line(cs), FONT_CAPTION),
                sum(_head_widths(cs, g.fsmall)) + 24]
               + [tx.width(s, g.fsmall + 1) for s in _note(cs)]
               + [tx.width(_step_line(tr, i), FONT_LABEL) for i in (0, len(tr.steps) - 1)]) + 2 * M
    if need > g.width:
        g = _Geo(**{**g.__dict__, "width": int(np.ceil(need))})
    items = _header(cs, g) + _inputs(cs, tr, g) + _filters(cs, tr, g)
    footer, height = _footer(cs, g)
    items += footer
    steps = [_step(cs, tr, g, i, g.y_note + 46) for i in range(len(tr.steps))]
    return Layout(g.width, int(np.ceil(height)), items, steps, alt=_alt(cs, tr), ss=1, levels=3)
