"""2D convolution animation: padded input, kernel window with its weights, products and sum, output.

Everything drawn comes from ``convfig.trace`` (the renderer never recomputes the convolution).

Speed (blitting): the static scene (grids, numbers, labels, caption) is drawn once with matplotlib Agg.
The few looks a cell can take while the animation runs (input cell under the window showing "value
×weight", output cell written, output cell being written) are drawn once as layers with ``draw_artist``;
each frame then copies the cells that change from those layers and redraws only the sum line
(``restore_region`` + ``draw_artist``). Frames are stored as patches of what changed (FrameSeq).
"""

from __future__ import annotations

import numpy as np

from convfig.render import style
from convfig.render.kinds import canonical_params, conv_spec
from convfig.render.types import ConvfigError, FrameSeq, Rendered

MARGIN = 16
GAP = 32
IDX = 20           # gutter for row / column indices
LINE = 19          # px per caption line (10 pt)
WINDOW_TINT = False  # True: cells under the window get their own fill (prettier, ~2x bigger GIF deltas)
PAD_HATCH = "//"     # hatch of padding cells ("" for dashed borders only)
MAX_TERMS = 16     # products written out in full up to a 4x4 kernel, abbreviated beyond
EQ_ADV = 9         # px per character of the equation line (DejaVu Sans Mono advance = 0.602 em)
EQ_PT = EQ_ADV / (0.60205 * style.DPI / 72.0)   # 10.76 pt: whole-pixel advance, sprites line up exactly


def _cell_px(n_max: int) -> int:
    """Cell side: 36 px for small grids, 30 px for large ones (numbers stay >= 11 pt)."""
    return 36 if n_max <= 10 else 30


def text_px(s: str, size: float, *, mono: bool = False, bold: bool = False) -> float:
    """Width of a text line in pixels (exact, from the font metrics)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=style.MONO_FAMILY if mono else style.FONT_FAMILY, size=size,
                          weight="bold" if bold else "normal")
    w, _h, _d = TextToPath().get_text_width_height_descent(s, prop, ismath=False)
    return w * style.DPI / 72.0


def _rgb(colour: str) -> np.ndarray:
    return np.array(style.hex_to_rgb(colour), dtype=np.uint8)


def _outline(img: np.ndarray, y0: int, y1: int, x0: int, x1: int, t: int, rgb: np.ndarray,
             dash: int = 0) -> None:
    """Rectangle outline of thickness t inside [y0, y1) x [x0, x1); dashed when dash > 0."""
    if dash:
        on_x = (np.arange(x1 - x0) // dash) % 2 == 0
        on_y = (np.arange(y1 - y0) // dash) % 2 == 0
        img[y0:y0 + t, x0:x1][:, on_x] = rgb
        img[y1 - t:y1, x0:x1][:, on_x] = rgb
        img[y0:y1, x0:x0 + t][on_y] = rgb
        img[y0:y1, x1 - t:x1][on_y] = rgb
        return
    img[y0:y0 + t, x0:x1] = rgb
    img[y1 - t:y1, x0:x1] = rgb
    img[y0:y1, x0:x0 + t] = rgb
    img[y0:y1, x1 - t:x1] = rgb


def _spec_and_trace(params: dict):
    import convfig

    p = canonical_params("conv2d", params)
    if p["channels"] != 1 or p["filters"] != 1:
        raise ConvfigError(
            "channels: conv2d figures draw one input channel and one filter; "
            "use the 'channels' figure kind for channels > 1 or filters > 1"
        )
    spec = conv_spec(p)
    x, kernel, bias = convfig.example(spec, seed=p["seed"])
    tr = convfig.trace(x, kernel, bias, strides=spec.strides, padding=spec.padding,
                       dilation_rate=spec.dilation_rate, groups=spec.groups)
    return p, spec, tr


def _labels(spec) -> dict[str, tuple[str, str]]:
    fs = style.fmt_shape
    pad = spec.describe_padding()
    if not isinstance(spec.padding, str):      # int / pairs: say what the number is
        pad = f"padding {pad}"
    k_detail = "each output = Σ value × weight"
    if any(d > 1 for d in spec.dilation_rate):
        k_detail = f"dilation {fs(spec.dilation_rate)} → spans {fs(spec.effective_kernel)}"
    o_detail = "one value per window position"
    if any(s > 1 for s in spec.strides):
        sr, sc = spec.strides
        jump = f"{sr} cells" if sr == sc else f"{sr} rows down, {sc} across"
        o_detail = f"stride {fs(spec.strides)}: window jumps {jump}"
    return {
        "input": (f"input {fs(spec.input_shape)}", f"{pad}; padded {fs(spec.padded_shape)}"),
        "kernel": (f"kernel {fs(spec.kernel_size)}", k_detail),
        "output": (f"output {fs(spec.out_spatial)}", o_detail),
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


def render_conv2d(params: dict, theme: str) -> Rendered:
    """Render the 2D animation (one frame per output position)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    p, spec, tr = _spec_and_trace(params)
    th = style.get_theme(theme)
    with matplotlib.rc_context(style.rc_params(th)):
        return _draw(p, spec, tr, th)


