"""3D convolution animation: structure, not pixels (GUIDE §7)."""

import numpy as np
import pytest

import convfig
from convfig.render.anim1d import fmt
from convfig.render.anim3d import render_conv3d
from convfig.render.registry import canonical_params, conv_spec


def _positions(params):
    return conv_spec(canonical_params("conv3d", params)).positions


CASES = [
    {"input": "4x4x4", "kernel": 2},
    {"input": "3x3x3", "kernel": 3, "padding": "same"},
    {"input": "5x5x5", "kernel": 3, "strides": 2, "padding": "same"},
    {"input": "5x4x4", "kernel": "2x2x2", "dilation": "2x1x1"},
    {"input": "3x3x3", "kernel": 2, "channels": 2, "filters": 2},
]


@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = render_conv3d(params, "light")
    n = _positions(params)
    assert len(r.frames) == n == len(r.steps) == len(r.durations_ms)
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    assert r.durations_ms[-1] > r.durations_ms[0]


def test_deterministic_and_themes():
    p = {"input": "3x3x3", "kernel": 2, "padding": "same"}
    a, b = render_conv3d(p, "light"), render_conv3d(p, "light")
    assert all(np.array_equal(x, y) for x, y in zip(a.frames, b.frames))
    dark = render_conv3d(p, "dark")
    assert dark.frames[0].shape == a.frames[0].shape
    assert not np.array_equal(dark.frames[0], a.frames[0])
    assert not np.array_equal(a.frames[0], a.frames[1])


def test_alt_and_steps():
    p = {"input": "4x4x4", "kernel": 2, "strides": 2}
    r = render_conv3d(p, "light")
    for word in ("Conv3D", "kernel", "strides", "padding", "4×4×4", "2×2×2", "(2, 2, 2, 1)"):
        assert word in r.alt
    spec = conv_spec(canonical_params("conv3d", p))
    x, k, b = convfig.example(spec, 0)
    out = convfig.conv(x, k, b, strides=2)
    for i, (pos, step) in enumerate(zip(np.ndindex(*spec.out_spatial), r.steps)):
        assert step.startswith(f"Step {i + 1} of 8: output voxel {pos}")
        assert step.endswith(f"the sum is {fmt(out[pos][0])}.")


def test_bad_input_rank():
    with pytest.raises(convfig.ConvfigError):
        render_conv3d({"input": "4x4"}, "light")
    with pytest.raises(convfig.ConvfigError):
        render_conv3d({"input": "4x4x4", "padding": "causal"}, "light")
