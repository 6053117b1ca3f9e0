"""2D convolution animation: padded input, kernel window with its weights, products and sum, output.

Everything drawn comes from ``convfig.trace`` (the renderer never recomputes the convolution).

Drawing: the figure is a numpy RGB array. Cells, grid lines and the padding hatch are filled rectangles
and pixel patterns; text is rasterised by FreeType (the DejaVu fonts matplotlib ships), hinted, at
whole-pixel positions, its coverage quantised to ``LEVELS`` steps, each step a fixed blend of the text
colour and the fill it sits on. A figure therefore has under 32 exact colours (the theme's + one blend
per text/fill pair): the encoder keeps them all, theme colours stay exact, and the GIF's LZW sees the
same pixels wherever the same glyph appears.

GIF bytes drive the design (``make bench``: each of conv_arithmetic's 8 parameter sets in <= 25 % of its
bytes). LZW codes rows, so what costs is structure per row, not area or ink: a vertical edge costs bytes
in every row it crosses, a horizontal bar almost nothing. Hence the window (and the current output cell,
and the kernel panel, in the same look) is drawn as full top and bottom bars with short arms down its
sides instead of a full outline (-19 % bytes); the weights under the window are bare numbers in the
weight colour (no "×": -7 %); output values are bold in every cell (a finished cell changes only by
losing the marks); the equation's products sit in fixed slots so that between frames only the digits
that change are new pixels, and it does not repeat the output position (the marked cell shows it).

Frames: the static scene is drawn once; each frame restores what the previous one overlaid and draws the
window with its weights, the output cell being written and the equation. Frames are stored as patches
of what changed (FrameSeq).

Layout: input | kernel | output, left to right (reading order; also keeps every figure at least as wide
as conv_arithmetic's), the equation and the Keras call below, wrapped to the width.
"""

from __future__ import annotations

import numpy as np

from convfig.render import style
from convfig.render.registry import canonical_params, conv_spec
from convfig.render.types import ConvfigError, FrameSeq, Rendered

MARGIN = 12
GAP = 24           # between panels
IDX = 16           # gutter for row / column indices
CK = 26            # kernel panel cell (compact, no grid: the window shows the weights where they act)
LEVELS = 3         # text coverage steps: background, one blend, text colour (4 steps: +6 % bytes)
ARM = 10           # window: length of the side arms at its corners (px)
HATCH = 6          # padding cells: a 1 px diagonal every HATCH px (0: no hatch)
MAX_TERMS = 16     # products written out in full up to a 4x4 kernel, abbreviated beyond
TITLE_PT = style.FONT_LABEL   # "input 5×5" (bold)
VALUE_PT = style.FONT_CELL     # numbers in the cells
DETAIL_PT = 9                 # "pad 1 each side → 7×7"
IDX_PT = 8                    # row / column indices
WEIGHT_PT = style.FONT_SMALL  # the weight under the value in a window cell (bold)
KERNEL_PT = 9                 # weights in the kernel panel (bold, same colour as in the window)
EQ_PT = 9.0                   # equation line, DejaVu Sans Mono: hinted advance 8 px
CAP_PT = 8.5                  # Keras call, DejaVu Sans Mono: hinted advance 7 px
TITLE_H = 18       # px per header line
DETAIL_H = 14
EQ_LINE = 18
CAP_LINE = 15


def _cell_px(n_max: int) -> int:
    """Cell side: 30 px (an 11 pt value over an 8 pt weight; fewer pixel rows = fewer GIF bytes)."""
    return 30


