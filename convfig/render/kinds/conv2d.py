"""2D convolution animation: padded input | kernel | output, the window with its weights, the equation, the call.

Keys: ``("input", (r, c))`` in padded-input coordinates (padding cells included: row 0 is the first padding
row when there is padding before), ``("kernel", (a, b))``, ``("output", (r, c))`` (written at its step),
``("weight", (r, c))`` the kernel weight shown under padded-input cell (r, c) while the window is on it,
``("equation", (line, column))`` one character of the equation in its monospaced slot.

Every number comes from ``convfig.trace_example`` (the plan never recomputes the convolution).

GIF bytes drive the look (``make bench``: each of conv_arithmetic's 8 sets in <= 25 % of its bytes). LZW codes
rows, so a vertical edge costs bytes in every row it crosses and a horizontal bar almost nothing. Hence the
window, the output cell being written and the kernel panel are drawn as top and bottom bars with short arms
down the sides (``Box(arms=...)``, -19 % bytes against full outlines); the weights under the window are bare
bold numbers (no "×": -7 %); output values are bold from the moment they are written; the equation's products
sit in fixed slots of a monospaced grid (each character its own Label) so that between frames only the
characters that change are redrawn, and it does not repeat the output position (the marked cell shows it).
Text in 3 coverage levels, no supersampling: under 32 exact colours, theme colours stay exact.
"""

from __future__ import annotations

import numpy as np

from convfig import ConvfigError
from convfig.compute import Trace
from convfig.render import fmt, parts, samples
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Step
from convfig.render.style import FONT_CELL, FONT_LABEL, FONT_SMALL, MIN_WIDTH_PX
from convfig.render.types import FigureSpec

MARGIN = 12
GAP = 24           # between panels
IDX = 16           # gutter for row / column indices
C = 30             # input / output cell (an 11 pt value over an 8 pt weight; fewer rows = fewer GIF bytes)
C_MIN = C          # values sit 9 px, weights 21 px below a cell's top; larger cells add room between
C_MAX = 50         # cells grow up to this so that a value like −16 keeps the 11 pt size of the others
CK = 26            # kernel panel cell (compact, no grid: the window shows the weights where they act)
ARM = 10           # window: length of the side arms at its corners (px)
MAX_TERMS = 16     # products written out in full up to a 4x4 kernel, abbreviated beyond
VALUE_DY = -6.5    # value centred 9 px below a cell's top, the weight 21 px (between the window's bars)
WEIGHT_Y = 21
DETAIL_PT = 9      # "pad 1 each side → 7×7"
IDX_PT = 8         # row / column indices
KERNEL_PT = 9      # weights in the kernel panel (bold, same colour as in the window)
EQ_PT = 9.0        # equation, DejaVu Sans Mono (8 px slots)
CAP_PT = 8.5       # Keras call, DejaVu Sans Mono
TITLE_H, DETAIL_H, EQ_LINE, CAP_LINE = 18, 14, 18, 15
PANELS = ("input", "kernel", "output")


def compute(spec: FigureSpec) -> Trace:
    """The engine's trace of the spec's example data (one input channel, one filter)."""
    p = spec.params
    if p["channels"] != 1 or p["filters"] != 1:
        raise ConvfigError(
            "channels: conv2d figures draw one input channel and one filter; "
            "use the 'channels' figure kind for channels > 1 or filters > 1"
        )
    return samples.example_trace(p)


# ------------------------------------------------------------------ words
def _pad_words(before: int, after: int) -> str:
    return f"pad {before} each side" if before == after else f"pad {before} before / {after} after"


def _headers(cs) -> dict[str, list[str]]:
    """Panel headers: [title, detail lines...]; details only where they say something the grid doesn't."""
    (pt, pb), (pl, pr) = cs.pads
    padded = fmt.shape(cs.padded_shape)
    mode = f"{cs.padding}: " if isinstance(cs.padding, str) else ""
    if pt == pb == pl == pr == 0:
        inp = [f"{mode}no padding"] if mode and cs.padding != "valid" else []
    elif (pt, pb) == (pl, pr):
        inp = [f"{mode}{_pad_words(pt, pb)} {fmt.ARROW} {padded}"]
    else:
        inp = [f"{mode}rows {_pad_words(pt, pb)},", f"columns {_pad_words(pl, pr)} {fmt.ARROW} {padded}"]
    kern = []
    if any(d > 1 for d in cs.dilation_rate):
        kern = [f"dilation {fmt.shape(cs.dilation_rate)}", f"spans {fmt.shape(cs.effective_kernel)}"]
    out = []
    if any(s > 1 for s in cs.strides):
        sr, sc = cs.strides
        out = [f"stride {sr}" if sr == sc else f"stride {sr} down, {sc} across"]
    return {"input": [f"input {fmt.shape(cs.input_shape)}"] + inp,
            "kernel": [f"kernel {fmt.shape(cs.kernel_size)}"] + kern,
            "output": [f"output {fmt.shape(cs.out_spatial)}"] + out}


