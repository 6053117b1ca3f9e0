"""conv2d figure kind: structure (frames, size, durations), what the Layout shows (read back by key, checked
against the engine), step sentences, alt text, themes, determinism, the GIF byte budget."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import convfig
from convfig.errors import ConvfigError
from convfig.render import fmt, registry
from convfig.render.encode import encode_gif, poster_png
from convfig.render.kinds import conv2d
from convfig.render.layout import Box, Label
from convfig.render.protocol import layout_of, render
from convfig.render.registry import conv_spec, make_spec

CASES = [
    {"input": "5x5", "padding": "same", "strides": 2},          # Keras same, stride 2: pad (1, 1)
    {"input": "6x6", "padding": "same", "strides": 2},          # asymmetric: pad 0 before / 1 after
    {"input": "4x4"},                                            # valid
    {"input": "5x5", "padding": 1},                              # int padding (conv_arithmetic)
    {"input": "5x5", "kernel": 4, "padding": 2},                 # arbitrary padding
    {"input": "5x5", "padding": [[0, 1], [2, 0]]},               # per-axis pairs
    {"input": "7x7", "dilation": 2},                             # dilation
    {"input": "6x5", "kernel": "3x2", "strides": "2x1"},         # per-axis kernel and strides
    {"input": "5x5", "padding": "full"},
]
# non-square everything: 5x7 input, 2x3 kernel, strides (1, 2); and the same with uneven padding and a minus
NONSQUARE = [{"input": "5x7", "kernel": "2x3", "strides": "1x2"},
             {"input": "5x7", "kernel": "2x3", "strides": "1x2", "padding": [[1, 0], [0, 2]], "seed": 4}]


def _render(params, theme="light"):
    return render(make_spec("conv2d", params, theme))


def _engine(params):
    """The convolution computed independently of the figure: example data, convfig.conv, the padded input."""
    p = make_spec("conv2d", params).params
    cs = conv_spec(p)
    x, k, b = convfig.example(cs, seed=p["seed"])
    out = convfig.conv(x, k, b, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate)
    return cs, x[..., 0], k[..., 0, 0], out[..., 0], convfig.trace(x, k, b, strides=cs.strides, padding=cs.padding,
                                                                  dilation_rate=cs.dilation_rate)


def _equation(layout, step):
    """The equation as a reader sees it at ``step``: the characters in their monospaced slots, line by line."""
    chars = layout.grid("equation", step)
    lines = []
    for line in range(max(i for i, _ in chars) + 1):
        cols = {c: ch for (i, c), ch in chars.items() if i == line}
        lines.append("".join(cols.get(c, " ") for c in range(max(cols) + 1)))
    return "\n".join(lines)


# ---------------------------------------------------------------- structure
@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = _render(params)
    n = conv_spec(make_spec("conv2d", params).params).positions
    assert len(r.frames) == len(r.steps) == len(r.durations_ms) == len(r.layout.steps) == n
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    if n > 1:
        assert r.durations_ms[-1] > r.durations_ms[0]
    assert Image.open(io.BytesIO(encode_gif(r.frames, r.durations_ms))).n_frames == n


def test_fps_is_honoured():
    r = _render({**NONSQUARE[0], "fps": 5})
    assert r.durations_ms[:-1] == [200] * (len(r.frames) - 1) and r.durations_ms[-1] >= 200


def test_layout_is_crisp_and_few_coloured():
    lay = layout_of(make_spec("conv2d", NONSQUARE[0]))
    assert (lay.ss, lay.levels) == (1, 3)


# ---------------------------------------------------------------- what the Layout shows (non-square)
@pytest.mark.parametrize("params", NONSQUARE)
def test_output_cells_show_the_engine_values_in_place(params):
    cs, _x, _k, out, _t = _engine(params)
    lay = layout_of(make_spec("conv2d", params))
    last = len(lay.steps) - 1
    oh, ow = cs.out_spatial
    assert out.shape == (oh, ow) and oh != ow
    assert lay.grid("output", last) == {(r, c): fmt.num(out[r, c]) for r in range(oh) for c in range(ow)}
    for r in range(oh):
        for c in range(ow):
            me = lay.at(("output", (r, c)), last)
            assert isinstance(me, Box) and me.bold
            if c + 1 < ow:
                right = lay.at(("output", (r, c + 1)), last)
                assert right.x > me.x and right.y == me.y
            if r + 1 < oh:
                below = lay.at(("output", (r + 1, c)), last)
                assert below.y > me.y and below.x == me.x
    assert any(v < 0 for v in out.ravel()), "the case shows a negative output (minus sign)"


@pytest.mark.parametrize("params", NONSQUARE)
def test_each_step_writes_its_output_cell_once(params):
    _cs, _x, _k, out, t = _engine(params)
    lay = layout_of(make_spec("conv2d", params))
    for i, (st, ts) in enumerate(zip(lay.steps, t.steps)):
        r, c = (int(v) for v in ts.out_pos)
        assert [it.key for it in st.keep] == [("output", (r, c))]
        assert st.keep[0].text == fmt.num(out[r, c])
        if i:
            assert lay.text_at(("output", (r, c)), i - 1) is None


@pytest.mark.parametrize("params", NONSQUARE)
def test_input_cells_show_the_padded_input(params):
    cs, x, _k, _out, t = _engine(params)
    lay = layout_of(make_spec("conv2d", params))
    (pt, _), (pl, _) = cs.pads
    ph, pw = cs.padded_shape
    shown = lay.grid("input")
    assert len(shown) == ph * pw
    for (r, c), s in shown.items():
        real = 0 <= r - pt < x.shape[0] and 0 <= c - pl < x.shape[1]
        assert s == fmt.num(x[r - pt, c - pl] if real else 0)
        it = lay.at(("input", (r, c)))
        if not real:       # padding: a muted 0 on a plate over the hatch
            assert isinstance(it, Label) and it.color == "muted" and it.plate == "pad_fill"
    for (r, c) in shown:
        me = lay.at(("input", (r, c)))
        if (r, c + 1) in shown:
            assert lay.at(("input", (r, c + 1))).x > me.x
        if (r + 1, c) in shown:
            assert lay.at(("input", (r + 1, c))).y > me.y
    hatched = [it for it in lay.items if isinstance(it, Box) and it.hatch == "pad_hatch"]
    assert len(hatched) == ph * pw - x.size and all(it.dash for it in hatched)


@pytest.mark.parametrize("params", NONSQUARE)
def test_window_covers_the_trace_cells_and_shows_their_weights(params):
    _cs, _x, k, _out, t = _engine(params)
    lay = layout_of(make_spec("conv2d", params))
    for st, ts in zip(lay.steps, t.steps):
        want = tuple(("input", (int(r), int(c))) for r in ts.window[0] for c in ts.window[1])
        assert st.window == want
        weights = {it.key[1]: it.text for it in st.show if getattr(it, "key", None) and it.key[0] == "weight"}
        assert weights == {(int(r), int(c)): fmt.num(k[a, b]) for a, r in enumerate(ts.window[0])
                           for b, c in enumerate(ts.window[1])}
        # the window's bars (centred on the grid lines) enclose exactly those cells
        gx, gy, pitch = _input_grid(lay)
        (r0, c0), (r1, c1) = want[0][1], want[-1][1]
        bars = [it for it in st.show if isinstance(it, Box) and it.arms == conv2d.ARM]
        assert len(bars) == 1
        b = bars[0]
        assert (b.x, b.y, b.x + b.w, b.y + b.h) == (gx + c0 * pitch, gy + r0 * pitch, gx + (c1 + 1) * pitch,
                                                    gy + (r1 + 1) * pitch)
        for it in st.show:        # each weight sits inside the cell it multiplies
            if isinstance(it, Label) and it.key and it.key[0] == "weight":
                r, c = it.key[1]
                assert gx + c * pitch < it.x < gx + (c + 1) * pitch and gy + r * pitch < it.y < gy + (r + 1) * pitch


def _input_grid(lay):
    """(x, y, pitch) of the input grid's lines, from where the real input cells' values sit (inside the lines)."""
    boxes = {it.key[1]: it for it in lay.items if isinstance(it, Box) and getattr(it, "key", None)
             and it.key[0] == "input"}
    (r, c), me = min(boxes.items())
    pitch = boxes[(r, c + 1)].x - me.x
    assert boxes[(r + 1, c)].y - me.y == pitch and me.w == me.h == pitch - 1
    return me.x - 1 - c * pitch, me.y - 1 - r * pitch, pitch


def test_kernel_panel_shows_the_weights():
    _cs, _x, k, _out, _t = _engine(NONSQUARE[0])
    lay = layout_of(make_spec("conv2d", NONSQUARE[0]))
    assert lay.grid("kernel") == {(a, b): fmt.num(k[a, b]) for a in range(2) for b in range(3)}
    assert lay.at(("kernel", (0, 1))).x > lay.at(("kernel", (0, 0))).x
    assert lay.at(("kernel", (1, 0))).y > lay.at(("kernel", (0, 0))).y


@pytest.mark.parametrize("params", NONSQUARE)
def test_equation_shows_the_trace_products_and_sum(params):
    _cs, _x, k, _out, t = _engine(params)
    lay = layout_of(make_spec("conv2d", params))
    for i, ts in enumerate(t.steps):
        eq = _equation(lay, i)
        flat = " ".join(eq.split())
        terms = [f"{fmt.paren(v)}{fmt.DOT}{fmt.paren(w)}" for v, w in zip(ts.values[..., 0].ravel(), k.ravel())]
        assert flat == "output = " + " + ".join(terms) + f" = {fmt.num(ts.sums[0])}"
        assert lay.steps[i].text.startswith(f"Output ({ts.out_pos[0]}, {ts.out_pos[1]}) = {' + '.join(terms)}")


def test_equation_characters_stay_in_their_slots():
    """Only characters that change are redrawn per frame; the rest are drawn once (small GIF patches)."""
    lay = layout_of(make_spec("conv2d", {"input": "6x6", "padding": "same"}))
    static = {it.key for it in lay.items if getattr(it, "key", None) and it.key[0] == "equation"}
    for st in lay.steps:
        changing = {it.key for it in st.show if getattr(it, "key", None) and it.key[0] == "equation"}
        assert changing and not changing & static
        assert len(changing) < len(static)


# ---------------------------------------------------------------- sentences, alt text (as the old figure)
def test_steps_carry_the_trace_numbers():
    params = {"input": "5x5", "padding": "same", "strides": 2, "seed": 3}
    r = _render(params)
    cs = conv_spec(make_spec("conv2d", params).params)
    x, k, b = convfig.example(cs, seed=3)
    t = convfig.trace(x, k, b, strides=cs.strides, padding=cs.padding)
    for st, text in zip(t.steps, r.steps):
        pos = ", ".join(map(str, st.out_pos))
        assert text.startswith(f"Output ({pos}) = ")
        assert f"= {fmt.num(st.sums[0])};" in text
        assert "rows" in text and "columns" in text
    assert "padding zeros" in r.steps[0]           # corner window reads padding


def test_dilation_steps_show_gaps():
    r = _render({"input": "7x7", "dilation": 2})
    assert "rows 0, 2, 4, columns 0, 2, 4" in r.steps[0]


def test_alt_mentions_parameters_and_shapes():
    r = _render({"input": "6x6", "padding": "same", "strides": 2}, "dark")
    for part in ("2D convolution", "input 6×6", "same", "pad 0 before / 1 after", "kernel 3×3",
                 "strides 2×2", "output 3×3", "keras.layers.Conv2D", "9 frames"):
        assert part in r.alt, part


def test_headers_and_call_are_shown():
    lay = layout_of(make_spec("conv2d", {"input": "5x5", "padding": [[0, 1], [2, 0]], "strides": "1x2"}))
    texts = " | ".join(it.text for it in lay.items if isinstance(it, Label))
    for part in ("input 5×5", "rows pad 0 before / 1 after,", "columns pad 2 before / 0 after → 6×7",
                 "kernel 3×3", "output 4×3", "stride 1 down, 2 across",
                 "keras.layers.ZeroPadding2D(padding=((0, 1), (2, 0)))", "then keras.layers.Conv2D("):
        assert part in texts, part


def test_big_kernel_equation_is_abbreviated():
    r = _render({"input": "7x7", "kernel": 5})
    assert "(25 products)" in r.steps[0]
    assert "(25 products)" in _equation(r.layout, 0)


# ---------------------------------------------------------------- themes, determinism, refusals
def test_deterministic_bytes():
    p = {"input": "5x5", "padding": "same"}
    a, b = _render(p), _render(dict(p))
    assert encode_gif(a.frames, a.durations_ms) == encode_gif(b.frames, b.durations_ms)
    assert poster_png(a) == poster_png(b)


def test_seed_changes_numbers():
    assert _render({"input": "4x4", "seed": 0}).steps != _render({"input": "4x4", "seed": 1}).steps


def test_light_and_dark_differ():
    p = {"input": "4x4"}
    light, dark = _render(p, "light"), _render(p, "dark")
    assert light.frames[0].shape == dark.frames[0].shape
    assert not np.array_equal(light.frames[0], dark.frames[0])
    assert light.frames[0][2, 2].tolist() == [255, 255, 255]
    assert max(dark.frames[0][2, 2]) < 64


def test_input_and_output_differ_in_lightness():
    from convfig.render.style import THEMES, relative_luminance

    for th in THEMES.values():
        assert abs(relative_luminance(th.input_fill) - relative_luminance(th.output_fill)) > 0.05


def test_poster_is_last_frame():
    r = _render({"input": "4x4"})
    img = np.asarray(Image.open(io.BytesIO(poster_png(r))).convert("RGB"))
    assert np.array_equal(img, r.frames[-1])


def test_through_registry():
    r = registry.render(make_spec("conv2d", {"input": "4x4"}, "dark"))
    assert len(r.frames) == 4 and r.layout is not None


@pytest.mark.parametrize("params, match", [
    ({"input": "5x5", "channels": 3}, "use the 'channels' figure kind"),
    ({"input": "5x5", "filters": 2}, "use the 'channels' figure kind"),
    ({"input": "5", "padding": "same"}, "input: conv2d needs a 2D input"),
])
def test_conv2d_refuses(params, match):
    with pytest.raises(ConvfigError, match=match):
        _render(params)


def test_refusal_comes_from_compute():
    with pytest.raises(ConvfigError, match=r"^channels: conv2d figures draw one input channel and one filter; "
                                           r"use the 'channels' figure kind for channels > 1 or filters > 1$"):
        conv2d.compute(make_spec("conv2d", {"input": "5x5", "channels": 2}))


# conv_arithmetic's 8 non-transposed GIFs (../shared/anchors/README.md): i k s p d, bytes, width
ANCHORS = [
    (4, 3, 1, 0, 1, 37751, 244), (5, 3, 2, 1, 1, 118422, 395), (6, 3, 2, 1, 1, 122211, 445),
    (5, 3, 1, 1, 1, 276460, 395), (7, 3, 1, 0, 2, 124951, 395), (5, 4, 1, 2, 1, 476750, 495),
    (5, 3, 1, 2, 1, 435605, 495), (5, 3, 2, 0, 1, 44665, 294),
]


@pytest.mark.parametrize("i, k, s, p, d, ref_bytes, ref_width", ANCHORS)
def test_conv_arithmetic_sets_stay_under_a_quarter_of_their_bytes(i, k, s, p, d, ref_bytes, ref_width):
    """The bench goal (make bench): with numbers and labels, <= 25 % of conv_arithmetic's bytes, at least
    as wide (and >= 400 px), in both themes."""
    for theme in ("light", "dark"):
        r = _render({"input": f"{i}x{i}", "kernel": k, "strides": s, "padding": p, "dilation": d}, theme)
        gif = encode_gif(r.frames, r.durations_ms, keep=r.palette_hint)
        assert r.width >= max(400, ref_width)
        assert len(gif) <= 0.25 * ref_bytes, f"{len(gif)} B = {len(gif) / ref_bytes:.0%} ({theme})"
