"""Diagrams about whole layers and models: receptive-field, model-shapes, dims.

Every number is read back through the figure's Layout (by key) and compared with the engine
(convfig.arithmetic, convfig.output_shape, convfig.ConvSpec); the PNG and SVG come from that same Layout.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache

import numpy as np
import pytest

import convfig
from convfig import arithmetic
from convfig.render import fmt, protocol
from convfig.render.kinds import model_shapes
from convfig.render.layout import Label
from convfig.render.registry import make_spec

CASES = [
    ("receptive-field", {}),
    ("receptive-field", {"kernels": "3,3,3"}),
    ("receptive-field", {"kernels": "3,3", "strides": "2,1"}),
    ("receptive-field", {"kernels": "5,3"}),
    ("model-shapes", {}),
    ("model-shapes", {"input": "32x32", "channels": 3}),
    ("model-shapes", {"input": "20x28", "channels": 2}),
    ("dims", {}),
]


def _render(kind, params, theme="light"):
    return _cached(kind, json.dumps(params, sort_keys=True), theme)


@cache
def _cached(kind, params_json, theme):
    return protocol.render(make_spec(kind, json.loads(params_json), theme))


def _layout(kind, params):
    return _render(kind, params).layout


# ------------------------------------------------------------------ every figure


@pytest.mark.parametrize("kind,params", CASES[::2] + [CASES[-1]])
def test_deterministic_and_themes_differ(kind, params):
    a = _render(kind, params)
    b = protocol.render(make_spec(kind, params, "light"))
    assert np.array_equal(a.frames[0], b.frames[0]) and a.svg == b.svg
    d = _render(kind, params, "dark")
    assert a.frames[0].shape == d.frames[0].shape and not np.array_equal(a.frames[0], d.frames[0])
    assert a.svg != d.svg
    assert a.frames[0][2, 2].tolist() == [255, 255, 255] and d.frames[0][2, 2].tolist() != [255, 255, 255]


@pytest.mark.parametrize("kind,params", [
    ("receptive-field", {"kernels": [7, 7, 7]}),
    ("receptive-field", {"kernels": "3,3", "strides": "2,1", "dilations": "2,1"}),
    ("model-shapes", {"input": [4, 4]}),
    ("model-shapes", {"input": "8x8x8"}),
])
def test_bad_params_raise_convfig_error(kind, params):
    with pytest.raises(convfig.ConvfigError):
        protocol.render(make_spec(kind, params))


# ------------------------------------------------------------------ receptive-field


def _shaded(lay, name, fill="window_fill"):
    return {idx for idx, _ in lay.grid(name).items() if lay.at((name, idx)).fill == fill}


def _square(side, offset):
    return {(offset + r, offset + c) for r in range(side) for c in range(side)}


RF_CASES = [((3, 3), (1, 1)), ((3, 3, 3), (1, 1, 1)), ((5, 3), (1, 1)), ((3, 3), (2, 1))]


def _target_layout(kind, params, target):
    return protocol.layout_of(dataclasses.replace(make_spec(kind, params), target=target))


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("kernels,strides", RF_CASES)
def test_receptive_field_maps_read_back_the_arithmetic(kernels, strides, target):
    layers = [(k, s, 1) for k, s in zip(kernels, strides)]
    size, jump = arithmetic.receptive_field(layers)
    lay = _target_layout("receptive-field", {"kernels": list(kernels), "strides": list(strides)}, target)
    n = size + 2 * jump
    assert len(lay.grid("input")) == n * n
    # the stack's input: a size x size square centred in the map, outlined by the reach box
    assert _shaded(lay, "input") == _square(size, jump)
    assert lay.text_at(("reads", "input")) == f"reads {size}×{size}"
    cell = lay.at(("input", (0, 0))).w
    reach = lay.at(("reach", "input"))
    assert (reach.w, reach.h) == (size * cell, size * cell)
    assert (reach.x, reach.y) == (lay.at(("input", (jump, jump))).x, lay.at(("input", (jump, jump))).y)
    # every later map: the receptive field of the layers after it (arithmetic again), same centring
    m = n
    for i in range(1, len(layers)):
        m = convfig.ConvSpec.make((m, m), layers[i - 1][0], strides=layers[i - 1][1]).out_spatial[0]
        rest, rest_jump = arithmetic.receptive_field(layers[i:])
        got = _shaded(lay, f"layer{i}")
        assert len(got) == rest * rest and got == _square(rest, (m - rest) // 2)
        assert lay.text_at(("reads", f"layer{i}")) == f"reads {rest}×{rest}"
    last = lay.grid(f"layer{len(layers)}")
    centre = {(r, c) for r, c in last if lay.at((f"layer{len(layers)}", (r, c))).fill == "output_new"}
    side = int(round(len(last) ** 0.5))
    assert centre == {(side // 2, side // 2)}
    # row 2: one size x size layer reads the same square
    assert _shaded(lay, "single_input") == _square(size, jump)
    assert lay.text_at(("reads", "single_input")) == f"reads {size}×{size}"


@pytest.mark.parametrize("target", ["page", "slide"])
def test_receptive_field_cells_sit_on_a_grid(target):
    lay = _target_layout("receptive-field", {"kernels": "5,3"}, target)
    for name in ("input", "layer1", "single_input"):
        g = lay.grid(name)
        for r, c in g:
            b = lay.at((name, (r, c)))
            if (r, c + 1) in g:
                right = lay.at((name, (r, c + 1)))
                assert right.x == b.x + b.w and right.y == b.y
            if (r + 1, c) in g:
                below = lay.at((name, (r + 1, c)))
                assert below.y == b.y + b.h and below.x == b.x


@pytest.mark.parametrize("target", ["page", "slide"])
def test_receptive_field_two_3x3_is_18_vs_25(target):
    lay = _target_layout("receptive-field", {}, target)
    k3 = arithmetic.param_count((3, 3), 1, 1, bias=False)
    k5 = arithmetic.param_count((5, 5), 1, 1, bias=False)
    assert (k3, 2 * k3, k5) == (9, 18, 25)
    assert [lay.text_at(("weights", i)) for i in (1, 2)] == [str(k3), str(k3)]
    assert lay.text_at(("weights", "stack")) == "18" and lay.text_at(("weights", "single")) == "25"
    # the boxes read left to right: 9 + 9 = 18
    xs = [lay.at(("weights", k)).x for k in (1, 2, "stack")]
    assert xs == sorted(xs)
    r = _render("receptive-field", {})
    assert "9 + 9 = 18" in r.alt and "versus 25" in r.alt and "5×5" in r.alt


@pytest.mark.parametrize("kernels", [(3, 3), (3, 3, 3), (5, 3, 3), (3, 3, 3, 3, 3)])
def test_receptive_field_slide_sets_the_stack_beside_the_single_layer(kernels):
    """On a slide the stack (left) and the single layer (right) sit side by side, maps in one row left to
    right without overlapping, each group's weight counts under its maps, everything inside the Layout."""
    lay = _target_layout("receptive-field", {"kernels": ",".join(map(str, kernels))}, "slide")
    names = ["input"] + [f"layer{i}" for i in range(1, len(kernels) + 1)] + ["single_input", "single_output"]
    spans = []
    for name in names:
        cells = [lay.at((name, rc)) for rc in lay.grid(name)]
        spans.append((min(b.x for b in cells), max(b.x + b.w for b in cells), min(b.y for b in cells),
                      max(b.y + b.h for b in cells)))
    assert len({y0 for _, _, y0, _ in spans}) == 1                      # one row, tops aligned
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))            # left to right, no overlap
    assert spans[-1][1] <= lay.width and max(y1 for *_, y1 in spans) < lay.height
    assert lay.width / lay.height > 1.6                                  # a 16:9 slide's shape, roughly
    bottom = max(y1 for *_, y1 in spans)
    stack = [lay.at(("weights", k)) for k in [*range(1, len(kernels) + 1), "stack"]]
    single = lay.at(("weights", "single"))
    assert all(b.y > bottom and b.x < spans[len(kernels) + 1][0] for b in stack)
    assert single.y > bottom and single.x >= spans[-2][0]
    assert all(b.y + b.h < lay.height and b.x + b.w <= lay.width for b in [*stack, single])