class SpriteAtlas:
    """Text drawn once per distinct (string, look) and pasted by numpy wherever it appears.

    Every sprite is a box of a solid background colour with the text centred in it, so pasting it into
    a cell of that colour gives the same pixels as drawing the text there, for a fraction of the cost
    (matplotlib lays out and rasterises each Text from scratch, ~0.5 ms each).
    """

    def __init__(self) -> None:
        self.specs: dict[tuple, tuple] = {}
        self.img: dict[tuple, np.ndarray] = {}

    def add(self, s: str, *, size: float, color: str, bg: str, w: int, h: int, bold: bool = False,
            mono: bool = False) -> tuple:
        """Register a sprite; mono sprites are left-aligned on a baseline at 3/4 of the box height."""
        key = (s, size, color, bg, w, h, bold, mono)
        self.specs.setdefault(key, key)
        return key

    def line(self, s: str, *, size: float, color: str, bg: str, adv: int, h: int) -> list[tuple]:
        """Keys of the one-character mono sprites spelling s (advance ``adv`` px per character)."""
        return [self.add(ch, size=size, color=color, bg=bg, w=adv, h=h, mono=True) for ch in s]

    def paste_line(self, img: np.ndarray, keys: list[tuple], x: int, y: int) -> None:
        for k in keys:
            spr = self.img[k]
            h, w = spr.shape[:2]
            img[y:y + h, x:x + w] = spr
            x += w

    def render(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Rectangle

        todo = [k for k in self.specs if k not in self.img]
        if not todo:
            return
        W = max(k[4] for k in todo) + 4
        H = sum(k[5] + 2 for k in todo) + 2
        fig = Figure(figsize=(W / style.DPI, H / style.DPI), dpi=style.DPI)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, W)
        ax.set_ylim(H, 0)
        ax.set_axis_off()
        y = 2
        places = []
        for key in todo:
            s, size, color, bg, w, h, bold, mono = key
            ax.add_patch(Rectangle((2, y), w, h, facecolor=bg, edgecolor="none", antialiased=False))
            if mono:
                ax.text(2, y + round(h * 0.75), s, fontsize=size, color=color, ha="left", va="baseline",
                        family=style.MONO_FAMILY, clip_on=True)
            else:
                ax.text(2 + w / 2, y + h / 2, s, fontsize=size, color=color, ha="center", va="center",
                        family=style.FONT_FAMILY, fontweight="bold" if bold else "normal")
            places.append((key, y))
            y += h + 2
        canvas.draw()
        buf = np.asarray(canvas.buffer_rgba())[:, :, :3]
        for key, y0 in places:
            self.img[key] = buf[y0:y0 + key[5], 2:2 + key[4]].copy()

    def paste(self, img: np.ndarray, key: tuple, cx: int, cy: int) -> None:
        """Paste the sprite centred at pixel (cx, cy)."""
        spr = self.img[key]
        h, w = spr.shape[:2]
        y0, x0 = cy - h // 2, cx - w // 2
        img[y0:y0 + h, x0:x0 + w] = spr