class TextRaster:
    """Text from FreeType, hinted, whole-pixel placed, coverage in LEVELS steps; drawn onto numpy RGB.

    ``draw`` assumes the pixels under the text are the flat colour ``bg`` it is given (true everywhere in
    this figure: text sits on a fill or on a plate cleared first), and writes ``bg``-to-``fg`` blends.
    """

    def __init__(self) -> None:
        self._fonts: dict = {}
        self._masks: dict = {}
        self._ramps: dict = {}

    def _font(self, bold: bool, mono: bool):
        key = (bold, mono)
        if key not in self._fonts:
            from matplotlib import font_manager, ft2font

            prop = font_manager.FontProperties(family=style.MONO_FAMILY if mono else style.FONT_FAMILY,
                                               weight="bold" if bold else "normal")
            self._fonts[key] = ft2font.FT2Font(font_manager.findfont(prop))
        return self._fonts[key]

    def mask(self, s: str, size: float, bold: bool = False, mono: bool = False) -> tuple[np.ndarray, int, int]:
        """(coverage steps uint8 (h, w) cropped to the ink, baseline row in it, ink x offset from the pen)."""
        key = (s, size, bold, mono)
        m = self._masks.get(key)
        if m is None:
            from matplotlib.ft2font import LoadFlags

            f = self._font(bold, mono)
            f.set_size(size, style.DPI)
            f.set_text(s, 0.0, flags=LoadFlags.NO_AUTOHINT)
            f.draw_glyphs_to_bitmap(antialiased=True)
            a = np.asarray(f.get_image())
            base = a.shape[0] - 1 - round(f.get_descent() / 64)
            left = f.get_bitmap_offset()[0] // 64
            q = ((a.astype(np.uint16) * (LEVELS - 1) + 127) // 255).astype(np.uint8)
            rows, cols = np.flatnonzero(q.any(axis=1)), np.flatnonzero(q.any(axis=0))
            if len(rows) == 0:
                m = (np.zeros((0, 0), np.uint8), 0, 0)
            else:
                m = (np.ascontiguousarray(q[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]),
                     int(base - rows[0]), int(left + cols[0]))
            self._masks[key] = m
        return m

    def width(self, s: str, size: float, bold: bool = False, mono: bool = False) -> int:
        q, _b, left = self.mask(s, size, bold, mono)
        return left + q.shape[1]

    def fit(self, s: str, size: float, max_w: int, bold: bool = False) -> float:
        """The largest size <= size (0.5 pt steps, >= 7 pt) at which s is at most max_w px wide."""
        while size > 7 and self.width(s, size, bold) > max_w:
            size -= 0.5
        return size

    def cap(self, size: float, bold: bool = False) -> int:
        """Ink height of the digits (for centring numbers in cells)."""
        return self.mask("0", size, bold)[0].shape[0]

    def ramp(self, fg: str, bg: str) -> np.ndarray:
        key = (fg, bg)
        r = self._ramps.get(key)
        if r is None:
            f = np.array(style.hex_to_rgb(fg), float)
            b = np.array(style.hex_to_rgb(bg), float)
            t = np.arange(LEVELS)[:, None] / (LEVELS - 1)
            r = np.floor(b + t * (f - b) + 0.5).astype(np.uint8)
            self._ramps[key] = r
        return r

    def draw(self, img: np.ndarray, s: str, x: int, y: int, *, size: float, fg: str, bg: str,
             bold: bool = False, mono: bool = False, ha: str = "left", va: str = "baseline",
             plate: int = -1) -> tuple[int, int, int, int]:
        """Draw s; ha left (x = pen) / center / right (ink), va baseline / digits (y = centre of the digits).

        plate >= 0 first clears the ink box grown by ``plate`` px to ``bg``. Returns the ink box (x0, y0, x1, y1).
        """
        q, base, left = self.mask(s, size, bold, mono)
        h, w = q.shape
        x0 = x + left if ha == "left" else x - w // 2 if ha == "center" else x - w
        yb = y if va == "baseline" else y + (self.cap(size, bold) + 1) // 2
        y0 = yb - base
        if plate >= 0:
            img[max(0, y0 - plate):y0 + h + plate, max(0, x0 - plate):x0 + w + plate] = self.ramp(fg, bg)[0]
        cy0, cx0 = max(0, -y0), max(0, -x0)                     # clip to the image
        q = q[cy0:max(cy0, img.shape[0] - y0), cx0:max(cx0, img.shape[1] - x0)]
        region = img[y0 + cy0:y0 + cy0 + q.shape[0], x0 + cx0:x0 + cx0 + q.shape[1]]
        on = q > 0
        region[on] = self.ramp(fg, bg)[q[on]]
        return x0, y0, x0 + w, y0 + h

    def mono_line(self, img: np.ndarray, s: str, x: int, y: int, *, size: float, adv: int, fg: str,
                  bg: str) -> None:
        """A monospaced line, character i at pen x + i * adv (baseline y): same glyph, same pixels."""
        for i, ch in enumerate(s):
            if ch != " ":
                self.draw(img, ch, x + i * adv, y, size=size, fg=fg, bg=bg, mono=True)

    def advance(self, size: float) -> int:
        """Hinted advance of the monospaced font at this size (whole pixels)."""
        from matplotlib.ft2font import LoadFlags

        f = self._font(False, True)
        f.set_size(size, style.DPI)
        return int(round(f.load_char(ord("0"), flags=LoadFlags.NO_AUTOHINT).horiAdvance / 64))


def _rgb(colour: str) -> np.ndarray:
    return np.array(style.hex_to_rgb(colour), dtype=np.uint8)


def _window_marks(img: np.ndarray, y0: int, y1: int, x0: int, x1: int, t: int, rgb: np.ndarray,
                  arm: int = ARM) -> None:
    """The window: full bars along its top and bottom, short arms down / up its sides.

    GIF stores rows: a vertical edge costs bytes in every row it crosses, a horizontal bar almost
    nothing. Full side edges cost ~5x the bars; the arms keep the corners, so it still reads as a box.
    """
    img[y0:y0 + t, x0:x1] = rgb
    img[y1 - t:y1, x0:x1] = rgb
    for xs in (slice(x0, x0 + t), slice(x1 - t, x1)):
        img[y0:y0 + arm, xs] = rgb
        img[y1 - arm:y1, xs] = rgb


def _spec_and_trace(params: dict):
    import convfig

    p = canonical_params("conv2d", params)
    if p["channels"] != 1 or p["filters"] != 1:
        raise ConvfigError(
            "channels: conv2d figures draw one input channel and one filter; "
            "use the 'channels' figure kind for channels > 1 or filters > 1"
        )
    spec = conv_spec(p)
    tr = convfig.trace_example(spec, seed=p["seed"])
    return p, spec, tr


def _pad_words(before: int, after: int) -> str:
    return f"pad {before} each side" if before == after else f"pad {before} before / {after} after"


def _headers(spec) -> dict[str, list[str]]:
    """Panel headers: [title, detail lines...]; details only where they say something the grid doesn't."""
    fs = style.fmt_shape
    (pt, pb), (pl, pr) = spec.pads
    padded = fs(spec.padded_shape)
    mode = f"{spec.padding}: " if isinstance(spec.padding, str) else ""
    if pt == pb == pl == pr == 0:
        inp = [f"{mode}no padding"] if mode and spec.padding != "valid" else []
    elif (pt, pb) == (pl, pr):
        inp = [f"{mode}{_pad_words(pt, pb)} → {padded}"]
    else:
        inp = [f"{mode}rows {_pad_words(pt, pb)},", f"columns {_pad_words(pl, pr)} → {padded}"]
    kern = []
    if any(d > 1 for d in spec.dilation_rate):
        kern = [f"dilation {fs(spec.dilation_rate)}", f"spans {fs(spec.effective_kernel)}"]
    out = []
    if any(s > 1 for s in spec.strides):
        sr, sc = spec.strides
        out = [f"stride {sr}" if sr == sc else f"stride {sr} down, {sc} across"]
    return {
        "input": [f"input {fs(spec.input_shape)}"] + inp,
        "kernel": [f"kernel {fs(spec.kernel_size)}"] + kern,
        "output": [f"output {fs(spec.out_spatial)}"] + out,
    }


def _alt(spec) -> str:
    fs = style.fmt_shape
    n = int(np.prod(spec.out_spatial))
    pad = spec.describe_padding()
    if not isinstance(spec.padding, str):
        pad = f"{pad} (explicit zero padding, as keras.layers.ZeroPadding2D)"
    return (
        f"Animation of a 2D convolution, {spec.keras_call()}: input {fs(spec.input_shape)}, padding {pad}, "
        f"padded {fs(spec.padded_shape)}; kernel {fs(spec.kernel_size)}, strides {fs(spec.strides)}, "
        f"dilation {fs(spec.dilation_rate)}; output {fs(spec.out_spatial)}. {n} frames, one per output "
        "position: the kernel window moves over the padded input (padding cells are hatched and hold 0), "
        "each input cell in the window shows the kernel weight it is multiplied by, the line below writes "
        "out the products and their sum, and the sum fills the next output cell."
    )


def _step_text(st, spec, eq: str) -> str:
    rows = style.fmt_index_set(st.window[0])
    cols = style.fmt_index_set(st.window[1])
    npad = int(np.count_nonzero(st.is_pad))
    pos = ", ".join(str(int(i)) for i in st.out_pos)
    s = (f"Output ({pos}) = {eq}; the window reads rows {rows}, columns {cols} of the padded input")
    if npad:
        s += f" ({npad} of its {st.is_pad.size} cells are padding zeros)"
    return s + "."


def _paren(s: str) -> str:
    return f"({s})" if s.startswith(style.MINUS) else s


def _equations(steps, kern: np.ndarray, bias: float, max_chars: int) -> list[list[str]]:
    """The equation line(s) of every frame, each product in a fixed slot (same wrap in every frame).

    Weights never change between frames and values are right-aligned in a slot as wide as the widest
    value that term ever shows, so a frame only stores the characters that really change. The output
    position is not repeated here (the output cell being written is marked and the grid is indexed):
    its digits alone cost ~50 B a frame.
    """
    n = kern.size
    vals = [[_paren(style.fmt_num(v)) for v in st.values[..., 0].ravel()] for st in steps]
    wts = [_paren(style.fmt_num(w)) for w in kern.ravel()]
    vw = [max(len(v[j]) for v in vals) for j in range(n)]
    sums = [style.fmt_num(st.sums[0]) for st in steps]
    sw = max(len(s) for s in sums)
    out = []
    for st_vals, total in zip(vals, sums):
        terms = [st_vals[j].rjust(vw[j]) + style.DOT + wts[j] for j in range(n)]
        if n > MAX_TERMS:
            terms = terms[:3] + [f"{style.ELLIPSIS} ({n} products) {style.ELLIPSIS}"] + terms[-1:]
        if bias:
            terms.append(_paren(style.fmt_num(bias)))
        out.append(style.wrap_terms("output = " + " + ".join(terms) + " = " + total.ljust(sw), max_chars))
    return out


def render_conv2d(params: dict, theme: str) -> Rendered:
    """Render the 2D animation (one frame per output position)."""
    p, spec, tr = _spec_and_trace(params)
    th = style.get_theme(theme)
    return _draw(p, spec, tr, th)


def _layout(tx: TextRaster, spec, heads: dict[str, list[str]], C: int) -> dict:
    """Panel positions: input | kernel | output, left to right (pixels, origin top left, no margins).

    pos[panel] = (x, y of the header, y of the cells); the header's left = the cells' left. Row and
    column indices (input and output) sit in a gutter of IDX px left of and above the cells.
    """
    (ph, pw), (oh, ow) = spec.padded_shape, spec.out_spatial
    kh, kw = spec.kernel_size

    def head_w(lines):
        return max([tx.width(lines[0], TITLE_PT, bold=True)] + [tx.width(d, DETAIL_PT) for d in lines[1:]])

    gut = {"input": IDX, "kernel": 0, "output": IDX}
    cells = {"input": (pw * C + 1, ph * C + 1), "kernel": (kw * CK + 1, kh * CK + 1),
             "output": (ow * C + 1, oh * C + 1)}
    hb = max(TITLE_H + DETAIL_H * (len(v) - 1) for v in heads.values()) + 4
    pos, x = {}, 0
    for k in ("input", "kernel", "output"):
        pos[k] = (x + gut[k], 0, hb + IDX)
        x += gut[k] + max(cells[k][0], head_w(heads[k])) + GAP
    content_w = x - GAP
    content_h = hb + IDX + max(c[1] for c in cells.values())
    W = max(style.MIN_WIDTH_PX, content_w + 2 * MARGIN)
    return {"W": W + W % 2, "pos": pos, "content_w": content_w, "content_h": content_h}


def _draw(p: dict, spec, tr, th: style.Theme) -> Rendered:
    (ph, pw), (oh, ow) = spec.padded_shape, spec.out_spatial
    kh, kw = spec.kernel_size
    C = _cell_px(max(ph, pw, oh, ow))
    (pt, _pb), (pl, _pr) = spec.pads
    n_in_h, n_in_w = spec.input_shape
    padded = tr.padded[..., 0]
    kern = tr.kernel[..., 0, 0]
    bias = float(tr.bias[0]) if tr.bias is not None else 0.0
    steps = tr.steps
    out_vals = tr.output[..., 0]
    tx = TextRaster()
    eq_adv, cap_adv = tx.advance(EQ_PT), tx.advance(CAP_PT)

    # ---- layout (pixels, origin top left) ---------------------------------------------------------
    heads = _headers(spec)
    lay = _layout(tx, spec, heads, C)
    W = lay["W"]
    call_lines = _wrap_call(spec.keras_call(), (W - 2 * MARGIN) // cap_adv)
    W = max(W, 2 * MARGIN + cap_adv * max(len(line) for line in call_lines))     # an unbreakable layer
    W += W % 2
    eq_lines = _equations(steps, kern, bias, (W - 2 * MARGIN) // eq_adv)
    n_eq = max(len(e) for e in eq_lines)
    W = max(W, 2 * MARGIN + eq_adv * max(len(line) for e in eq_lines for line in e))
    W += W % 2
    x_left = (W - lay["content_w"]) // 2
    top = MARGIN
    y_eq = top + lay["content_h"] + 12
    y_cap = y_eq + n_eq * EQ_LINE + 8
    H = y_cap + len(call_lines) * CAP_LINE + MARGIN - 4
    H += H % 2
    pos = {k: (x + x_left, hy + top, gy + top) for k, (x, hy, gy) in lay["pos"].items()}
    gx_in, gy_in = pos["input"][0], pos["input"][2]
    gx_out, gy_out = pos["output"][0], pos["output"][2]
    gx_k, gy_k = pos["kernel"][0], pos["kernel"][2]

    def in_cell(r, c):
        return gx_in + c * C, gy_in + r * C

    def out_cell(r, c):
        return gx_out + c * C, gy_out + r * C

    # ---- static scene -------------------------------------------------------------------------------
    rgb = {k: _rgb(v) for k, v in th.as_dict().items() if k != "name"}
    base = np.empty((H, W, 3), np.uint8)
    base[:] = rgb["bg"]
    is_pad = np.ones((ph, pw), bool)
    is_pad[pt:pt + n_in_h, pl:pl + n_in_w] = False
    # input cells: fills, hatch on padding, 1 px grid lines
    for r in range(ph):
        for c in range(pw):
            x, y = in_cell(r, c)
            base[y:y + C, x:x + C] = rgb["pad_fill" if is_pad[r, c] else "input_fill"]
    if HATCH and is_pad.any():
        yy, xx = np.mgrid[gy_in:gy_in + ph * C, gx_in:gx_in + pw * C]
        on = ((xx + yy) % HATCH == 0) & np.repeat(np.repeat(is_pad, C, 0), C, 1)
        base[gy_in:gy_in + ph * C, gx_in:gx_in + pw * C][on] = rgb["pad_hatch"]

    def grid_lines(gx, gy, nr, nc, step, colour):
        for r in range(nr + 1):
            base[gy + r * step, gx:gx + nc * step + 1] = colour
        for c in range(nc + 1):
            base[gy:gy + nr * step + 1, gx + c * step] = colour

    grid_lines(gx_in, gy_in, ph, pw, C, rgb["grid"])
    base[gy_out:gy_out + oh * C, gx_out:gx_out + ow * C] = rgb["output_empty"]
    grid_lines(gx_out, gy_out, oh, ow, C, rgb["grid"])
    _window_marks(base, gy_k, gy_k + kh * CK + 1, gx_k, gx_k + kw * CK + 1, 3, rgb["window"], arm=6)

    # numbers: value and weight stacked between the window's 3 px bars
    v_cy, w_cy = (9, 21) if C == 30 else (8, 19)
    for r in range(ph):
        for c in range(pw):
            x, y = in_cell(r, c)
            s = style.fmt_num(padded[r, c])
            if is_pad[r, c]:
                tx.draw(base, s, x + C // 2 + 1, y + v_cy, size=tx.fit(s, VALUE_PT, C - 4), fg=th.muted, bg=th.pad_fill,
                        ha="center", va="digits", plate=2)
            else:
                tx.draw(base, s, x + C // 2 + 1, y + v_cy, size=tx.fit(s, VALUE_PT, C - 4), fg=th.fg, bg=th.input_fill,
                        ha="center", va="digits")
    for (a, b), w in np.ndenumerate(kern):
        ws = style.fmt_num(w)
        tx.draw(base, ws, gx_k + b * CK + CK // 2 + 1, gy_k + a * CK + CK // 2,
                size=tx.fit(ws, KERNEL_PT, CK - 4, True), fg=th.weight, bg=th.bg, bold=True, ha="center", va="digits")
    for r in range(ph):
        tx.draw(base, str(r), gx_in - 5, gy_in + r * C + C // 2, size=IDX_PT, fg=th.muted, bg=th.bg,
                ha="right", va="digits")
    for c in range(pw):
        tx.draw(base, str(c), gx_in + c * C + C // 2 + 1, gy_in - 9, size=IDX_PT, fg=th.muted, bg=th.bg,
                ha="center", va="digits")
    for r in range(oh):
        tx.draw(base, str(r), gx_out - 5, gy_out + r * C + C // 2, size=IDX_PT, fg=th.muted, bg=th.bg,
                ha="right", va="digits")
    for c in range(ow):
        tx.draw(base, str(c), gx_out + c * C + C // 2 + 1, gy_out - 9, size=IDX_PT, fg=th.muted, bg=th.bg,
                ha="center", va="digits")
    # headers and caption
    for k, lines in heads.items():
        hx, hy = pos[k][:2]
        tx.draw(base, lines[0], hx, hy + 13, size=TITLE_PT, fg=th.fg, bg=th.bg, bold=True)
        for j, d in enumerate(lines[1:]):
            tx.draw(base, d, hx, hy + TITLE_H + 11 + j * DETAIL_H, size=DETAIL_PT, fg=th.muted, bg=th.bg)
    for i, line in enumerate(call_lines):
        tx.mono_line(base, line, MARGIN, y_cap + 11 + i * CAP_LINE, size=CAP_PT, adv=cap_adv, fg=th.fg,
                     bg=th.bg)

    # ---- frames -------------------------------------------------------------------------------------
    eqs = [style.sum_equation(st.values[..., 0].ravel(), kern.ravel(), float(st.sums[0]), bias=bias,
                              max_terms=MAX_TERMS) for st in steps]
    sy0, sy1 = y_eq, y_eq + n_eq * EQ_LINE
    strip_bg = base[sy0:sy1].copy()
    wts = [[style.fmt_num(w) for w in row] for row in kern]
    win_rgb = rgb["window"]
    dil = any(d > 1 for d in spec.dilation_rate)
    acc = base.copy()        # static scene + output cells written so far
    cur = base.copy()        # the frame being composed
    frames: FrameSeq | None = None
    prev_rects: list[tuple[int, int, int, int]] = []
    strip_rect = (sy0, sy1, 0, W)
    for i, st in enumerate(steps):
        for y0, y1, x0, x1 in prev_rects:          # undo the previous frame's overlays
            cur[y0:y1, x0:x1] = acc[y0:y1, x0:x1]
        rects = []
        orow, ocol = (int(v) for v in st.out_pos)
        ox, oy = out_cell(orow, ocol)
        num = style.fmt_num(out_vals[orow, ocol])
        acc[oy + 1:oy + C, ox + 1:ox + C] = rgb["output_fill"]          # written for good
        tx.draw(acc, num, ox + C // 2 + 1, oy + C // 2, size=tx.fit(num, VALUE_PT, C - 4, True), fg=th.fg,
                bg=th.output_fill, bold=True, ha="center", va="digits")
        cur[oy + 1:oy + C, ox + 1:ox + C] = acc[oy + 1:oy + C, ox + 1:ox + C]
        for a, r in enumerate(st.window[0]):
            for b, c in enumerate(st.window[1]):
                r, c = int(r), int(c)
                x, y = in_cell(r, c)
                pad = bool(is_pad[r, c])
                tx.draw(cur, wts[a][b], x + C // 2 + 1, y + w_cy, size=tx.fit(wts[a][b], WEIGHT_PT, C - 6, True),
                        fg=th.weight,
                        bg=th.pad_fill if pad else th.input_fill, bold=True, ha="center", va="digits",
                        plate=1 if pad else -1)
                if dil:
                    _window_marks(cur, y, y + C + 1, x, x + C + 1, 2, win_rgb, arm=6)
        r0, c0 = int(st.window[0][0]), int(st.window[1][0])
        r1, c1 = int(st.window[0][-1]), int(st.window[1][-1])
        wx0, wy0 = in_cell(r0, c0)
        wx1, wy1 = in_cell(r1 + 1, c1 + 1)
        wy1, wx1 = wy1 + 1, wx1 + 1
        if not dil:                   # dilated: every window cell is marked above instead
            _window_marks(cur, wy0, wy1, wx0, wx1, 3, win_rgb)
        rects.append((wy0, wy1, wx0, wx1))
        # being written now: the window's marks around it (it is already filled and numbered in acc)
        _window_marks(cur, oy, oy + C + 1, ox, ox + C + 1, 3, win_rgb, arm=8)
        rects.append((oy, oy + C + 1, ox, ox + C + 1))
        cur[sy0:sy1] = strip_bg                                        # the equation
        for j, line in enumerate(eq_lines[i]):
            tx.mono_line(cur, line, MARGIN, y_eq + 13 + j * EQ_LINE, size=EQ_PT, adv=eq_adv, fg=th.fg,
                         bg=th.bg)
        if frames is None:
            frames = FrameSeq(cur.copy())
        else:
            frames.append_patches([(y0, x0, cur[y0:y1, x0:x1].copy())
                                   for y0, y1, x0, x1 in _merge(prev_rects + rects + [strip_rect])])
        prev_rects = rects

    assert frames is not None
    fps = p["fps"]
    durations = [int(1000 / fps)] * len(steps)
    durations[-1] = max(durations[-1], style.LAST_FRAME_MS)
    step_texts = [_step_text(st, spec, eq) for st, eq in zip(steps, eqs)]
    hint = [v for k, v in th.as_dict().items() if k != "name"]
    return Rendered(frames=frames, durations_ms=durations, alt=_alt(spec), steps=step_texts, palette_hint=hint)


def _merge(rects):
    """Drop rectangles contained in another one (keeps patches few and non-redundant)."""
    rects = sorted(set(rects), key=lambda r: -(r[1] - r[0]) * (r[3] - r[2]))
    out = []
    for r in rects:
        if not any(o[0] <= r[0] and o[1] >= r[1] and o[2] <= r[2] and o[3] >= r[3] for o in out):
            out.append(r)
    return out


def _wrap_call(call: str, max_chars: int) -> list[str]:
    """Wrap the Keras call to lines of at most max_chars: one layer per line ("then" starts the next),
    a layer too long broken after the commas between its arguments (continuation indented 4)."""
    layers = call.split(" then ")
    lines: list[str] = []
    for i, layer in enumerate(layers):
        text = ("then " if i else "") + layer
        if len(text) <= max_chars:
            lines.append(text)
            continue
        depth, cuts = 0, []
        for j, ch in enumerate(text):            # commas between the layer's own arguments
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 1:
                cuts.append(j + 1)
        cur, start = "", 0
        for cut in cuts + [len(text)]:
            piece = text[start:cut].strip()
            if cur and len(cur) + 1 + len(piece) > max_chars:
                lines.append(cur)
                cur = "    " + piece
            else:
                cur = f"{cur} {piece}" if cur else piece
            start = cut
        lines.append(cur)
    return lines