@pytest.mark.parametrize("kernels", [(3, 3), (3, 3, 3), (5, 3)])
def test_receptive_field_alt_and_weights_match_arithmetic(kernels):
    size, _ = arithmetic.receptive_field([(k, 1, 1) for k in kernels])
    r = _render("receptive-field", {"kernels": ",".join(map(str, kernels))})
    assert f"one output reads {size}×{size} cells" in r.alt
    weights = [arithmetic.param_count((k, k), 1, 1, bias=False) for k in kernels]
    assert f"= {sum(weights)} for the stack versus {size * size}" in r.alt
    assert r.layout.text_at(("weights", "stack")) == str(sum(weights))
    assert r.layout.text_at(("weights", "single")) == str(arithmetic.param_count((size, size), 1, 1, bias=False))


# ------------------------------------------------------------------ model-shapes


def _model(spatial, channels):
    """(output shape, ConvSpec) per layer, straight from the engine."""
    cur, out = tuple(spatial) + (channels,), []
    for f, k, s, pad in model_shapes.MODEL_LAYERS:
        shape = convfig.output_shape(cur, k, filters=f, strides=s, padding=pad)
        out.append((shape, convfig.ConvSpec.make(cur[:-1], k, channels=cur[-1], filters=f, strides=s, padding=pad)))
        cur = shape
    return out


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("spatial,channels", [((28, 28), 1), ((32, 32), 3), ((20, 28), 2)])
def test_model_shapes_show_the_engines_output_shapes(spatial, channels, target):
    """The engine's shapes and counts on the page and on the slide (there in larger type, nothing overlapping:
    each column's shape chip sits below its call, the total below every column)."""
    lay = _target_layout("model-shapes", {"input": "x".join(map(str, spatial)), "channels": channels}, target)
    total = sum(spec.params for _, spec in _model(spatial, channels))
    assert lay.text_at(("total",)).startswith(f"Total parameters: {total:,}.")
    if target == "slide":
        page = _layout("model-shapes", {"input": "x".join(map(str, spatial)), "channels": channels})
        assert all(lay.at(k).size > page.at(k).size for k in [("dims", 1), ("shape", 1), ("params", 1), ("total",)])
        calls = [it for it in lay.items if isinstance(it, Label) and it.mono]
        assert max(it.y for it in calls) < min(lay.at(("shape", i)).y for i in range(4))
        assert lay.at(("total",)).y > max(lay.at(("params", i)).y for i in range(1, 4))
        from slide_checks import clashes

        assert not clashes(lay, None)
    assert lay.text_at(("shape", 0)) == f"(None, {spatial[0]}, {spatial[1]}, {channels})"
    for i, (shape, spec) in enumerate(_model(spatial, channels), start=1):
        assert lay.text_at(("shape", i)) == "(None, " + ", ".join(map(str, shape)) + ")"
        assert lay.text_at(("dims", i)).startswith(f"{shape[0]}×{shape[1]} × {shape[2]} channels")
        assert lay.text_at(("params", i)) == f"= {arithmetic.param_count((3, 3), spec.channels, shape[-1]):,}"
    xs = [lay.at(("shape", i)).x for i in range(4)]
    assert xs == sorted(xs) and len(set(xs)) == 4
    # bigger grids draw bigger icons
    sides = [lay.at(("tensor", i)).w for i in range(4)]
    assert sides[1] > sides[2] > sides[3]


