"""Channels × filters animation: one frame per output position, sums from the engine's trace."""

import numpy as np
import pytest

import convfig
from convfig.render.channels import render_channels, sum_expr
from convfig.render.diagrams import fmt
from convfig.render.registry import canonical_params, conv_spec

CASES = [
    {},
    {"input": "5x5", "channels": 3, "filters": 2, "padding": "same"},
    {"input": "5x5", "channels": 1, "filters": 3},
    {"input": "6x6", "channels": 2, "filters": 2, "strides": 2, "padding": "same"},
    {"input": "7x7", "channels": 2, "filters": 1, "dilation": 2},
    {"input": "4x4", "channels": 4, "filters": 2, "groups": 2},
    {"input": "4x4", "channels": 3, "filters": 2, "kernel": 1},
    {"input": "4x4", "channels": 2, "filters": 1, "padding": 1},
]


def _spec(params):
    return conv_spec(canonical_params("channels", params))


@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = render_channels(canonical_params("channels", params), "light")
    n = _spec(params).positions
    assert len(r.frames) == len(r.steps) == len(r.durations_ms) == n
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    assert r.durations_ms[-1] > r.durations_ms[0] or n == 1
    assert r.svg is None


def test_steps_carry_the_engine_sums():
    params = canonical_params("channels", {"input": "5x5", "channels": 3, "filters": 2, "padding": "same"})
    spec = _spec(params)
    x, k, b = convfig.example(spec, 0)
    t = convfig.trace(x, k, b, padding="same")
    r = render_channels(params, "light")
    for st, text in zip(t.steps, r.steps):
        pos = ", ".join(str(p) for p in st.out_pos)
        assert text.startswith(f"Output position ({pos}):")
        for f in range(spec.filters):
            partial = [fmt(st.products[..., c, f].sum()) for c in range(spec.channels)]
            assert f"filter {f}: {sum_expr(partial)} = {fmt(st.sums[f])}" in text
    assert np.allclose(t.output, convfig.conv(x, k, b, padding="same"))


def test_groups_only_sum_the_groups_channels():
    params = canonical_params("channels", {"input": "4x4", "channels": 4, "filters": 2, "groups": 2})
    r = render_channels(params, "light")
    # 2 channels per group: each filter sums exactly two partial sums
    for text in r.steps:
        for part in text.rstrip(".").split(": ", 1)[1].split("; "):
            expr = part.split(": ", 1)[1].split(" = ")[0]
            assert expr.count(" + ") + expr.count(" − ") == 1
    assert "groups=2" in r.alt or "groups" in r.alt


def test_alt_mentions_parameters_and_shapes():
    params = canonical_params("channels", {"input": "5x5", "channels": 3, "filters": 2, "padding": "same"})
    r = render_channels(params, "light")
    for word in ("Conv2D", "filters=2", "kernel_size=3", "padding='same'", "(5, 5, 3)", "(5, 5, 2)",
                 "last dimension", "56 parameters"):
        assert word in r.alt


def test_deterministic_and_themes():
    params = canonical_params("channels", {})
    a, b = render_channels(params, "light"), render_channels(params, "light")
    assert all(np.array_equal(x, y) for x, y in zip(a.frames, b.frames))
    d = render_channels(params, "dark")
    assert d.frames[0].shape == a.frames[0].shape
    assert not np.array_equal(a.frames[0], d.frames[0])
    assert not np.array_equal(a.frames[0], a.frames[1])


def test_one_dimensional_input_works():
    r = render_channels({"input": [8], "kernel": [3], "channels": 2, "filters": 2}, "light")
    assert len(r.frames) == convfig.ConvSpec.make((8,), 3, channels=2, filters=2).positions == 6
    assert "Conv1D" in r.alt


@pytest.mark.parametrize("params", [
    {"input": [4, 4], "channels": 9, "filters": 1},
    {"input": [4, 4, 4], "channels": 1, "filters": 1},
    {"input": [4, 4], "channels": 3, "filters": 2, "groups": 2},
])
def test_bad_requests_raise(params):
    with pytest.raises(convfig.ConvfigError):
        render_channels(params, "light")
