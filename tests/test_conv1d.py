"""Conv1D animation (convfig.render.kinds.conv1d): read what the figure shows through its Layout (GUIDE §7).

Values are checked against ``convfig.conv`` on the example data (not the renderer's own trace), positions
against each other (time runs left to right, filters top to bottom), windows against the Keras rule
``start = t * strides``, ``taps = start + tap * dilation`` in padded coordinates.
"""

from __future__ import annotations

import numpy as np
import pytest

import convfig
from convfig.render import canvas, fmt, protocol
from convfig.render.encode import encode
from convfig.render.layout import Box, Label, Line
from convfig.render.registry import conv_spec, make_spec
from convfig.render.style import get_theme
from convfig.render.types import Rendered

MINUS = "\u2212"

CASES = [
    {"input": 9, "kernel": 3},
    {"input": "9", "kernel": 3, "padding": "causal"},
    {"input": 9, "kernel": 3, "padding": "causal", "dilation": 2},
    {"input": 8, "kernel": 3, "padding": "same", "strides": 2},
    {"input": 9, "kernel": 3, "strides": 2},
    {"input": 7, "kernel": 2, "dilation": 3},
    {"input": 5, "kernel": 3, "padding": "full"},
    {"input": 6, "kernel": 2, "padding": 1, "channels": 2, "filters": 2},
    {"input": 6, "kernel": 3, "padding": "same", "channels": 2, "filters": 2, "groups": 2},
]

# uneven cases: strides, several channels and filters (index (t, f) vs (f, t) matters), dilation, causal
READ_CASES = [
    {"input": 7, "kernel": 2, "strides": 2, "channels": 2, "filters": 3, "seed": 1},
    {"input": 9, "kernel": 3, "padding": "causal", "dilation": 2, "seed": 2},
    {"input": 12, "kernel": 3, "strides": 2, "padding": "same", "seed": 3},
    {"input": 5, "kernel": 4, "padding": "full", "filters": 2, "seed": 4},
]


def spec_of(params, theme="light"):
    return make_spec("conv1d", params, theme)


def expected(params):
    """(padded input, output, padding before) from the engine's public conv on the example data."""
    spec = spec_of(params)
    cs = conv_spec(spec.params)
    x, k, b = convfig.example(cs, spec.params["seed"])
    out = convfig.conv(x, k, b, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate,
                       groups=cs.groups)
    before, after = cs.pads[0]
    padded = np.concatenate([np.zeros((before, cs.channels)), x, np.zeros((after, cs.channels))])
    return padded, out, cs


def _key(name, idx, many):
    return (name, idx if many else idx[:1])


# ---------------------------------------------------------------- frames, timing, bytes
@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = protocol.render(spec_of(params))
    assert isinstance(r, Rendered)
    n = conv_spec(spec_of(params).params).positions
    assert len(r.frames) == n == len(r.steps) == len(r.durations_ms) == len(r.layout.steps)
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    assert r.durations_ms[-1] > r.durations_ms[0]
    assert r.layout.levels == 3 and r.layout.ss == 1


def test_causal_frame_count_matches_input_length():
    r = protocol.render(spec_of({"input": 9, "kernel": 3, "padding": "causal", "dilation": 2}))
    assert len(r.frames) == 9


@pytest.mark.parametrize("fps, ms", [(5, 200), (10, 100), (1, 1000)])
def test_fps_honoured(fps, ms):
    """Issue 7's bug: 1D animations hard-coded 500 ms (`convfig gif --input 9 --fps 10`)."""
    r = protocol.render(spec_of({"input": 9, "fps": fps}))
    assert r.durations_ms[:-1] == [ms] * (len(r.frames) - 1)
    assert r.durations_ms[-1] >= ms


def test_deterministic_bytes():
    p = {"input": 9, "kernel": 3, "padding": "causal", "dilation": 2, "seed": 3}
    a, b = protocol.render(spec_of(p)), protocol.render(spec_of(p))
    assert encode(a)["gif"] == encode(b)["gif"] and encode(a)["png"] == encode(b)["png"]
    assert a.alt == b.alt and a.steps == b.steps