def test_model_shapes_alt_and_total_from_engine():
    r = _render("model-shapes", {"input": "28x28", "channels": 1})
    total = 0
    for shape, spec in _model((28, 28), 1):
        assert f"(None, {', '.join(map(str, shape))}), {spec.params} params" in r.alt
        total += spec.params
    assert f"Total {total} parameters" in r.alt
    assert "(None, 11, 11, 32)" in r.alt and total == 80 + 1168 + 4640
    assert r.layout.text_at(("total",)).startswith(f"Total parameters: {total:,}.")


# ------------------------------------------------------------------ dims


DIMS = [((10,), 4), ((6, 6), 3), ((4, 5, 5), 2)]


def test_dims_alt_names_each_rank():
    r = _render("dims", {})
    for name, sample in (("Conv1D", "(10, 4)"), ("Conv2D", "(6, 6, 3)"), ("Conv3D", "(4, 5, 5, 2)")):
        assert f"{name}: sample {sample}" in r.alt
    assert "slides over 1 axis" in r.alt and "slides over 2 axes" in r.alt and "slides over 3 axes" in r.alt


@pytest.mark.parametrize("target", ["page", "slide"])
def test_dims_panels_show_the_engines_shapes(target):
    lay = _target_layout("dims", {}, target)
    for rank, (spatial, ch) in enumerate(DIMS, start=1):
        out = convfig.output_shape(spatial + (ch,), 3, filters=8)
        assert lay.text_at(("layer", rank)) == f"Conv{rank}D"
        assert lay.text_at(("sample", rank)) == fmt.tuple_str(spatial + (ch,))
        assert lay.text_at(("out_shape", rank)) == fmt.tuple_str(out)
        assert lay.text_at(("kernel_shape", rank)) == "×".join(["3"] * rank + [str(ch)]) + " per filter"
        assert lay.text_at(("params", rank)) == f"{arithmetic.param_count((3,) * rank, ch, 8):,}"
        assert lay.at(("sample", rank)).fill == "input_fill" and lay.at(("out_shape", rank)).fill == "output_fill"
    xs = [lay.at(("sample", r)).x for r in (1, 2, 3)]
    assert xs == sorted(xs)


@pytest.mark.parametrize("target", ["page", "slide"])
def test_dims_windows_span_the_kernel(target):
    lay = _target_layout("dims", {}, target)
    w1, w2 = lay.at(("window", 1)), lay.at(("window", 2))
    k, feats = 3, DIMS[0][1]       # Conv1D: the window spans 3 steps and every feature (4 rows of equal cells)
    assert w1.w / k == w1.h / feats
    assert w2.w == w2.h              # Conv2D: a square 3x3 window on the front card