def _draw(p: dict, spec, tr, th: style.Theme) -> Rendered:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

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

    # ---- equations for every frame (drawn text, steps) --------------------------------------------
    eqs = [style.sum_equation(st.values[..., 0].ravel(), kern.ravel(), float(st.sums[0]), bias=bias,
                              max_terms=MAX_TERMS) for st in steps]

    # ---- layout (pixels, origin top left) ---------------------------------------------------------
    labels = _labels(spec)
    title_w = {k: text_px(v[0], style.FONT_LABEL, bold=True) for k, v in labels.items()}
    detail_w = {k: text_px(v[1], 9) for k, v in labels.items()}
    grid_w = {"input": IDX + pw * C, "kernel": kw * C, "output": IDX + ow * C}
    col_w = {k: int(max(grid_w[k], title_w[k], detail_w[k])) + 2 for k in grid_w}
    content_w = col_w["input"] + col_w["kernel"] + col_w["output"] + 2 * GAP
    W = max(style.MIN_WIDTH_PX, content_w + 2 * MARGIN)
    W += W % 2
    call_lines = _wrap_call(spec.keras_call(), int((W - 2 * MARGIN) / (0.602 * 9 * style.DPI / 72.0)))
    max_chars = int((W - 2 * MARGIN) / EQ_ADV)
    eq_lines = [style.wrap_terms(f"output ({', '.join(map(str, st.out_pos))}) = {eq}", max_chars)
                for st, eq in zip(steps, eqs)]
    n_eq = max(len(e) for e in eq_lines)
    x_left = (W - content_w) // 2
    col_x = {"input": x_left, "kernel": x_left + col_w["input"] + GAP,
             "output": x_left + col_w["input"] + GAP + col_w["kernel"] + GAP}
    y_title = MARGIN
    y_grid = MARGIN + 44 + IDX
    grid_h = max(ph, oh, kh) * C
    y_eq = y_grid + grid_h + 14
    y_cap = y_eq + n_eq * LINE + 12
    H = y_cap + (len(call_lines) + 1) * 17 + MARGIN
    H += H % 2
    gx_in = col_x["input"] + IDX + (col_w["input"] - grid_w["input"]) // 2
    gx_k = col_x["kernel"] + (col_w["kernel"] - grid_w["kernel"]) // 2
    gx_out = col_x["output"] + IDX + (col_w["output"] - grid_w["output"]) // 2
    gy = y_grid

    def in_cell(r, c):
        return gx_in + c * C, gy + r * C

    def out_cell(r, c):
        return gx_out + c * C, gy + r * C

    def sq(x, y):
        return [(x, y), (x + C, y), (x + C, y + C), (x, y + C)]

    fig = Figure(figsize=(W / style.DPI, H / style.DPI), dpi=style.DPI)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)
    ax.set_axis_off()
    fig.patch.set_facecolor(th.bg)

    def text(x, y, s, size=style.FONT_CELL, color=th.fg, ha="center", va="center", mono=False, bold=False,
             animated=False):
        return ax.text(x, y, s, fontsize=size, color=color, ha=ha, va=va, animated=animated,
                       family=style.MONO_FAMILY if mono else style.FONT_FAMILY,
                       fontweight="bold" if bold else "normal")

    def cells(coll_cells, fill, *, pad=False, animated=False):
        kw = {"linestyles": (0, (3, 2)), "hatch": PAD_HATCH, "edgecolors": th.pad_hatch} if pad else \
            {"edgecolors": th.grid}
        return ax.add_collection(PolyCollection(coll_cells, facecolors=fill, linewidths=lw, snap=True,
                                                animated=animated, **kw))

    lw = 72.0 / style.DPI  # 1 px in points
    is_pad = np.ones((ph, pw), bool)
    is_pad[pt:pt + n_in_h, pl:pl + n_in_w] = False
    all_in = [(r, c) for r in range(ph) for c in range(pw)]
    real = [sq(*in_cell(r, c)) for r, c in all_in if not is_pad[r, c]]
    pads = [sq(*in_cell(r, c)) for r, c in all_in if is_pad[r, c]]
    ocells = [sq(*out_cell(r, c)) for r in range(oh) for c in range(ow)]

    # ---- static scene (numbers are pasted from sprites afterwards) --------------------------------
    cells(real, th.input_fill)
    if pads:
        cells(pads, th.pad_fill, pad=True)
    kcells = [sq(gx_k + c * C, gy + r * C) for r in range(kh) for c in range(kw)]
    ax.add_collection(PolyCollection(kcells, facecolors=th.window_fill, edgecolors=th.window,
                                     linewidths=2 * lw, snap=True))
    cells(ocells, th.output_empty)
    for key, (title, detail) in labels.items():
        text(col_x[key], y_title, title, size=style.FONT_LABEL, bold=True, ha="left", va="top")
        text(col_x[key], y_title + 20, detail, size=9, color=th.muted, ha="left", va="top")
    for i, line in enumerate(call_lines):
        text(MARGIN, y_cap + i * 17, line, size=9, mono=True, ha="left", va="top")
    shapes = (f"per-sample shapes: input ({', '.join(map(str, spec.input_shape))}, 1) → output "
              f"({', '.join(map(str, spec.output_shape))}); {spec.params} parameters")
    text(MARGIN, y_cap + len(call_lines) * 17, shapes, size=9, color=th.muted, ha="left", va="top")
    canvas.draw()
    full_bg = canvas.copy_from_bbox(fig.bbox)

    def grab() -> np.ndarray:
        return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()

    base = grab()

    # backgrounds of the looks a cell takes while the animation runs (one collection draw each)
    def layer(artists) -> np.ndarray:
        canvas.restore_region(full_bg)
        for a in artists:
            ax.draw_artist(a)
        img = grab()
        for a in artists:
            a.remove()
        return img

    win_bg = None if not WINDOW_TINT else layer([cells(real, th.window_fill, animated=True)]
                   + ([cells(pads, th.window_fill, pad=True, animated=True)] if pads else []))
    done_bg = layer([cells(ocells, th.output_fill, animated=True)])
    now_bg = layer([cells(ocells, th.output_new, animated=True)])
    canvas.restore_region(full_bg)

    # ---- sprites: every number drawn once ----------------------------------------------------------
    atlas = SpriteAtlas()
    num_w, num_h = C - 4, 20
    pad_w = 16
    top_h, wt_h = 16, 12

    def num_key(s, bg, *, pad=False, bold=False, color=th.fg):
        return atlas.add(s, size=style.FONT_CELL, color=color, bg=bg, w=pad_w if pad else num_w, h=num_h,
                         bold=bold)

    in_keys = {}
    for r, c in all_in:
        s = style.fmt_num(padded[r, c])
        in_keys[r, c] = (num_key(s, th.pad_fill, pad=True, color=th.muted) if is_pad[r, c]
                         else num_key(s, th.input_fill))
    win_val = {}
    for r, c in (all_in if WINDOW_TINT else []):
        s = style.fmt_num(padded[r, c])
        win_val[r, c] = atlas.add(s, size=style.FONT_CELL, color=th.fg, bg=th.window_fill,
                                  w=pad_w if is_pad[r, c] else num_w, h=top_h, bold=True)
    wt_key = {}
    for (a, b), w in np.ndenumerate(kern):
        s = style.TIMES + style.fmt_num(w)
        for bg in ((th.window_fill,) if WINDOW_TINT else (th.input_fill, th.pad_fill)):
            wt_key[a, b, bg] = atlas.add(s, size=style.FONT_SMALL, color=th.weight, bg=bg, w=C - 6, h=wt_h,
                                         bold=True)
    k_keys = {(a, b): num_key(style.fmt_num(w), th.window_fill) for (a, b), w in np.ndenumerate(kern)}
    done_keys, now_keys = {}, {}
    for (r, c), v in np.ndenumerate(out_vals):
        done_keys[r, c] = num_key(style.fmt_num(v), th.output_fill)
        now_keys[r, c] = num_key(style.fmt_num(v), th.output_new, bold=True)
    idx_keys = {i: atlas.add(str(i), size=8, color=th.muted, bg=th.bg, w=18, h=12)
                for i in range(max(ph, pw, oh, ow))}
    atlas.render()

    v_off, w_off = int(round(C * 0.36)), int(round(C * 0.76))
    if not WINDOW_TINT:
        v_off, w_off = int(round(C * 0.42)), int(round(C * 0.80))
    for (r, c), key in in_keys.items():
        x, y = in_cell(r, c)
        atlas.paste(base, key, x + C // 2, y + (C // 2 if WINDOW_TINT else v_off))
    for (a, b), key in k_keys.items():
        atlas.paste(base, key, gx_k + b * C + C // 2, gy + a * C + C // 2)
    for r in range(ph):
        atlas.paste(base, idx_keys[r], gx_in - 12, gy + r * C + C // 2)
    for c in range(pw):
        atlas.paste(base, idx_keys[c], gx_in + c * C + C // 2, gy - 9)
    for r in range(oh):
        atlas.paste(base, idx_keys[r], gx_out - 12, gy + r * C + C // 2)
    for c in range(ow):
        atlas.paste(base, idx_keys[c], gx_out + c * C + C // 2, gy - 9)

    # ---- the equation strip: one-character mono sprites, EQ_ADV px apart ----------------------------
    sy0, sy1 = y_eq - 2, y_eq + n_eq * LINE + 2
    eq_keys = [[atlas.line(line, size=EQ_PT, color=th.fg, bg=th.bg, adv=EQ_ADV, h=LINE) for line in lines]
               for lines in eq_lines]
    atlas.render()
    strip_bg = base[sy0:sy1].copy()

    win_rgb = _rgb(th.window)
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
        acc[oy:oy + C, ox:ox + C] = done_bg[oy:oy + C, ox:ox + C]   # written for good
        atlas.paste(acc, done_keys[orow, ocol], ox + C // 2, oy + C // 2)
        for a, r in enumerate(st.window[0]):
            for b, c in enumerate(st.window[1]):
                r, c = int(r), int(c)
                x, y = in_cell(r, c)
                if WINDOW_TINT:
                    cur[y:y + C, x:x + C] = win_bg[y:y + C, x:x + C]
                    atlas.paste(cur, win_val[r, c], x + C // 2, y + v_off)
                    atlas.paste(cur, wt_key[a, b, th.window_fill], x + C // 2, y + w_off)
                else:
                    bg = th.pad_fill if is_pad[r, c] else th.input_fill
                    atlas.paste(cur, wt_key[a, b, bg], x + C // 2, y + w_off)
                if dil:
                    _outline(cur, y, y + C + 1, x, x + C + 1, 2, win_rgb)
        r0, c0 = int(st.window[0][0]), int(st.window[1][0])
        r1, c1 = int(st.window[0][-1]), int(st.window[1][-1])
        wx0, wy0 = in_cell(r0, c0)
        wx1, wy1 = in_cell(r1 + 1, c1 + 1)
        wy1, wx1 = min(wy1 + 1, H), min(wx1 + 1, W)
        if dil:
            _outline(cur, wy0, wy1, wx0, wx1, 2, win_rgb, dash=5)
        else:
            _outline(cur, wy0, wy1, wx0, wx1, 3, win_rgb)
        rects.append((wy0, wy1, wx0, wx1))
        cur[oy:oy + C, ox:ox + C] = now_bg[oy:oy + C, ox:ox + C]      # being written now
        atlas.paste(cur, now_keys[orow, ocol], ox + C // 2, oy + C // 2)
        _outline(cur, oy, oy + C + 1, ox, ox + C + 1, 3, win_rgb)
        rects.append((oy, oy + C + 1, ox, ox + C + 1))
        cur[sy0:sy1] = strip_bg                                        # the equation
        for j, keys in enumerate(eq_keys[i]):
            atlas.paste_line(cur, keys, MARGIN, y_eq + j * LINE)
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
    """Wrap the Keras call after commas / ' then ' so it fits the width."""
    if len(call) <= max_chars:
        return [call]
    parts = call.replace(" then ", " then\n").split("\n")
    lines: list[str] = []
    for part in parts:
        cur = ""
        for tok in part.split(", "):
            piece = tok if not cur else ", " + tok
            if cur and len(cur) + len(piece) > max_chars:
                lines.append(cur + ",")
                cur = "    " + tok
            else:
                cur += piece
        lines.append(cur)
    return lines