def test_frames_differ_and_seed_changes_numbers():
    p = {"input": 8, "kernel": 3, "padding": "same"}
    r = protocol.render(spec_of(p))
    assert not np.array_equal(r.frames[0], r.frames[1])
    other = protocol.render(spec_of({**p, "seed": 1}))
    assert not np.array_equal(r.frames[0], other.frames[0])


def test_dark_differs_from_light():
    p = {"input": 8, "kernel": 3, "padding": "causal"}
    light, dark = protocol.render(spec_of(p, "light")), protocol.render(spec_of(p, "dark"))
    assert light.frames[0].shape == dark.frames[0].shape
    assert not np.array_equal(light.frames[0], dark.frames[0])
    assert encode(light)["gif"] != encode(dark)["gif"]
    # dark background really is dark, light background really is light
    assert light.frames[0][2, 2].mean() > 200 > 60 > dark.frames[0][2, 2].mean()


# ---------------------------------------------------------------- texts
def test_alt_and_steps_name_parameters_and_numbers():
    p = {"input": 9, "kernel": 3, "padding": "causal", "dilation": 2}
    r = protocol.render(spec_of(p))
    for word in ("kernel", "strides", "padding", "causal", "dilation", "9 time steps", "(9, 1)", "greyed out",
                 "every 2nd step"):
        assert word in r.alt
    _, out, _ = expected(p)
    for i, step in enumerate(r.steps):
        assert step.startswith(f"Step {i + 1} of 9")
        assert fmt.num(out[i, 0]) in step
        assert f"Nothing after time step {i} is read (causal)" in step


def test_bad_params_raise_convfig_error():
    with pytest.raises(convfig.ConvfigError):
        spec_of({"input": "4x4"})
    with pytest.raises(convfig.ConvfigError):
        spec_of({"input": 8, "strides": 2, "dilation": 2})
    with pytest.raises(convfig.ConvfigError):
        spec_of({"input": 8}, "sepia")


def _labels(layout):
    return [it.text for it in layout.items if isinstance(it, Label)]


def test_keras_call_and_shapes_at_the_bottom():
    lay = protocol.layout_of(spec_of({"input": 9, "kernel": 3, "padding": "causal", "dilation": 2}))
    code = " ".join(t.strip() for t in _labels(lay) if t.startswith(("keras.", "    ")))
    assert code == "keras.layers.Conv1D(filters=1, kernel_size=3, padding='causal', dilation_rate=2)"
    assert "input shape (9, 1) \u2192 output shape (9, 1), 4 parameters" in _labels(lay)
    lay = protocol.layout_of(spec_of({"input": 6, "kernel": 2, "padding": 1}))
    lines = [t for t in _labels(lay) if t.startswith("keras.")]
    assert lines == ["keras.layers.ZeroPadding1D(padding=(1, 1)) then", "keras.layers.Conv1D(filters=1, kernel_size=2)"]
    # the lowest text is the shapes line, and the figure ends below it
    bottom = max((it for it in lay.items if isinstance(it, Label)), key=lambda it: it.y)
    assert bottom.text.startswith("input shape") and bottom.y < lay.height


def test_padding_cells_marked_and_labelled():
    lay = protocol.layout_of(spec_of({"input": 8, "kernel": 3, "padding": "causal", "dilation": 2}))
    cells = {it.key[1][0]: it for it in lay.items if isinstance(it, Box) and it.key and it.key[0] == "input"}
    assert sorted(cells) == list(range(12))
    for i, box in cells.items():
        pad = i < 4
        assert (box.fill, box.hatch, box.dash) == (("pad_fill", "pad_hatch", True) if pad else
                                                  ("input_fill", None, False))
    assert f"causal pad (k{MINUS}1)\u00b7d = 4" in _labels(lay)
    assert "output 8 steps" in _labels(lay) and any("reads every 2nd step" in t for t in _labels(lay))


def test_sum_abbreviated_when_long():
    p = {"input": 6, "kernel": 4, "channels": 3}
    lay = protocol.layout_of(spec_of(p))
    _, out, _ = expected(p)
    assert lay.text_at(("sum", (0,)), 0) == f"sum of 12 products = {fmt.num(out[0, 0])}"


