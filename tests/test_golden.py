"""convfig against Keras: outputs, shapes, parameter counts and refusals recorded by Keras itself.

The data comes from tests/golden/make_golden.py (Keras, torch backend); these tests need numpy only.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import convfig

GOLDEN = Path(__file__).parent / "golden"
DOC = json.loads((GOLDEN / "cases.json").read_text())
CASES = DOC["cases"]
REFUSED = DOC["refused"]


@pytest.fixture(scope="module")
def arrays():
    with np.load(GOLDEN / "cases.npz") as npz:
        return {name: npz[name] for name in npz.files}


def _conv_args(case):
    return dict(strides=case["strides"], padding=case["padding"], dilation_rate=case["dilation_rate"],
                groups=case["groups"])


def test_golden_data_is_complete(arrays):
    assert DOC["backend"] == "torch" and DOC["keras_version"]
    assert len(CASES) >= 240 and len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        for part in ("x", "kernel", "bias", "y"):
            assert arrays[f"{case['id']}_{part}"].dtype == np.float32
        assert list(arrays[f"{case['id']}_y"].shape) == case["output_shape"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conv_matches_keras(case, arrays):
    cid = case["id"]
    x, kernel, bias, y = (arrays[f"{cid}_{part}"] for part in ("x", "kernel", "bias", "y"))
    got = convfig.conv(x, kernel, bias, **_conv_args(case))
    assert got.shape == y.shape
    np.testing.assert_allclose(got, y, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", CASES[::7], ids=[c["id"] for c in CASES[::7]])
def test_conv_single_sample_matches_batch(case, arrays):
    cid = case["id"]
    x, kernel, bias, y = (arrays[f"{cid}_{part}"] for part in ("x", "kernel", "bias", "y"))
    got = convfig.conv(x[0], kernel, bias, **_conv_args(case))
    np.testing.assert_allclose(got, y[0], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_output_shape_matches_keras(case):
    got = convfig.output_shape(tuple(case["input_shape"][1:]), tuple(case["kernel_size"]),
                               filters=case["filters"], **_conv_args(case))
    assert tuple(got) == tuple(case["output_shape"][1:])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_params_match_keras(case):
    spec = convfig.ConvSpec.make(input_shape=tuple(case["input_shape"][1:-1]),
                                 kernel_size=tuple(case["kernel_size"]),
                                 channels=case["input_shape"][-1], filters=case["filters"],
                                 **_conv_args(case))
    assert spec.params == case["params"]
    assert tuple(spec.output_shape) == tuple(case["output_shape"][1:])


def _refusal_match(case):
    return "kernel_size" if case["rule"] == "kernel_too_large" else "Keras"


@pytest.mark.parametrize("case", REFUSED, ids=[c["id"] for c in REFUSED])
def test_refuses_what_keras_refuses(case):
    assert case["exception"] == "ValueError"
    args = _conv_args(case)
    with pytest.raises(convfig.ConvfigError, match=_refusal_match(case)):
        convfig.output_shape(tuple(case["input_shape"][1:]), tuple(case["kernel_size"]),
                             filters=case["filters"], **args)
    with pytest.raises(convfig.ConvfigError, match=_refusal_match(case)):
        convfig.ConvSpec.make(input_shape=tuple(case["input_shape"][1:-1]),
                              kernel_size=tuple(case["kernel_size"]), channels=case["input_shape"][-1],
                              filters=case["filters"], **args)


# A kernel for channels not divisible by groups has no well-defined shape, so conv() is not asked.
CONV_REFUSED = [c for c in REFUSED if c["rule"] != "groups_channels"]


@pytest.mark.parametrize("case", CONV_REFUSED, ids=[c["id"] for c in CONV_REFUSED])
def test_conv_refuses_what_keras_refuses(case):
    channels = case["input_shape"][-1]
    x = np.zeros(case["input_shape"], np.float32)
    kernel = np.zeros((*case["kernel_size"], channels // case["groups"], case["filters"]), np.float32)
    with pytest.raises(convfig.ConvfigError, match=_refusal_match(case)):
        convfig.conv(x, kernel, None, **_conv_args(case))
