"""Channels × filters animation: C input channels, F filters of C kernel slices, F output maps.

Layout (pixel coordinates, see ``diagrams.Board``)::

    input 4×4×3      [ch 0]      [ch 1]      [ch 2]                      output 2×2×2
    (stack icon)                                                           (stack icon)
    filter 0       [w c0] +    [w c1] +    [w c2]   + bias = total  ->  [map 0]
    filter 1       [w c0] +    [w c1] +    [w c2]   + bias = total  ->  [map 1]
    step line / Keras call / shapes and parameter count

Every filter row has one kernel slice under every input channel: the figure shows that a conv layer is
fully connected across channels (with groups > 1 a filter only has slices for its group's channels).
One frame per output position: the window lights up on every channel, each slice shows its partial
sum, each filter its total, and that cell of every output map fills in. Frames are blitted: the static
scene is drawn once, output cells already written accumulate in the saved background.
"""

from __future__ import annotations

import numpy as np

from convfig.render.diagrams import (
    MINUS,
    TIMES,
    Board,
    fmt,
    shape_str,
    text_width,
    themed,
    trace_of,
    tuple_str,
)
from convfig.render.registry import canonical_params, conv_spec
from convfig.render.style import (
    FONT_CAPTION,
    FONT_LABEL,
    FONT_SMALL,
    FONT_TITLE,
    FRAME_MS,
    LAST_FRAME_MS,
    MIN_WIDTH_PX,
)
from convfig.render.types import ConvfigError, Rendered

MAX_WIDTH = 900


def _as2d(shape):
    """Display shape of a 1D or 2D spatial shape: 1D sequences are one row of cells."""
    return (1, shape[0]) if len(shape) == 1 else tuple(shape)


def _rc(idx, rank):
    """Spatial index -> (row, col) on the display grid."""
    return (0, idx[0]) if rank == 1 else (idx[0], idx[1])


def _stack_icon(b: Board, x, y, w, h, n, *, fill, max_cards=6):
    """n offset cards (a tensor's last dimension drawn as a stack); the back card's top-left at (x, y)."""
    k = min(n, max_cards)
    off = 5
    for i in range(k):
        b.rect(x + i * off, y + i * off, w, h, fill=fill, edge=b.theme.fg, lw=1.0, z=1 + i * 0.01)
    return x + (k - 1) * off + w


def sum_expr(terms: list[str]) -> str:
    """['3', '−1', '2'] -> '3 − 1 + 2'."""
    out = terms[0]
    for t in terms[1:]:
        out += f" − {t[1:]}" if t.startswith(MINUS) else f" + {t}"
    return out


def _num_size(s: str, base: float) -> float:
    """Shrink long numbers so they fit their cell."""
    return base if len(s) <= 2 else base - 2 if len(s) == 3 else base - 3


def render_channels(params: dict, theme: str) -> Rendered:
    """Animation of a conv layer with C input channels and F filters (one frame per output position)."""
    th, rc = themed(theme)
    p = canonical_params("channels", params)
    spec = conv_spec(p)
    C, F = spec.channels, spec.filters
    if C > 8 or F > 8:
        raise ConvfigError(f"channels/filters: the channels figure draws at most 8 of each, got channels={C}, "
                           f"filters={F}; use fewer")
    tr = trace_of(spec, p["seed"])
    with rc:
        return _draw(spec, tr, th)


def _layout(spec, c):
    Hp, Wp = _as2d(spec.padded_shape)
    kh, kw = _as2d(spec.kernel_size)
    Ho, Wo = _as2d(spec.out_spatial)
    col_w = max(Wp * c, kw * c, 80)
    gap = 30
    M, SW = 14, 104
    x0 = M
    xs = x0 + spec.channels * (col_w + gap) - gap + 12
    xo = xs + SW
    W = max(xo + max(Wo * c, 120) + M, MIN_WIDTH_PX, 640)
    return dict(Hp=Hp, Wp=Wp, kh=kh, kw=kw, Ho=Ho, Wo=Wo, col_w=col_w, gap=gap, M=M, x0=x0, xs=xs, xo=xo, W=W)