# ---------------------------------------------------------------- reading the picture through the Layout
@pytest.mark.parametrize("params", READ_CASES)
def test_output_cells_show_the_conv_in_time_order(params):
    padded, out, cs = expected(params)
    lay = protocol.layout_of(spec_of(params))
    last = len(lay.steps) - 1
    m, F = out.shape
    many = F > 1
    for t in range(m):
        for f in range(F):
            key = _key("output", (t, f), many)
            assert lay.text_at(key, step=last) == fmt.num(out[t, f]), key
            assert lay.text_at(key, step=t) == fmt.num(out[t, f])          # written at its own step
            if t:
                assert lay.text_at(key, step=t - 1) is None                 # not before
            box = lay.at(key, last)
            if t + 1 < m:   # time runs left to right, by `strides` input steps per output
                right = lay.at(_key("output", (t + 1, f), many), last)
                assert right.x - box.x == cs.strides[0] * (cell := box.w + 4) and right.y == box.y
            if f + 1 < F:   # filters top to bottom
                below = lay.at(("output", (t, f + 1)), last)
                assert below.y - box.y == cell and below.x == box.x
    assert any(MINUS in s for s in lay.grid("output", last).values()) or (out >= 0).all()


@pytest.mark.parametrize("params", READ_CASES)
def test_input_cells_show_the_padded_sequence(params):
    padded, _, cs = expected(params)
    lay = protocol.layout_of(spec_of(params))
    many = cs.channels > 1
    for i in range(len(padded)):
        for c in range(cs.channels):
            key = _key("input", (i, c), many)
            assert lay.text_at(key) == fmt.num(padded[i, c]), key
            if i + 1 < len(padded):
                a, b = lay.at(key), lay.at(_key("input", (i + 1, c), many))
                assert b.x - a.x == a.w and b.y == a.y


@pytest.mark.parametrize("params", READ_CASES)
def test_window_covers_the_input_cells_read(params):
    padded, _, cs = expected(params)
    lay = protocol.layout_of(spec_of(params))
    s, d, k = cs.strides[0], cs.dilation_rate[0], cs.kernel_size[0]
    many = cs.channels > 1
    for t, st in enumerate(lay.steps):
        taps = [t * s + j * d for j in range(k)]
        assert st.window == tuple(_key("input", (i, c), many) for i in taps for c in range(cs.channels))
        # the drawn window: one thick frame per tap, exactly over the cells read (gaps where dilated)
        frames = sorted(it.x for it in st.show if isinstance(it, Box) and it.edge == "window" and it.lw == 3
                        and it.key is None)
        assert frames == [lay.at(_key("input", (i, 0), many)).x + 1.5 for i in taps]
        tinted = {it.key for it in st.show if isinstance(it, Box) and it.fill == "window_fill" and
                  it.key and it.key[0] == "input"}
        before = cs.pads[0][0]
        assert tinted == {k_ for k_ in st.window if before <= k_[1][0] < before + cs.input_shape[0]}
        for key in tinted:
            assert lay.text_at(key, t) == lay.text_at(key)