def _alt(cs) -> str:
    fs = fmt.shape
    pad = cs.describe_padding()
    if not isinstance(cs.padding, str):
        pad = f"{pad} (explicit zero padding, as keras.layers.ZeroPadding2D)"
    return (
        f"Animation of a 2D convolution, {cs.keras_call()}: input {fs(cs.input_shape)}, padding {pad}, "
        f"padded {fs(cs.padded_shape)}; kernel {fs(cs.kernel_size)}, strides {fs(cs.strides)}, "
        f"dilation {fs(cs.dilation_rate)}; output {fs(cs.out_spatial)}. {cs.positions} frames, one per output "
        "position: the kernel window moves over the padded input (padding cells are hatched and hold 0), "
        "each input cell in the window shows the kernel weight it is multiplied by, the line below writes "
        "out the products and their sum, and the sum fills the next output cell."
    )


def _step_text(st, eq: str) -> str:
    npad = int(np.count_nonzero(st.is_pad))
    pos = ", ".join(str(int(i)) for i in st.out_pos)
    s = (f"Output ({pos}) = {eq}; the window reads rows {fmt.index_set(st.window[0])}, "
         f"columns {fmt.index_set(st.window[1])} of the padded input")
    if npad:
        s += f" ({npad} of its {st.is_pad.size} cells are padding zeros)"
    return s + "."


def _equations(tr: Trace, max_chars: int) -> list[list[str]]:
    """The equation line(s) of every frame, each product in a fixed slot (same wrap in every frame).

    Values are right-aligned in a slot as wide as the widest value that term ever shows; weights never
    change; the sum is left-aligned in a slot as wide as the widest sum.
    """
    kern = tr.kernel[..., 0, 0].ravel()
    n = kern.size
    vals = [[fmt.paren(v) for v in st.values[..., 0].ravel()] for st in tr.steps]
    wts = [fmt.paren(w) for w in kern]
    vw = [max(len(v[j]) for v in vals) for j in range(n)]
    sums = [fmt.num(st.sums[0]) for st in tr.steps]
    sw = max(len(s) for s in sums)
    bias = float(tr.bias[0])
    out = []
    for st_vals, total in zip(vals, sums):
        terms = [st_vals[j].rjust(vw[j]) + fmt.DOT + wts[j] for j in range(n)]
        if n > MAX_TERMS:
            terms = terms[:3] + [f"{fmt.ELLIPSIS} ({n} products) {fmt.ELLIPSIS}"] + terms[-1:]
        if bias:
            terms.append(fmt.paren(bias))
        out.append(fmt.wrap("output = " + " + ".join(terms) + " = " + total.ljust(sw), max_chars))
    return out


