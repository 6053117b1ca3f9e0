"""2D animation: structure (frames, size, durations), numbers from the trace, text, themes, determinism."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import convfig
from convfig.errors import ConvfigError
from convfig.render import make_spec, render
from convfig.render.anim2d import render_conv2d
from convfig.render.encode import encode_gif, poster_png
from convfig.render.registry import conv_spec
from convfig.render.style import fmt_num

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


def _spec(params):
    return conv_spec(make_spec("conv2d", params).params)


@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = render_conv2d(params, "light")
    spec = _spec(params)
    n = int(np.prod(spec.out_spatial))
    assert len(r.frames) == len(r.steps) == len(r.durations_ms) == n
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    if n > 1:
        assert r.durations_ms[-1] > r.durations_ms[0]
    assert Image.open(io.BytesIO(encode_gif(r.frames, r.durations_ms))).n_frames == n


def test_steps_carry_the_trace_numbers():
    params = {"input": "5x5", "padding": "same", "strides": 2, "seed": 3}
    r = render_conv2d(params, "light")
    spec = _spec(params)
    x, k, b = convfig.example(spec, seed=3)
    t = convfig.trace(x, k, b, strides=spec.strides, padding=spec.padding)
    for st, text in zip(t.steps, r.steps):
        pos = ", ".join(map(str, st.out_pos))
        assert text.startswith(f"Output ({pos}) = ")
        assert f"= {fmt_num(st.sums[0])};" in text
        assert "rows" in text and "columns" in text
    assert "padding zeros" in r.steps[0]           # corner window reads padding


def test_dilation_steps_show_gaps():
    r = render_conv2d({"input": "7x7", "dilation": 2}, "light")
    assert "rows 0, 2, 4, columns 0, 2, 4" in r.steps[0]


def test_alt_mentions_parameters_and_shapes():
    r = render_conv2d({"input": "6x6", "padding": "same", "strides": 2}, "dark")
    for part in ("2D convolution", "input 6×6", "same", "pad 0 before / 1 after", "kernel 3×3",
                 "strides 2×2", "output 3×3", "keras.layers.Conv2D", "9 frames"):
        assert part in r.alt, part


def test_deterministic_bytes():
    p = {"input": "5x5", "padding": "same"}
    a, b = render_conv2d(p, "light"), render_conv2d(dict(p), "light")
    assert encode_gif(a.frames, a.durations_ms) == encode_gif(b.frames, b.durations_ms)
    assert poster_png(a) == poster_png(b)


def test_seed_changes_numbers():
    a = render_conv2d({"input": "4x4", "seed": 0}, "light")
    b = render_conv2d({"input": "4x4", "seed": 1}, "light")
    assert a.steps != b.steps


def test_light_and_dark_differ():
    p = {"input": "4x4"}
    light, dark = render_conv2d(p, "light"), render_conv2d(p, "dark")
    assert light.frames[0].shape == dark.frames[0].shape
    assert not np.array_equal(light.frames[0], dark.frames[0])
    # backgrounds: light is white, dark is dark
    assert light.frames[0][2, 2].tolist() == [255, 255, 255]
    assert max(dark.frames[0][2, 2]) < 64


def test_input_and_output_differ_in_lightness():
    from convfig.render.style import THEMES, relative_luminance

    for th in THEMES.values():
        assert abs(relative_luminance(th.input_fill) - relative_luminance(th.output_fill)) > 0.05


def test_poster_is_last_frame():
    r = render_conv2d({"input": "4x4"}, "light")
    img = np.asarray(Image.open(io.BytesIO(poster_png(r))).convert("RGB"))
    assert np.array_equal(img, r.frames[-1])


def test_through_registry():
    r = render(make_spec("conv2d", {"input": "4x4"}, "dark"))
    assert len(r.frames) == 4


@pytest.mark.parametrize("params, match", [
    ({"input": "5x5", "channels": 3}, "use the 'channels' figure kind"),
    ({"input": "5x5", "filters": 2}, "use the 'channels' figure kind"),
    ({"input": "5", "padding": "same"}, "input: conv2d needs a 2D input"),
])
def test_conv2d_refuses(params, match):
    with pytest.raises(ConvfigError, match=match):
        render_conv2d(params, "light")


def test_big_kernel_equation_is_abbreviated():
    r = render_conv2d({"input": "7x7", "kernel": 5}, "light")
    assert "(25 products)" in r.steps[0]


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
        r = render_conv2d({"input": f"{i}x{i}", "kernel": k, "strides": s, "padding": p, "dilation": d}, theme)
        gif = encode_gif(r.frames, r.durations_ms, keep=r.palette_hint)
        assert r.width >= max(400, ref_width)
        assert len(gif) <= 0.25 * ref_bytes, f"{len(gif)} B = {len(gif) / ref_bytes:.0%} ({theme})"
