"""convfig against Keras for transposed conv, pooling, depthwise and separable layers (numpy only).

The data comes from tests/golden/make_golden_layers.py (Keras 3 on torch, oneDNN off; the uneven
'same' average pools built as GUIDE section 3 says, and every case rechecked with Keras on JAX).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import convfig

GOLDEN = Path(__file__).parent / "golden"
DOC = json.loads((GOLDEN / "layers.json").read_text())
CASES = DOC["cases"]
REFUSED = DOC["refused"]


@pytest.fixture(scope="module")
def arrays():
    with np.load(GOLDEN / "layers.npz") as npz:
        return {name: npz[name] for name in npz.files}


def _parts(case, arrays):
    cid = case["id"]
    return arrays[f"{cid}_x"], [arrays[f"{cid}_w{i}"] for i in range(case["weights"])], arrays[f"{cid}_y"]


def _kind(case):
    name = case["layer"]
    return ("transpose" if name.startswith("Conv") else "global" if name.startswith("Global")
            else "pool" if "Pooling" in name else "depthwise" if name.startswith("Depthwise") else "separable")


def _run(case, x, w):
    kind = _kind(case)
    if kind == "transpose":
        return convfig.conv_transpose(x, w[0], w[1], strides=case["strides"], padding=case["padding"],
                                      output_padding=case["output_padding"], dilation_rate=case["dilation_rate"])
    if kind == "global":
        return convfig.global_pool(x, rank=case["rank"], mode=case["mode"], keepdims=case["keepdims"])
    if kind == "pool":
        return convfig.pool(x, tuple(case["pool_size"]), strides=case["strides"], padding=case["padding"],
                            mode=case["mode"])
    args = dict(strides=case["strides"], padding=case["padding"], dilation_rate=case["dilation_rate"])
    if kind == "depthwise":
        return convfig.depthwise_conv(x, w[0], w[1], **args)
    return convfig.separable_conv(x, w[0], w[1], w[2], **args)


def _shape(case):
    shape, kind = tuple(case["input_shape"][1:]), _kind(case)
    if kind == "transpose":
        return convfig.transpose_output_shape(shape, case["kernel_size"], filters=case["filters"],
                                              strides=case["strides"], padding=case["padding"],
                                              output_padding=case["output_padding"],
                                              dilation_rate=case["dilation_rate"])
    if kind == "global":
        return convfig.global_pool_output_shape(shape, keepdims=case["keepdims"])
    if kind == "pool":
        return convfig.pool_output_shape(shape, case["pool_size"], strides=case["strides"], padding=case["padding"])
    args = dict(depth_multiplier=case["depth_multiplier"], strides=case["strides"], padding=case["padding"],
                dilation_rate=case["dilation_rate"])
    if kind == "depthwise":
        return convfig.depthwise_output_shape(shape, case["kernel_size"], **args)
    return convfig.separable_output_shape(shape, case["kernel_size"], filters=case["filters"], **args)


def _params(case):
    kind, c = _kind(case), case["channels"]
    if kind == "transpose":
        return convfig.transpose_params(case["kernel_size"], c, case["filters"])
    if kind in ("pool", "global"):
        return convfig.pool_params()
    if kind == "depthwise":
        return convfig.depthwise_params(case["kernel_size"], c, case["depth_multiplier"])
    return convfig.separable_params(case["kernel_size"], c, case["filters"], case["depth_multiplier"])


def test_golden_data_is_complete(arrays):
    assert DOC["backend"] == "torch" and DOC["keras_version"] and DOC["mkldnn"] is False
    assert len({c["id"] for c in CASES}) == len(CASES)
    counts = {}
    for case in CASES:
        counts[case["layer"]] = counts.get(case["layer"], 0) + 1
        assert arrays[f"{case['id']}_y"].dtype == np.float32
        assert list(arrays[f"{case['id']}_y"].shape) == case["output_shape"]
    for rank in (1, 2, 3):
        for name in (f"Conv{rank}DTranspose", f"MaxPooling{rank}D", f"AveragePooling{rank}D"):
            assert counts.get(name, 0) >= 9, name
        assert counts[f"GlobalMaxPooling{rank}D"] and counts[f"GlobalAveragePooling{rank}D"]
    for rank in (1, 2):
        assert counts[f"DepthwiseConv{rank}D"] >= 20 and counts[f"SeparableConv{rank}D"] >= 20
    # what the grid must reach: batches, output_padding, dilation, strides with dilation (depthwise),
    # uneven 'same' average pools (built as GUIDE section 3 says) and the oneDNN self-check case
    assert any(c["batch"] == 2 for c in CASES)
    assert any(c.get("output_padding") and max(c["output_padding"]) > 0 for c in CASES)
    assert any(_kind(c) == "transpose" and max(c["dilation_rate"]) > 1 for c in CASES)
    assert any(_kind(c) == "depthwise" and max(c["strides"]) > 1 and max(c["dilation_rate"]) > 1 for c in CASES)
    assert sum(c["source"] == "zero_pad_ratio" for c in CASES) >= 3
    assert any(c.get("self_check") == "mkldnn" for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_layer_matches_keras(case, arrays):
    x, w, y = _parts(case, arrays)
    got = _run(case, x, w)
    assert got.shape == y.shape
    np.testing.assert_allclose(got, y, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES[::5], ids=[c["id"] for c in CASES[::5]])
def test_one_sample_matches_batch(case, arrays):
    x, w, y = _parts(case, arrays)
    np.testing.assert_allclose(_run(case, x[0], w), y[0], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_output_shape_and_params_match_keras(case):
    assert tuple(_shape(case)) == tuple(case["output_shape"][1:])
    assert _params(case) == case["params"]


def test_uneven_same_average_leaves_padding_out(arrays):
    """GUIDE section 3: pool 4, stride 1, 'same' on [1, 2, 3, 4, 10, 20] starts at 2.0 (Keras on torch: 1.75)."""
    case = next(c for c in CASES if c["source"] == "zero_pad_ratio" and c["input_shape"] == [1, 6, 1]
                and c["pool_size"] == [4])
    x, w, y = _parts(case, arrays)
    assert y[0, 0, 0] == 2.0 and case["keras_torch_error"] > 0.2
    assert _run(case, x, w)[0, 0, 0] == 2.0


# --- refusals: convfig refuses what Keras refuses, naming the parameter
MATCH = {
    "strides_with_dilation": "Keras refuses", "output_padding_ge_strides": "output_padding",
    "transpose_padding_name": "padding", "pool_padding_name": "padding", "pool_too_large": "pool_size",
    "pool_size_zero": "pool_size", "pool_strides_zero": "strides", "pool_size_rank": "pool_size",
    "depthwise_padding_name": "padding", "depth_multiplier_zero": "depth_multiplier",
    "kernel_too_large": "kernel_size",
}


def _refused_call(case):
    """Call convfig the way the refused Keras layer was configured (arrays of zeros of the right shapes)."""
    kw, name, shape = dict(case["kwargs"]), case["layer"], case["input_shape"]
    rank, channels = len(shape) - 2, shape[-1]
    x = np.zeros(shape, np.float32)
    kernel = kw.pop("kernel_size", None)
    k = tuple(kernel) if isinstance(kernel, list) else (kernel,) * rank
    if name.startswith("Conv"):
        f = kw.pop("filters")
        return lambda: convfig.conv_transpose(x, np.zeros((*k, f, channels)), **kw)
    if "Pooling" in name:
        p = kw.pop("pool_size")
        p = tuple(p) if isinstance(p, list) else (p,) * rank
        return lambda: convfig.pool(x, p, **kw)
    m = kw.pop("depth_multiplier", 1)
    dk = np.zeros((*k, channels, max(m, 0)))
    if name.startswith("Depthwise"):
        if m < 1:   # a kernel cannot hold multiplier 0: ask the shape function, as the CLI would
            return lambda: convfig.depthwise_output_shape(shape[1:], k, depth_multiplier=m, **kw)
        return lambda: convfig.depthwise_conv(x, dk, **kw)
    f = kw.pop("filters")
    return lambda: convfig.separable_conv(x, dk, np.zeros((*(1,) * rank, channels * m, f)), **kw)


@pytest.mark.parametrize("case", REFUSED, ids=[c["id"] for c in REFUSED])
def test_refuses_what_keras_refuses(case):
    assert case["exception"] in ("ValueError", "OverflowError")
    with pytest.raises(convfig.ConvfigError, match=MATCH[case["rule"]]):
        _refused_call(case)()


@pytest.mark.parametrize("case", DOC["empty_outputs"], ids=[c["layer"] for c in DOC["empty_outputs"]])
def test_empty_keras_outputs_are_refused(case):
    """Keras returns a tensor with a 0-sized axis here (same + output_padding); convfig says why instead."""
    assert 0 in case["output_shape"]
    with pytest.raises(convfig.ConvfigError, match="empty"):
        convfig.transpose_output_shape((*case["n"], case["channels"]), case["kernel_size"], filters=case["filters"],
                                       strides=case["strides"], padding=case["padding"],
                                       output_padding=case["output_padding"], dilation_rate=case["dilation_rate"])