# ------------------------------------------------------------------ geometry
def _geometry(cs, heads: dict[str, list[str]], call: str, tr: Trace) -> dict:
    """Panel positions (input | kernel | output), figure size, wrapped equation and call lines."""
    (ph, pw), (oh, ow), (kh, kw) = cs.padded_shape, cs.out_spatial, cs.kernel_size

    def head_w(lines: list[str]) -> int:
        return max([tx.width(lines[0], FONT_LABEL, bold=True)] + [tx.width(d, DETAIL_PT) for d in lines[1:]])

    C = cell_size(tr)   # this figure's cell side
    gut = {"input": IDX, "kernel": 0, "output": IDX}
    cells = {"input": (pw * C + 1, ph * C + 1), "kernel": (kw * CK + 1, kh * CK + 1),
             "output": (ow * C + 1, oh * C + 1)}
    hb = max(TITLE_H + DETAIL_H * (len(v) - 1) for v in heads.values()) + 4
    xs, x = {}, 0
    for k in PANELS:
        xs[k] = x + gut[k]
        x += gut[k] + max(cells[k][0], head_w(heads[k])) + GAP
    content_w, content_h = x - GAP, hb + IDX + max(c[1] for c in cells.values())
    w = max(MIN_WIDTH_PX, content_w + 2 * MARGIN)
    w += w % 2
    cap_adv, eq_adv = tx.mono_advance(CAP_PT), tx.mono_advance(EQ_PT)
    call_lines = fmt.wrap_call(call, (w - 2 * MARGIN) // cap_adv)
    w = max(w, 2 * MARGIN + cap_adv * max(len(s) for s in call_lines))     # an unbreakable layer
    w += w % 2
    eqs = _equations(tr, (w - 2 * MARGIN) // eq_adv)
    w = max(w, 2 * MARGIN + eq_adv * max(len(s) for e in eqs for s in e))
    w += w % 2
    left = (w - content_w) // 2
    y_eq = MARGIN + content_h + 12
    y_cap = y_eq + max(len(e) for e in eqs) * EQ_LINE + 8
    h = y_cap + len(call_lines) * CAP_LINE + MARGIN - 4
    return {"w": w, "h": h + h % 2, "x": {k: v + left for k, v in xs.items()}, "y_head": MARGIN,
            "y_grid": MARGIN + hb + IDX, "y_eq": y_eq, "y_cap": y_cap, "eqs": eqs, "c": C}


def cell_size(tr: Trace) -> int:
    """The cell side: C, grown (up to C_MAX) until every input value and every bold output value fits at
    FONT_CELL, so no single cell (e.g. −16) is written smaller than the others (even, for whole pixels)."""
    widest = max([tx.width(fmt.num(v), FONT_CELL) for v in tr.padded.ravel()]
                 + [tx.width(fmt.num(v), FONT_CELL, bold=True) for v in tr.output.ravel()])
    side = min(C_MAX, max(C, widest + 4))
    return side + side % 2


# ------------------------------------------------------------------ static scene
def _indices(x: float, y: float, rows: int, cols: int, C: int, name: str,
             first: tuple[int, int] = (0, 0)) -> list[Item]:
    """Row numbers left of a grid, column numbers above it (muted), keyed (name + "-row", (r,)) and
    (name + "-col", (c,)). ``first``: the index of the first row and column as Keras counts them (padding
    before the input gets −1, −2, ...; padding after it n, n + 1, ...)."""
    out: list[Item] = [Label(x - 5, y + r * C + C / 2, fmt.num(r + first[0]), IDX_PT, "muted", ha="right",
                             va="center", key=(name + "-row", (r,))) for r in range(rows)]
    out += [Label(x + c * C + C / 2 + 1, y - 9, fmt.num(c + first[1]), IDX_PT, "muted", ha="center", va="center",
                  key=(name + "-col", (c,))) for c in range(cols)]
    return out


def _input_panel(tr: Trace, x: float, y: float, C: int) -> list[Item]:
    """Padded input: padding cells hatched with dashed edges and a muted 0, real cells with their value."""
    cs = tr.spec
    padded = tr.padded[..., 0]
    (pt, _), (pl, _) = cs.pads
    real = np.zeros(padded.shape, bool)
    real[pt:pt + cs.input_shape[0], pl:pl + cs.input_shape[1]] = True
    pads: list[Item] = []
    cells: list[Item] = []
    texts: list[Item] = []
    for (r, c), v in np.ndenumerate(padded):
        cx, cy, s = x + c * C, y + r * C, fmt.num(v)
        size = tx.fit(s, FONT_CELL, C - 4)
        if real[r, c]:       # grid line, then the keyed value on the cell's inside (the lines stay)
            cells.append(Box(cx, cy, C, C, edge="grid"))
            texts.append(Box(cx + 1, cy + 1, C - 1, C - 1, fill="input_fill", text=s, size=size,
                             text_dy=VALUE_DY - (C - C_MIN) / 4, key=("input", (r, c))))
        else:
            pads.append(parts.input_cell(cx, cy, C, pad=True))
            texts.append(Label(cx + C / 2 + 1, cy + 9 + (C - C_MIN) / 4, s, size, "muted", ha="center", va="center",
                               plate="pad_fill", key=("input", (r, c))))
    return pads + cells + texts + _indices(x, y, *padded.shape, C, "input", first=(-pt, -pl))


def _kernel_panel(tr: Trace, x: float, y: float) -> list[Item]:
    kern = tr.kernel[..., 0, 0]
    kh, kw = kern.shape
    out: list[Item] = [Box(x, y, kw * CK, kh * CK, edge="window", lw=3, arms=6)]
    for (a, b), w in np.ndenumerate(kern):
        s = fmt.num(w)
        out.append(Box(x + b * CK + 1, y + a * CK, CK, CK, text=s, color="weight", bold=True,
                       size=tx.fit(s, KERNEL_PT, CK - 4, True), key=("kernel", (a, b))))
    return out


def _headings(heads: dict[str, list[str]], g: dict) -> list[Item]:
    out: list[Item] = []
    for k, lines in heads.items():
        hx, hy = g["x"][k], g["y_head"]
        out.append(Label(hx, hy + 13, lines[0], FONT_LABEL, "fg", bold=True))
        out += [Label(hx, hy + TITLE_H + 11 + j * DETAIL_H, d, DETAIL_PT, "muted") for j, d in enumerate(lines[1:])]
    return out


# ------------------------------------------------------------------ steps
def _window(st, x: float, y: float, kern: np.ndarray, pad: np.ndarray, dilated: bool, C: int) -> list[Item]:
    """The window over the padded input: bars with arms (every cell's own when dilated), weights under values."""
    out: list[Item] = []
    rows, cols = [int(i) for i in st.window[0]], [int(i) for i in st.window[1]]
    for a, r in enumerate(rows):
        for b, c in enumerate(cols):
            cx, cy, s = x + c * C, y + r * C, fmt.num(kern[a, b])
            if dilated:
                out.append(Box(cx, cy, C, C, edge="window", lw=2, arms=6))
            out.append(Label(cx + C / 2 + 1, cy + WEIGHT_Y + (C - C_MIN) / 2, s, tx.fit(s, FONT_SMALL, C - 6, True),
                             "weight", bold=True, ha="center", va="center", plate="pad_fill" if pad[r, c] else None,
                             key=("weight", (r, c))))
    if not dilated:
        out.append(Box(x + cols[0] * C, y + rows[0] * C, (cols[-1] - cols[0] + 1) * C, (rows[-1] - rows[0] + 1) * C,
                       edge="window", lw=3, arms=ARM))
    return out


def _steps(tr: Trace, g: dict, eq_show: list[list[Item]]) -> list[Step]:
    cs = tr.spec
    kern = tr.kernel[..., 0, 0]
    dilated = any(d > 1 for d in cs.dilation_rate)
    xi, xo, y, C = g["x"]["input"], g["x"]["output"], g["y_grid"], g["c"]
    (pt, _), (pl, _) = cs.pads
    pad = np.ones(cs.padded_shape, bool)
    pad[pt:pt + cs.input_shape[0], pl:pl + cs.input_shape[1]] = False
    steps = []
    for st, show in zip(tr.steps, eq_show):
        r, c = (int(i) for i in st.out_pos)
        s = fmt.num(tr.output[r, c, 0])
        ox, oy = xo + c * C, y + r * C
        cell = Box(ox + 1, oy + 1, C - 1, C - 1, fill="output_fill", text=s, bold=True,
                   size=tx.fit(s, FONT_CELL, C - 4, True), key=("output", (r, c)))
        mark = Box(ox, oy, C, C, edge="window", lw=3, arms=8)
        eq = fmt.sum_text(st.values[..., 0].ravel(), kern.ravel(), float(st.sums[0]), bias=float(tr.bias[0]),
                          max_terms=MAX_TERMS)
        window = tuple(("input", (int(a), int(b))) for a in st.window[0] for b in st.window[1])
        steps.append(Step(_step_text(st, eq), keep=[cell],
                          show=_window(st, xi, y, kern, pad, dilated, C) + [mark] + show, window=window))
    return steps


def plan(spec: FigureSpec, data: Trace) -> Layout:
    """The figure as a Layout: static panels, headings and call; one Step per output position."""
    tr = data
    cs = tr.spec
    heads = _headers(cs)
    g = _geometry(cs, heads, cs.keras_call(), tr)
    (oh, ow), y, C = cs.out_spatial, g["y_grid"], g["c"]
    xo = g["x"]["output"]
    eq_static, eq_show = parts.mono_slots(MARGIN, g["y_eq"] + 13, g["eqs"], EQ_PT, line_h=EQ_LINE)
    items: list[Item] = _input_panel(tr, g["x"]["input"], y, C) + _kernel_panel(tr, g["x"]["kernel"], y)
    items += [Box(xo + c * C, y + r * C, C, C, fill="output_empty", edge="grid") for r in range(oh) for c in range(ow)]
    items += _indices(xo, y, oh, ow, C, "output") + _headings(heads, g) + eq_static
    items += parts.code_lines(MARGIN, g["y_cap"], cs.keras_call(), g["w"] - 2 * MARGIN, size=CAP_PT,
                              line_h=CAP_LINE)[0]
    return Layout(g["w"], g["h"], items, _steps(tr, g, eq_show), alt=_alt(cs), ss=1, levels=3)
