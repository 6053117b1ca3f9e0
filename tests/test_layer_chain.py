"""The layer-chain figure: layer 1's computed maps are layer 2's input, with bias and ReLU, and every shape,
parameter count and value agrees with Keras (tests/golden/chain.json, made by make_golden_chain.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

import convfig
from convfig.render import fmt, protocol
from convfig.render.kinds import layer_chain
from convfig.render.registry import make_spec

GOLDEN = json.loads((Path(__file__).parent / "golden" / "chain.json").read_text())


@pytest.fixture(scope="module")
def lay():
    return protocol.layout_of(make_spec("layer-chain", {}))


def _grid(lay, name: str, f: int | None = None) -> np.ndarray:
    cells = lay.grid(name)
    keys = [k for k in cells if f is None or k[-1] == f]
    rows, cols = max(k[0] for k in keys) + 1, max(k[1] for k in keys) + 1
    out = np.zeros((rows, cols))
    for k in keys:
        out[k[0], k[1]] = float(cells[k].replace(fmt.MINUS, "-"))
    return out


def test_shapes_and_params_agree_with_keras(lay):
    s1 = convfig.output_shape((7, 7, 1), 3, filters=2)
    s2 = convfig.output_shape(s1, 3, filters=1)
    assert [list(s1), list(s2)] == GOLDEN["shapes"]
    for name, shape in (("z1", s1), ("a1", s1), ("z2", s2), ("a2", s2), ("input", (7, 7, 1))):
        assert lay.text_at(("shape", name)) == fmt.tuple_str(shape)
    code = " ".join(it.text for it in lay.items if getattr(it, "mono", False))
    for shape, params in zip(GOLDEN["shapes"], GOLDEN["params"]):
        assert f"{fmt.tuple_str(shape)}, {params} params" in code


def test_layer_one_feeds_layer_two_with_bias_and_relu(lay):
    n = layer_chain.numbers()
    x = _grid(lay, "input")
    k1 = np.stack([_grid(lay, "kernel1", f) for f in range(2)], -1)[:, :, None, :]
    b1 = np.array([float(lay.text_at(("bias1", (f,))).split()[-1].replace(fmt.MINUS, "-")) for f in range(2)])
    z1 = np.stack([_grid(lay, "z1", f) for f in range(2)], -1)
    a1 = np.stack([_grid(lay, "a1", f) for f in range(2)], -1)
    assert np.array_equal(z1, convfig.conv(x[..., None], k1, b1))          # drawn conv + drawn bias
    assert np.array_equal(a1, np.maximum(z1, 0)) and (z1 < 0).any()       # ReLU visibly changes numbers
    assert np.array_equal(a1, np.array(GOLDEN["a1"]))                      # Keras' layer 1
    k2 = np.stack([_grid(lay, "kernel2", c) for c in range(2)], -1)[..., None]
    b2 = float(lay.text_at(("bias2", (0,))).split()[-1].replace(fmt.MINUS, "-"))
    z2 = _grid(lay, "z2")
    assert np.array_equal(z2, convfig.conv(a1, k2, np.array([b2]))[..., 0])  # layer 2 reads the drawn a1
    assert np.array_equal(_grid(lay, "a2"), np.array(GOLDEN["a2"])[..., 0])
    assert np.array_equal(n["a2"][..., 0], _grid(lay, "a2")) and np.count_nonzero(n["a2"]) == 1


def test_receptive_field_grows_on_the_same_chain(lay):
    size, _ = convfig.arithmetic.receptive_field([(3, 1, 1), (3, 1, 1)])
    assert lay.text_at(("reach", "input")) == f"reads {size}×{size}"
    assert lay.text_at(("reach", "a1")) == "reads 3×3"
    data = layer_chain.compute(make_spec("layer-chain", {}))
    r0, c0 = data.reach0
    assert (len(r0), len(c0)) == (size, size)
    # every input cell that changes output OUT lies inside the outlined field (and the field is tight)
    n = layer_chain.numbers()
    base = n["z2"][layer_chain.OUT][0]
    touched = set()
    for r in range(7):
        for c in range(7):
            x = n["x"].copy()
            x[r, c, 0] += 5
            a1 = np.maximum(convfig.conv(x, n["k1"], n["b1"]), 0)
            if convfig.conv(a1, n["k2"], n["b2"])[layer_chain.OUT][0] != base:
                touched.add((r, c))
    assert touched and touched <= {(int(a), int(b)) for a in r0 for b in c0}


def test_slide_chain_is_the_drawn_numbers_larger():
    """The slide drops the maps before the ReLU (the arrows say ReLU) and draws the rest larger: layer 1's drawn
    ReLU maps are still conv + bias + ReLU of the drawn input, kernels and biases, and layer 2 reads them; shapes,
    reach and code as on the page; no text on another or outside the figure."""
    from slide_checks import clashes

    page = protocol.layout_of(make_spec("layer-chain", {}))
    lay = protocol.layout_of(dataclasses.replace(make_spec("layer-chain", {}), target="slide"))
    assert not lay.grid("z1") and not lay.grid("z2")
    x = _grid(lay, "input")
    k1 = np.stack([_grid(lay, "kernel1", f) for f in range(2)], -1)[:, :, None, :]
    b1 = np.array([float(lay.text_at(("bias1", (f,))).split()[-1].replace(fmt.MINUS, "-")) for f in range(2)])
    a1 = np.stack([_grid(lay, "a1", f) for f in range(2)], -1)
    assert np.array_equal(a1, np.maximum(convfig.conv(x[..., None], k1, b1), 0))
    assert np.array_equal(a1, np.array(GOLDEN["a1"]))
    k2 = np.stack([_grid(lay, "kernel2", c) for c in range(2)], -1)[..., None]
    b2 = float(lay.text_at(("bias2", (0,))).split()[-1].replace(fmt.MINUS, "-"))
    assert np.array_equal(_grid(lay, "a2"), np.maximum(convfig.conv(a1, k2, np.array([b2])), 0)[..., 0])
    assert np.array_equal(_grid(lay, "a2"), np.array(GOLDEN["a2"])[..., 0])
    for key in [("shape", "input"), ("shape", "a1"), ("shape", "a2"), ("reach", "input"), ("reach", "a1")]:
        assert lay.text_at(key) == page.text_at(key) and lay.at(key).size > page.at(key).size
    assert lay.at(("a1", (0, 0, 0))).w > page.at(("a1", (0, 0, 0))).w
    code = [it.text for it in lay.items if getattr(it, "mono", False)]
    assert code == [it.text for it in page.items if getattr(it, "mono", False)]
    assert not clashes(lay, None)