@pytest.mark.parametrize("params", READ_CASES)
def test_weights_products_and_sum_show_the_numbers(params):
    padded, out, cs = expected(params)
    spec = spec_of(params)
    _, kernel, bias = convfig.example(cs, spec.params["seed"])
    lay = protocol.layout_of(spec)
    s, d, k = cs.strides[0], cs.dilation_rate[0], cs.kernel_size[0]
    cg, fg = cs.channels // cs.groups, cs.filters // cs.groups
    many = cs.channels > 1 or cs.filters > 1
    for t, st in enumerate(lay.steps):
        taps = [t * s + j * d for j in range(k)]
        for f in range(cs.filters):
            terms = []
            for j in range(cg):
                c = (f // fg) * cg + j
                for tap, i in enumerate(taps):
                    idx = (tap, j, f) if many else (tap,)
                    assert lay.text_at(("kernel", idx), t) == fmt.num(kernel[tap, j, f])
                    product = padded[i, c] * kernel[tap, j, f]
                    assert lay.text_at(("product", idx), t) == fmt.num(product)
                    w, p, x = lay.at(("kernel", idx), t), lay.at(("product", idx), t), lay.at(
                        _key("input", (i, c), cs.channels > 1))
                    assert w.x == p.x == x.x + 1 and x.y < w.y < p.y       # under their tap
                    terms.append(product)
            total = fmt.sum_of(terms, out[t, f]) if len(terms) <= 6 else None
            text = lay.text_at(("sum", (f,)), t)
            if total:
                assert text.endswith("sum = " + total), text
            assert text.endswith(" = " + fmt.num(out[t, f]))
            assert st.text.count(fmt.num(out[t, f])) >= 1


def test_causal_reads_only_the_past_and_greys_the_future():
    p = {"input": 8, "kernel": 3, "padding": "causal", "dilation": 2}
    lay = protocol.layout_of(spec_of(p))
    before = 4
    for t, st in enumerate(lay.steps):
        assert max(key[1][0] for key in st.window) == before + t               # the present is the last read
        future = sorted(it.key[1][0] - before for it in st.show if isinstance(it, Box) and it.fill == "future")
        assert future == list(range(t + 1, 8))
        now = [it for it in st.show if isinstance(it, Label) and it.text == "now"]
        assert len(now) == 1 and now[0].x == lay.at(("input", (before + t,))).x + lay.at(("input", (0,))).w / 2
        assert any(it.text.startswith("future") for it in st.show if isinstance(it, Label)) == (t < 7)
    plain = protocol.layout_of(spec_of({"input": 8, "kernel": 3}))
    assert not any(isinstance(it, Box) and it.fill == "future" for st in plain.steps for it in st.show)


def test_arrow_ends_on_the_cell_being_written():
    for p in ({"input": 7, "kernel": 3, "padding": "causal", "dilation": 3}, {"input": 12, "strides": 2}):
        lay = protocol.layout_of(spec_of(p))
        for t, st in enumerate(lay.steps):
            (arrow,) = [it for it in st.show if isinstance(it, Line) and it.arrow]
            cell = lay.at(("output", (t,)), t)
            x, y = arrow.points[-1]
            assert x == cell.x + cell.w / 2 and abs(y - cell.y) <= 2
            # right angles only: crisp at 1x
            assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(arrow.points, arrow.points[1:]))


def test_pixels_show_written_outputs():
    """The picture agrees with the Layout: written output cells are filled, later ones still empty."""
    p = {"input": 7, "kernel": 2, "strides": 2, "channels": 2, "filters": 3}
    spec = spec_of(p)
    lay = protocol.layout_of(spec)
    step = 1
    img = protocol.pixels_of(lay, "light", step)
    rgb = canvas.Raster(1, 1, get_theme("light")).rgb
    for t in range(len(lay.steps)):
        for f in range(3):
            cell = lay.at(("output", (t, f)), len(lay.steps) - 1)
            px = img[int(cell.y) + 4, int(cell.x) + 4].tolist()
            want = "output_fill" if t < step else "output_new" if t == step else "output_empty"
            assert px == list(rgb(want)), (t, f)


@pytest.mark.parametrize("params", [
    {"input": 3, "kernel": 5, "padding": "same", "filters": 2},      # sum line wider than the grid
    {"input": 8, "kernel": 5, "padding": "causal", "dilation": 3},   # one future cell at the edge
    {"input": 9, "kernel": 2, "padding": "causal"},                  # short gap left of "now"
    {"input": 6, "kernel": 2, "padding": 1, "channels": 2, "filters": 2},
])
def test_nothing_clipped_and_no_text_overlaps(params):
    lay = protocol.layout_of(spec_of(params))
    for st in range(len(lay.steps)):
        items = list(lay.items) + lay.steps[st].keep + lay.steps[st].show
        for it in items:
            x0, y0, x1, y1 = canvas.bbox(it, lay.levels)
            assert x0 >= -3 and y0 >= -3 and x1 <= lay.width + 3 and y1 <= lay.height + 3, it
        boxes = [canvas.bbox(it, lay.levels) for it in items if isinstance(it, Label) and it.plate is None]
        for i, a in enumerate(boxes):   # bbox() pads labels by 3 px: overlaps of more than that are real
            for b in boxes[i + 1:]:
                assert not (a[0] < b[2] - 7 and b[0] < a[2] - 7 and a[1] < b[3] - 7 and b[1] < a[3] - 7), (st, a, b)
