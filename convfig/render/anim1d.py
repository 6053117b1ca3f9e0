"""1D convolution animation: a sequence with time running left to right.

One frame per output position. Every number comes from the engine's trace (``convfig.trace``); nothing
here recomputes the convolution. The static scene (padded input, labels, caption, empty output cells) is
drawn once; each frame restores that background and draws only what changes (blitting, GUIDE §5).
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

import convfig
from convfig.render import style
from convfig.render.registry import canonical_params, conv_spec
from convfig.render.types import Rendered

MARGIN = 12
LABEL_W = 92          # left column for row names
SMALL = 9             # pt: row labels, indices, group labels
_MEASURE: list = []


# ---------------------------------------------------------------------------------------------------------
# helpers shared with anim3d
fmt = style.fmt_num


def paren(v: float) -> str:
    s = fmt(v)
    return f"({s})" if s.startswith("\u2212") else s


def sum_expression(terms: list[float], total: float, limit: int = 6) -> str:
    """'sum = 2 + 0 + (−1) = 1', or 'sum of 12 products = 7' when there are too many terms to read."""
    if len(terms) <= limit:
        return "sum = " + " + ".join(paren(t) for t in terms) + f" = {fmt(total)}"
    return f"sum of {len(terms)} products = {fmt(total)}"


def wrap_call(call: str, max_chars: int) -> list[str]:
    """Break a Keras call after commas so that each line has at most max_chars characters (if possible)."""
    if len(call) <= max_chars:
        return [call]
    parts = call.split(", ")
    lines: list[str] = []
    cur = ""
    for i, p in enumerate(parts):
        piece = p + ("," if i < len(parts) - 1 else "")
        if cur and len(cur) + 1 + len(piece) > max_chars:
            lines.append(cur)
            cur = "    " + piece
        else:
            cur = f"{cur} {piece}" if cur else piece
    lines.append(cur)
    return lines


def text_px(s: str, size: float, *, mono: bool = False, weight: str = "normal") -> float:
    """Width in pixels of a one-line text as Agg draws it (measured, not estimated)."""
    if not _MEASURE:
        fig = Figure(figsize=(1, 1), dpi=style.DPI)
        _MEASURE.append((fig, FigureCanvasAgg(fig).get_renderer()))
    fig, renderer = _MEASURE[0]
    t = fig.text(0, 0, s, fontsize=size, fontweight=weight,
                 fontfamily=style.MONO_FAMILY if mono else style.FONT_FAMILY)
    w = t.get_window_extent(renderer).width
    t.remove()
    return float(w)


def fit_call(call: str, width: int, size: float = 9) -> tuple[list[str], int]:
    """Wrap the Keras call to the figure width; return the lines and the width they need."""
    per_char = text_px("x" * 40, size, mono=True) / 40
    lines = wrap_call(call, max(30, int((width - 2 * MARGIN) / per_char)))
    need = int(2 * MARGIN + per_char * max(len(c) for c in lines)) + 2
    return lines, need


def durations(n: int) -> list[int]:
    return [style.FRAME_MS] * (n - 1) + [style.LAST_FRAME_MS]


def shape_str(t) -> str:
    return "(" + ", ".join(str(int(v)) for v in t) + ("," if len(t) == 1 else "") + ")"


class _Stamp:
    """A dynamic text drawn from a cached glyph-coverage mask instead of a matplotlib Text (10x faster)."""

    __slots__ = ("x", "y", "mask", "ox", "oy", "rgb", "z")

    def __init__(self, x, y, mask, ox, oy, rgb, z):
        self.x, self.y, self.mask, self.ox, self.oy, self.rgb, self.z = x, y, mask, ox, oy, rgb, z

    def get_zorder(self) -> float:
        return self.z


_SPRITES: dict[tuple, tuple[np.ndarray, int, int]] = {}


def _sprite(s: str, size: float, weight: str, mono: bool, ha: str, va: str, fx: float, fy: float):
    """Coverage mask (0..1 floats) of a text drawn by Agg, and the offset of its top-left from the anchor."""
    key = (s, size, weight, mono, ha, va, fx, fy)
    hit = _SPRITES.get(key)
    if hit is not None:
        return hit
    tw = int(text_px(s, size, mono=mono, weight=weight)) + 8
    th = int(size * 2.5) + 8
    w, h = 2 * tw + 16, 2 * th + 16
    ax_, ay_ = w // 2, h // 2
    fig = Figure(figsize=(w / style.DPI, h / style.DPI), dpi=style.DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    fig.text((ax_ + fx) / w, 1 - (ay_ + fy) / h, s, color="black", fontsize=size, fontweight=weight, ha=ha,
             va=va, fontfamily=style.MONO_FAMILY if mono else style.FONT_FAMILY)
    canvas.draw()
    cov = 1.0 - np.asarray(canvas.buffer_rgba())[:, :, 0].astype(np.float32) / 255.0
    rows = np.flatnonzero(cov.max(axis=1) > 0)
    cols = np.flatnonzero(cov.max(axis=0) > 0)
    if len(rows) == 0:
        hit = (np.zeros((0, 0), np.float32), 0, 0)
    else:
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        hit = (cov[r0:r1, c0:c1][:, :, None].copy(), int(c0 - ax_), int(r0 - ay_))
    if len(_SPRITES) > 20000:  # long batch runs: keep memory bounded (numbers repeat, sums do not)
        _SPRITES.clear()
    _SPRITES[key] = hit
    return hit


class Canvas:
    """A pixel-coordinate matplotlib canvas (origin top-left, y down) with cheap per-frame blitting.

    Static artists (dyn=False) are drawn once by ``freeze``. Dynamic ones (dyn=True) are drawn over the saved
    background by ``frame``; they never join the axes, and dynamic texts are stamped from cached glyph masks.
    """

    def __init__(self, width: int, height: int, theme: style.Theme):
        self.width, self.height = int(width), int(height)
        self.theme = theme
        self.fig = Figure(figsize=(self.width / style.DPI, self.height / style.DPI), dpi=style.DPI,
                          facecolor=theme.bg)
        self.canvas = FigureCanvasAgg(self.fig)
        ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, self.width)
        ax.set_ylim(self.height, 0)
        ax.set_axis_off()
        ax.set_facecolor(theme.bg)
        self.ax = ax
        self._dynamic: list = []
        self._bg = None
        self._begun = False
        self._buf = None

    def _add(self, artist, dyn: bool):
        if dyn:
            artist.set_figure(self.fig)
            artist.set_transform(self.ax.transData)
            self._dynamic.append(artist)
        elif isinstance(artist, Collection):
            self.ax.add_collection(artist, autolim=False)
        else:
            self.ax.add_artist(artist)
        return artist

    def rect(self, x, y, w, h, *, fc="none", ec="none", lw=1.0, ls="-", hatch=None, dyn=False, z=1.0,
             alpha=None):
        r = Rectangle((x, y), w, h, facecolor=fc, edgecolor=ec, linewidth=lw, linestyle=ls, hatch=hatch,
                      zorder=z, alpha=alpha)
        if hatch:
            try:
                r.set_hatch_linewidth(0.8)
                r.set_hatchcolor(self.theme.pad_hatch)
            except AttributeError:  # matplotlib < 3.10 reads rcParams['hatch.color'] / ['hatch.linewidth']
                pass
        return self._add(r, dyn)

    def text(self, x, y, s, *, color=None, size=style.FONT_CELL, ha="center", va="center", weight="normal",
             mono=False, dyn=False, z=3.0):
        color = color or self.theme.fg
        if dyn:
            ix, iy = int(np.floor(x)), int(np.floor(y))
            fx, fy = round((x - ix) * 4) / 4, round((y - iy) * 4) / 4
            mask, ox, oy = _sprite(s, size, weight, mono, ha, va, fx, fy)
            rgb = np.array(matplotlib.colors.to_rgb(color), dtype=np.float32) * 255
            st = _Stamp(ix + ox, iy + oy, mask, ox, oy, rgb, z)
            self._dynamic.append(st)
            return st
        return self.ax.text(x, y, s, color=color, fontsize=size, ha=ha, va=va, fontweight=weight, zorder=z,
                            fontfamily=style.MONO_FAMILY if mono else style.FONT_FAMILY)

    def arrow(self, p0, p1, *, color, lw=1.5, dyn=False, z=4.0):
        a = FancyArrowPatch(p0, p1, arrowstyle="-|>", mutation_scale=12, color=color, linewidth=lw, zorder=z,
                            shrinkA=0, shrinkB=0)
        return self._add(a, dyn)

    def collection(self, coll, *, dyn=False):
        return self._add(coll, dyn)

    def text_width(self, t) -> float:
        return t.get_window_extent(self.canvas.get_renderer()).width

    def freeze(self) -> None:
        """Draw the static scene once and keep it as the background of every frame."""
        self.canvas.draw()
        self._bg = self.canvas.copy_from_bbox(self.fig.bbox)
        self._buf = np.asarray(self.canvas.buffer_rgba())

    def frame_begin(self) -> None:
        """Start a frame from the static background (then paste cached regions, add dynamic artists)."""
        self.canvas.restore_region(self._bg)
        self._begun = True

    def _stamp(self, st: _Stamp) -> None:
        h, w = st.mask.shape[:2]
        x0, y0 = st.x, st.y
        x1, y1 = min(x0 + w, self.width), min(y0 + h, self.height)
        cx0, cy0 = max(x0, 0), max(y0, 0)
        if x1 <= cx0 or y1 <= cy0:
            return
        m = st.mask[cy0 - y0:y1 - y0, cx0 - x0:x1 - x0]
        region = self._buf[cy0:y1, cx0:x1, :3]
        region[...] = np.rint(region + (st.rgb - region) * m).astype(np.uint8)

    def draw_dynamic(self) -> None:
        renderer = self.canvas.get_renderer()
        for a in sorted(self._dynamic, key=lambda a: a.get_zorder()):
            if isinstance(a, _Stamp):
                self._stamp(a)
            else:
                a.draw(renderer)

    def discard_dynamic(self) -> None:
        self._dynamic = []
        self._begun = False

    def frame(self) -> np.ndarray:
        """Background + the dynamic artists added since the last frame -> RGB uint8; forget them."""
        if not self._begun:
            self.frame_begin()
        self.draw_dynamic()
        img = self._buf[:, :, :3].copy()
        self.discard_dynamic()
        return img

    def close(self) -> None:
        self.fig.clear()


# ---------------------------------------------------------------------------------------------------------
def _cell_px(padded_len: int) -> int:
    if padded_len <= 16:
        return 40
    if padded_len <= 28:
        return style.CELL_PX
    return 30


def render_conv1d(params: dict, theme: str) -> Rendered:
    """Animated Conv1D: the window slides along time, weights, products and the sum fill the output."""
    p = canonical_params("conv1d", params)
    th = style.get_theme(theme)
    spec = conv_spec(p)
    tr = convfig.trace_example(spec, seed=p.get("seed", 0))
    with matplotlib.rc_context(style.rc_params(th)):
        return _draw(tr, p, th)


def _draw(tr, p: dict, th: style.Theme) -> Rendered:
    spec = tr.spec
    n = spec.input_shape[0]
    k = spec.kernel_size[0]
    s = spec.strides[0]
    d = spec.dilation_rate[0]
    ke = spec.effective_kernel[0]
    before, after = spec.pads[0]
    plen = spec.padded_shape[0]
    m = spec.out_spatial[0]
    C, F, G = spec.channels, spec.filters, spec.groups
    cg, fg = C // G, F // G
    causal = spec.padding == "causal"
    cell = _cell_px(plen)
    rh = cell - 6                       # kernel / product rows are a bit lower than the data rows

    # --- texts that decide the width
    title = f"input {n} steps" + (f" × {C} channels" if C > 1 else "") + f", {spec.describe_padding()}"
    grid_w = MARGIN + LABEL_W + plen * cell + MARGIN
    width = max(style.MIN_WIDTH_PX, grid_w)
    ktitle = f"kernel {k}"
    if d > 1:
        ktitle += f", dilation {d} (reads every {_ordinal(d)} step)"
    if s > 1:
        ktitle += f", stride {s}"
    if C > 1 or F > 1:
        ktitle += f" × {cg} channel{'s' if cg > 1 else ''} × {F} filter{'s' if F > 1 else ''}"
    if G > 1:
        ktitle += f", groups {G}"
    otitle = f"output {m} steps" + (f" × {F} filters" if F > 1 else "")
    if s > 1:
        otitle += f" (stride {s}: one output per {s} input steps)"
    call_lines, need = fit_call(spec.keras_call(), width)
    width = max(width, need, *(int(2 * MARGIN + text_px(t, style.FONT_LABEL, weight="bold")) + 2
                               for t in (title, ktitle + " " * 14, otitle)))
    x0 = MARGIN + LABEL_W + (width - grid_w) // 2

    def cx(i):  # left x of padded cell i
        return x0 + i * cell

    # --- vertical layout
    y = 8
    y_title = y + 11
    y += 26
    y_group = y + 8
    y += 18
    y_in = [y + c * cell for c in range(C)]
    y += C * cell
    y_idx = y + 10
    y += 32
    y_ktitle = y + 10
    y += 24
    y_w: dict[tuple[int, int], float] = {}
    y_p: dict[tuple[int, int], float] = {}
    y_sum: dict[int, float] = {}
    for f in range(F):
        for j in range(cg):
            y_w[f, j] = y
            y += rh
        y += 3
        for j in range(cg):
            y_p[f, j] = y
            y += rh
        y_sum[f] = y + 12
        y += 28
    y += 4
    y_otitle = y + 10
    y += 22
    y_out = [y + f * cell for f in range(F)]
    y += F * cell + 12
    y_call = [y + 8 + i * 15 for i in range(len(call_lines))]
    y += 15 * len(call_lines)
    y_shapes = y + 8
    y += 16 + 8
    height = int(y)

    cv = Canvas(width, height, th)
    lab = dict(size=SMALL, ha="left", color=th.fg)

    # --- static scene
    cv.text(MARGIN, y_title, title, size=style.FONT_LABEL, ha="left", weight="bold")
    for c in range(C):
        cv.text(MARGIN, y_in[c] + cell / 2, "input" if C == 1 else f"input c{c}", **lab)
        for i in range(plen):
            real = i - before
            if 0 <= real < n:
                cv.rect(cx(i), y_in[c], cell, cell, fc=th.input_fill, ec=th.grid, lw=1)
                cv.text(cx(i) + cell / 2, y_in[c] + cell / 2, fmt(tr.padded[i, c]))
            else:
                cv.rect(cx(i), y_in[c], cell, cell, fc=th.pad_fill, ec=th.grid, lw=1, ls=(0, (3, 2)),
                        hatch="///")
                cv.text(cx(i) + cell / 2, y_in[c] + cell / 2, "0", color=th.muted)
    # padding group labels
    if before:
        label = f"causal pad (k−1)·d = {before}" if causal else f"pad {before}"
        t = cv.text(cx(before) - 2, y_group, label, size=SMALL, ha="right", color=th.muted)
        if cx(before) - 2 - cv.text_width(t) < MARGIN:
            t.set_ha("left")
            t.set_x(MARGIN)
    if after:
        cv.text(cx(before + n) + 2, y_group, f"pad {after}", size=SMALL, ha="left", color=th.muted)
    # time axis
    cv.text(MARGIN, y_idx, "time step →", **lab)
    for t_ in range(n):
        cv.text(cx(before + t_) + cell / 2, y_idx, str(t_), size=SMALL, color=th.muted)
    cv.text(MARGIN, y_ktitle, ktitle,
            size=style.FONT_LABEL, ha="left", weight="bold")
    for f in range(F):
        for j in range(cg):
            c = (f // fg) * cg + j
            suffix = "" if C == 1 and F == 1 else f" f{f} c{c}"
            cv.text(MARGIN, y_w[f, j] + rh / 2, "weights" + suffix, **lab)
            cv.text(MARGIN, y_p[f, j] + rh / 2, "products" + suffix, **lab)
    cv.text(MARGIN, y_otitle, otitle, size=style.FONT_LABEL, ha="left", weight="bold")
    anchor0 = (ke - 1) if causal else (ke - 1) // 2

    def ox(j):
        return cx(anchor0 + j)

    for f in range(F):
        cv.text(MARGIN, y_out[f] + cell / 2, "output" if F == 1 else f"output f{f}", **lab)
        for j in range(m):
            cv.rect(ox(j) + 2, y_out[f] + 2, cell - 4, cell - 4, fc=th.output_empty, ec=th.grid, lw=1.5)
    for i, line in enumerate(call_lines):
        cv.text(MARGIN, y_call[i], line, size=9, ha="left", mono=True)
    shapes = (f"input shape {shape_str(spec.input_shape + (C,))} → output shape {shape_str(spec.output_shape)}"
              f", {spec.params} parameters")
    cv.text(MARGIN, y_shapes, shapes, size=SMALL, ha="left", color=th.muted)
    cv.freeze()

    # --- frames
    frames: list[np.ndarray] = []
    steps: list[str] = []
    N = len(tr.steps)
    for st in tr.steps:
        j = st.out_pos[0]
        win = [int(v) for v in st.window[0]]
        reals = [int(v) for v in st.input_index[0]]
        now = reals[-1]                                   # the latest time step this output reads
        # input: cells under the window
        for c in range(C):
            for tap, pi in enumerate(win):
                if st.is_pad[tap]:
                    continue
                cv.rect(cx(pi), y_in[c], cell, cell, fc=th.window_fill, ec=th.grid, lw=1, dyn=True)
                cv.text(cx(pi) + cell / 2, y_in[c] + cell / 2, fmt(st.values[tap, c]), dyn=True)
        top, bot = y_in[0], y_in[-1] + cell
        if d > 1:
            cv.rect(cx(win[0]) - 3, top - 3, ke * cell + 6, bot - top + 6, ec=th.window, lw=1.2, ls=(0, (4, 3)),
                    dyn=True, z=4)
        for pi in win:
            cv.rect(cx(pi) + 1.5, top + 1.5, cell - 3, bot - top - 3, ec=th.window, lw=3, dyn=True, z=5)
        if causal and now < n - 1:
            for c in range(C):
                for t_ in range(now + 1, n):
                    pi = before + t_
                    cv.rect(cx(pi), y_in[c], cell, cell, fc=th.future, ec=th.grid, lw=1, dyn=True)
                    cv.text(cx(pi) + cell / 2, y_in[c] + cell / 2, fmt(tr.padded[pi, c]), color=th.muted,
                            dyn=True)
            lx = cx(before + now + 1) + 3
            for label in ("future (not read) →", "future →", "future"):
                wpx = text_px(label, SMALL, weight="bold")
                if lx + wpx <= width - MARGIN:
                    break
            lx = min(lx, width - MARGIN - wpx)
            cv.text(lx, y_group, label, size=SMALL, ha="left", color=th.muted, dyn=True, weight="bold")
        if causal:
            cv.text(cx(before + now) + cell / 2, y_idx, str(now), size=SMALL, weight="bold", dyn=True,
                    color=th.fg)
            cv.rect(cx(before + now) + 4, y_idx - 8, cell - 8, 16, fc=th.bg, dyn=True, z=2.5)
            cv.text(cx(before + now) + cell / 2, y_group, "now", size=SMALL, weight="bold", dyn=True,
                    color=th.weight)
        # kernel weights and products under the taps
        sum_texts = []
        for f in range(F):
            terms = []
            for jj in range(cg):
                c = (f // fg) * cg + jj
                for tap, pi in enumerate(win):
                    w = tr.kernel[tap, jj, f]
                    cv.rect(cx(pi) + 1, y_w[f, jj] + 1, cell - 2, rh - 2, fc=th.window_fill, ec=th.window, lw=1.5,
                            dyn=True)
                    cv.text(cx(pi) + cell / 2, y_w[f, jj] + rh / 2, fmt(w), color=th.weight, weight="bold",
                            dyn=True)
                    pr = st.products[tap, jj, f]
                    terms.append(float(pr))
                    cv.rect(cx(pi) + 1, y_p[f, jj] + 1, cell - 2, rh - 2, fc=th.bg, ec=th.grid, lw=1, dyn=True)
                    cv.text(cx(pi) + cell / 2, y_p[f, jj] + rh / 2, fmt(pr), dyn=True)
            total = float(st.sums[f])
            expr = sum_expression(terms, total)
            if F > 1:
                expr = f"filter {f}: {expr}"
            if float(tr.bias[f]) != 0:
                expr = expr.replace(" = " + fmt(total), f" + bias {paren(tr.bias[f])} = {fmt(total)}")
            wpx = text_px(expr, style.FONT_CAPTION + 1, weight="bold")
            xs = max(min(cx(win[0]), width - MARGIN - wpx), MARGIN)
            cv.text(xs, y_sum[f], expr, size=style.FONT_CAPTION + 1, ha="left", dyn=True, weight="bold")
            sum_texts.append((xs, wpx, total))
        # output cells
        for f in range(F):
            for jj in range(j):
                cv.rect(ox(jj) + 2, y_out[f] + 2, cell - 4, cell - 4, fc=th.output_fill, ec=th.fg, lw=1.5, dyn=True)
                cv.text(ox(jj) + cell / 2, y_out[f] + cell / 2, fmt(tr.output[jj, f]), dyn=True, weight="bold")
            cv.rect(ox(j) + 2, y_out[f] + 2, cell - 4, cell - 4, fc=th.output_new, ec=th.window, lw=3, dyn=True, z=5)
            cv.text(ox(j) + cell / 2, y_out[f] + cell / 2, fmt(st.sums[f]), dyn=True, weight="bold", z=6)
        if F == 1:
            xs, wpx, _ = sum_texts[0]
            sx = min(max(ox(j) + cell / 2, xs + 8), xs + wpx - 8)
            cv.arrow((sx, y_sum[0] + 9), (ox(j) + cell / 2, y_out[0] + 1), color=th.window, dyn=True)
        cv.text(width - MARGIN, y_ktitle, f"step {st.index + 1} / {N}", size=SMALL, ha="right",
                color=th.muted, dyn=True)
        frames.append(cv.frame())
        steps.append(_describe_step(st, tr, N, causal))
    cv.close()
    return Rendered(frames=frames, durations_ms=durations(N), alt=_alt(spec, p), steps=steps)


def _ordinal(v: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(v, f"{v}th")


def _describe_step(st, tr, N: int, causal: bool) -> str:
    spec = tr.spec
    j = st.out_pos[0]
    reads = []
    for tap, r in enumerate(st.input_index[0]):
        reads.append("padding (0)" if st.is_pad[tap] else f"step {int(r)}")
    sums = ", ".join(f"filter {f}: {fmt(v)}" for f, v in enumerate(st.sums)) if spec.filters > 1 else fmt(
        st.sums[0])
    text = (f"Step {st.index + 1} of {N}: output step {j} reads {', '.join(reads)}; "
            f"each value is multiplied by its kernel weight and the products add up to {sums}.")
    if causal:
        now = int(st.input_index[0][-1])
        text += f" Nothing after time step {now} is read (causal)."
    return text


def _alt(spec, p: dict) -> str:
    n = spec.input_shape[0]
    b, a = spec.pads[0]
    filt = f"{spec.filters} filter" + ("s" if spec.filters > 1 else "")
    chans = f"{spec.channels} channel" + ("s" if spec.channels > 1 else "")
    alt = (f"Animated 1D convolution (Conv1D) over a sequence of {n} time steps × {chans}, time running left "
           f"to right: kernel size {spec.kernel_size[0]}, strides {spec.strides[0]}, padding "
           f"'{spec.padding_label}' ({b} before, {a} after), dilation {spec.dilation_rate[0]}, {filt}"
           + (f", groups {spec.groups}" if spec.groups > 1 else "")
           + f"; output {spec.out_spatial[0]} steps × {filt}, shape {shape_str(spec.output_shape)}. "
           f"One frame per output step: the window over the input, the kernel weights, their products with "
           f"the input and the sum written into the output sequence.")
    if spec.padding == "causal":
        alt += " Padding cells sit only before the sequence and later time steps are greyed out: each " \
               "output reads only the present and the past."
    if spec.dilation_rate[0] > 1:
        alt += f" The dilated kernel reads every {_ordinal(spec.dilation_rate[0])} step, skipping the cells between."
    return alt
