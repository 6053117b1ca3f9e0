"""1D convolution animation: structure, not pixels (GUIDE §7)."""

import numpy as np
import pytest

import convfig
from convfig.render.anim1d import fmt, render_conv1d, sum_expression, wrap_call
from convfig.render.registry import canonical_params, conv_spec
from convfig.render.types import Rendered


def _positions(params):
    return conv_spec(canonical_params("conv1d", params)).positions


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


@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = render_conv1d(params, "light")
    assert isinstance(r, Rendered)
    n = _positions(params)
    assert len(r.frames) == n == len(r.steps) == len(r.durations_ms)
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    assert r.durations_ms[-1] > r.durations_ms[0]


def test_causal_frame_count_matches_input_length():
    r = render_conv1d({"input": 9, "kernel": 3, "padding": "causal", "dilation": 2}, "light")
    assert len(r.frames) == 9


def test_deterministic():
    p = {"input": 9, "kernel": 3, "padding": "causal", "dilation": 2, "seed": 3}
    a, b = render_conv1d(p, "light"), render_conv1d(p, "light")
    assert all(np.array_equal(x, y) for x, y in zip(a.frames, b.frames))
    assert a.alt == b.alt and a.steps == b.steps


def test_frames_differ_and_seed_changes_numbers():
    p = {"input": 8, "kernel": 3, "padding": "same"}
    r = render_conv1d(p, "light")
    assert not np.array_equal(r.frames[0], r.frames[1])
    other = render_conv1d({**p, "seed": 1}, "light")
    assert not np.array_equal(r.frames[0], other.frames[0])


def test_dark_differs_from_light():
    p = {"input": 8, "kernel": 3, "padding": "causal"}
    light, dark = render_conv1d(p, "light"), render_conv1d(p, "dark")
    assert light.frames[0].shape == dark.frames[0].shape
    assert not np.array_equal(light.frames[0], dark.frames[0])
    # dark background really is dark, light background really is light
    assert light.frames[0][2, 2].mean() > 200 > 60 > dark.frames[0][2, 2].mean()


def test_alt_and_steps_name_parameters_and_numbers():
    p = {"input": 9, "kernel": 3, "padding": "causal", "dilation": 2}
    r = render_conv1d(p, "light")
    for word in ("kernel", "strides", "padding", "causal", "dilation", "9 time steps", "(9, 1)"):
        assert word in r.alt
    spec = conv_spec(canonical_params("conv1d", p))
    x, k, b = convfig.example(spec, 0)
    out = convfig.conv(x, k, b, padding="causal", dilation_rate=2)
    for i, step in enumerate(r.steps):
        assert step.startswith(f"Step {i + 1} of 9")
        assert fmt(out[i, 0]) in step
        assert "causal" in step


def test_bad_params_raise_convfig_error():
    with pytest.raises(convfig.ConvfigError):
        render_conv1d({"input": "4x4"}, "light")
    with pytest.raises(convfig.ConvfigError):
        render_conv1d({"input": 8, "strides": 2, "dilation": 2}, "light")
    with pytest.raises(convfig.ConvfigError):
        render_conv1d({"input": 8}, "sepia")


def test_helpers():
    assert fmt(-1.0) == "\u22121" and fmt(3.0) == "3" and fmt(0.5) == "0.5"
    assert sum_expression([2, 0, -1], 1) == "sum = 2 + 0 + (\u22121) = 1"
    assert sum_expression(list(range(12)), 66).startswith("sum of 12 products")
    lines = wrap_call("keras.layers.Conv1D(filters=1, kernel_size=3, padding='causal', dilation_rate=2)", 50)
    assert len(lines) > 1 and all(len(s) <= 50 for s in lines)