def _draw(spec, tr, th) -> Rendered:
    rank = spec.rank
    C, F, G = spec.channels, spec.filters, spec.groups
    cg, fg = C // G, F // G
    c = 30
    L = _layout(spec, c)
    while L["W"] > MAX_WIDTH and c > 20:
        c -= 2
        L = _layout(spec, c)
    Hp, Wp, kh, kw, Ho, Wo = (L[k] for k in ("Hp", "Wp", "kh", "kw", "Ho", "Wo"))
    col_w, gap, M, x0, xs, xo, W = (L[k] for k in ("col_w", "gap", "M", "x0", "xs", "xo", "W"))
    fcell = 11 if c >= 28 else (10 if c >= 24 else 9)
    fsmall = FONT_SMALL + 1 if c >= 26 else FONT_SMALL

    y_title = 18
    y_head = 48
    y_lab = 84
    y_in = y_lab + 14
    in_h = Hp * c
    y_f0 = y_in + in_h + 14
    slice_h = kh * c
    body_h = max(slice_h + 26, Ho * c)
    row_h = 30 + body_h + 12
    y_note = y_f0 + F * row_h + 2
    y_step = y_note + 44
    y_cap = y_step + 28
    H = y_cap + 40

    title = (f"{spec.layer_name}: {C} input channel{'s' if C > 1 else ''} × {F} filter{'s' if F > 1 else ''}"
             + (f", groups={G}" if G > 1 else ""))
    W = max(W, M + 10 + text_width(title, FONT_TITLE, weight="bold") + 230)
    b = Board(W, H, th)
    t = th
    pads = spec.pads
    pad_rc = [(0, 0), pads[0]] if rank == 1 else list(pads)
    ishape = _as2d(spec.input_shape)

    def card_x(ch):
        return x0 + ch * (col_w + gap) + (col_w - Wp * c) / 2

    def slice_x(ch):
        return x0 + ch * (col_w + gap) + (col_w - kw * c) / 2

    def in_pad(r, q):
        ir, iq = r - pad_rc[0][0], q - pad_rc[1][0]
        return not (0 <= ir < ishape[0] and 0 <= iq < ishape[1])

    # ---- title and tensor headers (stack icons: the last dimension as a stack of cards)
    b.text(M, y_title, title, size=FONT_TITLE, ha="left", weight="bold")
    in_shape = shape_str(tuple(spec.input_shape) + (C,))
    out_shape = shape_str(spec.output_shape)
    xi = _stack_icon(b, M, y_head - 12, 22, 18, C, fill=t.input_fill)
    b.text(xi + 10, y_head, f"input {in_shape}", size=FONT_LABEL, ha="left", weight="bold")
    chan_txt = f"{C} channel{'s' if C > 1 else ''} = last dim · padding {spec.describe_padding()}"
    b.text(xi + 10, y_head + 18, chan_txt, size=fsmall,
           ha="left", color=t.muted)
    maps_txt = f"{F} map{'s' if F > 1 else ''} = last dim"
    xr = W - M - 22 - (min(F, 6) - 1) * 5 - 10 - max(text_width(f"output {out_shape}", FONT_LABEL, weight="bold"),
                                                      text_width(maps_txt, fsmall))
    xi = _stack_icon(b, xr, y_head - 12, 22, 18, F, fill=t.output_fill)
    b.text(xi + 10, y_head, f"output {out_shape}", size=FONT_LABEL, ha="left", weight="bold")
    b.text(xi + 10, y_head + 18, maps_txt, size=fsmall, ha="left", color=t.muted)

    # ---- input channels (cards with numbers; padding hatched, showing 0)
    padded = np.asarray(tr.padded)
    for ch in range(C):
        cx = card_x(ch)
        b.text(cx + Wp * c / 2, y_lab, f"channel {ch}", size=FONT_LABEL - 1, weight="bold")
        for r in range(Hp):
            for q in range(Wp):
                v = fmt(padded[(q, ch)] if rank == 1 else padded[(r, q, ch)])
                b.cell(cx + q * c, y_in + r * c, c, v, role="pad" if in_pad(r, q) else "input",
                       size=_num_size(v, fcell))
        b.rect(cx, y_in, Wp * c, Hp * c, edge=t.fg, lw=1.2, z=1.5)

    # ---- filter rows: C kernel slices (one per input channel of the group), sums, output map
    kern = np.asarray(tr.kernel)
    partial_txt = {}
    total_txt = {}
    out_cells = {}
    ksl = shape_str(spec.kernel_size)
    for f in range(F):
        yf = y_f0 + f * row_h
        g = f // fg
        kshape = shape_str(tuple(spec.kernel_size) + (cg,))
        lab = f"filter {f} · kernel {kshape}: one {ksl} slice per input channel"
        if G > 1:
            lab = f"filter {f} (group {g}) · kernel {kshape}: one {ksl} slice per channel of its group"
        if text_width(lab, FONT_LABEL - 1, weight="bold") > xo - M - 16:
            lab = f"filter {f} · kernel {kshape}" + (f" (group {g})" if G > 1 else "")
        b.text(M, yf + 12, lab, size=FONT_LABEL - 1, ha="left", weight="bold")
        ys = yf + 28
        for ch in range(C):
            sx = slice_x(ch)
            if ch // cg != g:
                b.rect(sx, ys, kw * c, kh * c, edge=t.grid, lw=1.0, ls=(0, (3, 3)), z=1)
                b.text(sx + kw * c / 2, ys + kh * c / 2, "not in\ngroup", size=fsmall, color=t.muted)
                continue
            cl = ch - g * cg
            for r in range(kh):
                for q in range(kw):
                    w = fmt(kern[(q, cl, f)] if rank == 1 else kern[(r, q, cl, f)])
                    b.cell(sx + q * c, ys + r * c, c, w, role="kernel", size=_num_size(w, fcell))
            b.rect(sx, ys, kw * c, kh * c, edge=t.window, lw=2.0, z=1.5)
            partial_txt[(f, ch)] = b.text(sx + kw * c / 2, ys + kh * c + 13, "", size=fsmall + 1,
                                          animated=True)
            if ch + 1 < C and (ch + 1) // cg == g:
                b.text(x0 + ch * (col_w + gap) + col_w + gap / 2, ys + kh * c / 2, "+", size=FONT_TITLE + 2,
                       color=t.muted)
        ymid = ys + min(kh, Ho) * c / 2
        b.text(xs, ymid - 12, f"+ bias {fmt(tr.bias[f])}", size=fsmall + 1, ha="left", color=t.muted)
        total_txt[f] = b.text(xs, ymid + 10, "", size=FONT_LABEL + 1, ha="left", weight="bold", animated=True)
        b.arrow(xs + 66, ymid + 10, xo - 6, ymid + 10, color=t.muted)
        # output map f
        b.text(xo, yf + 12, f"map {f}", size=FONT_LABEL - 1, ha="left", weight="bold")
        for r in range(Ho):
            for q in range(Wo):
                b.cell(xo + q * c, ys + r * c, c, None, role="empty")
                out_cells[(f, r, q)] = (xo + q * c, ys + r * c)
        b.rect(xo, ys, Wo * c, Ho * c, edge=t.fg, lw=1.6, z=1.5)

    # ---- note on connectivity
    if C == 1:
        note = (f"With one input channel each filter is a single {shape_str(spec.kernel_size)} kernel.\n"
                f"Filter f writes output map f: the filters are the last dim of the output.")
    elif G == 1:
        note = (f"Each filter has one {shape_str(spec.kernel_size)} slice per input channel ({C}) and adds "
                f"their sums:\nfully connected across channels. Filter f writes output map f (the last dim).")
    else:
        note = (f"groups={G}: each filter has slices only for the {cg} channel{'s' if cg > 1 else ''} of its "
                f"group,\nnot for all {C}. Filter f writes output map f (the last dim).")
    if any(a or z for a, z in pads):
        note += " Hatched cells are zero padding."
    b.text(M, y_note, note, size=fsmall + 1, ha="left", va="top", color=t.muted)
    step_txt = b.text(M, y_step, "", size=FONT_LABEL, ha="left", animated=True)
    in_tuple = tuple_str(tuple(spec.input_shape) + (C,))
    out_tuple = tuple_str(spec.output_shape)
    kparts = TIMES.join(str(k) for k in spec.kernel_size)
    b.text(M, y_cap, spec.keras_call(), size=FONT_CAPTION, ha="left", mono=True)
    b.text(M, y_cap + 20, f"input {in_tuple} → output {out_tuple} · params {kparts}{TIMES}{cg}{TIMES}{F} + {F}"
           f" = {spec.params}", size=FONT_CAPTION, ha="left", color=t.muted)

    # ---- dynamic artists: window outline per channel, current/written output cells, sums
    outlines = [b.rect(0, 0, c, c, edge=t.window, lw=2.6, z=3, animated=True) for _ in range(C)]
    cur_patch = [b.rect(0, 0, c, c, fill=t.output_new, edge=t.window, lw=2.6, z=3, animated=True) for _ in range(F)]
    cur_text = [b.text(0, 0, "", size=fcell, weight="bold", z=4, animated=True) for _ in range(F)]
    done_patch = b.rect(0, 0, c, c, fill=t.output_fill, edge=t.grid, lw=1.6, z=2, animated=True)
    done_text = b.text(0, 0, "", size=fcell, z=4, animated=True)
    hi_patch = b.rect(0, 0, c, c, fill=t.window_fill, edge=t.window, lw=1.2, z=2, animated=True)
    hi_text = b.text(0, 0, "", size=fcell, z=3, animated=True)

    b.fit()
    canvas = b.canvas
    canvas.draw()
    bg = canvas.copy_from_bbox(b.fig.bbox)
    ax = b.ax
    # every input cell drawn once in its "under the window" look; frames paste these pixels (much faster
    # than drawing C·k² patches and numbers per frame). Data coordinates are pixels, y down = buffer rows.
    for ch in range(C):
        cx = card_x(ch)
        for r in range(Hp):
            for q in range(Wp):
                v = fmt(padded[(q, ch)] if rank == 1 else padded[(r, q, ch)])
                is_pad = in_pad(r, q)
                hi_patch.set_xy((cx + q * c, y_in + r * c))
                hi_patch.set_hatch("//" if is_pad else None)
                if is_pad:
                    b._hatch_colour(hi_patch)
                hi_text.set_position((cx + q * c + c / 2, y_in + r * c + c / 2))
                hi_text.set_text(v)
                hi_text.set_fontsize(_num_size(v, fcell))
                hi_text.set_color(t.muted if is_pad else t.fg)
                ax.draw_artist(hi_patch)
                ax.draw_artist(hi_text)
    lit = np.asarray(canvas.buffer_rgba()).copy()
    canvas.restore_region(bg)

    def paste(buf, x, y):
        x0, y0 = int(np.floor(x)) - 1, int(np.floor(y)) - 1
        x1, y1 = int(np.ceil(x + c)) + 2, int(np.ceil(y + c)) + 2
        buf[y0:y1, x0:x1] = lit[y0:y1, x0:x1]

    frames, steps = [], []
    n_steps = len(tr.steps)
    for st in tr.steps:
        canvas.restore_region(bg)
        buf = np.asarray(canvas.buffer_rgba())
        orow, ocol = _rc(st.out_pos, rank)
        # window on every channel
        wr = [0] if rank == 1 else [int(v) for v in st.window[0]]
        wc = [int(v) for v in st.window[0]] if rank == 1 else [int(v) for v in st.window[1]]
        for ch in range(C):
            cx = card_x(ch)
            outline = outlines[ch]
            for r in wr:
                for q in wc:
                    paste(buf, cx + q * c, y_in + r * c)
            outline.set_xy((cx + wc[0] * c, y_in + wr[0] * c))
            outline.set_width((wc[-1] - wc[0] + 1) * c)
            outline.set_height((wr[-1] - wr[0] + 1) * c)
            outline.set_linestyle("-" if max(spec.dilation_rate) == 1 else (0, (4, 3)))
            ax.draw_artist(outline)
        # partial sums and totals, current output cell
        parts_desc = []
        prods = np.asarray(st.products)
        for f in range(F):
            g = f // fg
            terms = []
            for ch in range(g * cg, (g + 1) * cg):
                s = prods[..., ch - g * cg, f].sum()
                terms.append(fmt(s))
                tx = partial_txt[(f, ch)]
                tx.set_text(f"sum = {fmt(s)}")
                ax.draw_artist(tx)
            total = st.sums[f]
            total_txt[f].set_text(f"= {fmt(total)}")
            ax.draw_artist(total_txt[f])
            x, y = out_cells[(f, orow, ocol)]
            cur_patch[f].set_xy((x, y))
            ax.draw_artist(cur_patch[f])
            cur_text[f].set_position((x + c / 2, y + c / 2))
            cur_text[f].set_text(fmt(total))
            cur_text[f].set_fontsize(_num_size(fmt(total), fcell))
            ax.draw_artist(cur_text[f])
            bias = f" + bias {fmt(tr.bias[f])}" if tr.bias[f] else ""
            parts_desc.append(f"filter {f}: {sum_expr(terms)}{bias} = {fmt(total)}")
        pos = ", ".join(str(int(p)) for p in st.out_pos)
        step_txt.set_text(f"step {st.index + 1}/{n_steps}: output[{pos}, :] — the window at the same place "
                          f"on every channel")
        ax.draw_artist(step_txt)
        frames.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
        steps.append(f"Output position ({pos}): " + "; ".join(parts_desc) + ".")
        # make this output cell permanent (written) in the background for the next frames
        canvas.restore_region(bg)
        for f in range(F):
            x, y = out_cells[(f, orow, ocol)]
            done_patch.set_xy((x, y))
            ax.draw_artist(done_patch)
            done_text.set_position((x + c / 2, y + c / 2))
            done_text.set_text(fmt(st.sums[f]))
            done_text.set_fontsize(_num_size(fmt(st.sums[f]), fcell))
            ax.draw_artist(done_text)
        bg = canvas.copy_from_bbox(b.fig.bbox)

    durations = [FRAME_MS] * len(frames)
    durations[-1] = LAST_FRAME_MS
    alt = (f"Animation of {spec.keras_call()} on an input of shape {in_tuple} "
           f"({C} channel{'s' if C > 1 else ''}, padding {spec.describe_padding()}): {F} filter"
           f"{'s' if F > 1 else ''}, each a stack of {cg} {shape_str(spec.kernel_size)} kernel slice"
           f"{'s' if cg > 1 else ''}, produce an output of shape {out_tuple} — one output map per filter, "
           f"filters as the last dimension. Each of the {n_steps} frames highlights the same window on every "
           f"channel, shows each channel's partial sum and each filter's total. {spec.params} parameters.")
    return Rendered(frames=frames, durations_ms=durations, alt=alt, steps=steps)
