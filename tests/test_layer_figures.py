"""Figures of the layers beyond Conv (issue 10), read back through their Layouts and checked against the engine's
public functions (conv_transpose, pool, depthwise_conv, separable_conv, conv) on non-square cases."""

from __future__ import annotations

import numpy as np
import pytest

import convfig
from convfig.render import fmt
from convfig.render.kinds import depthwise, pool, separable, transpose_conv, transpose_stamps
from convfig.render.protocol import layout_of, render
from convfig.render.registry import make_spec

TRANSPOSE = [
    {"input": "2x3", "kernel": "3x2", "strides": "2x1"},                         # valid, non-square everything
    {"input": "3x3", "kernel": 3, "strides": 2, "padding": 1, "output_padding": 1},   # conv_arithmetic odd set
    {"input": "3x4", "kernel": 3, "strides": 2, "padding": "same"},                   # Keras same: (2, 1) pads
    {"input": "2x2", "kernel": 3, "strides": 2, "output_padding": 1},                 # a cell no stamp reaches
    {"input": "3x2", "kernel": 2, "strides": 1, "dilation": 2, "padding": "same"},
]


def _grid_array(layout, name: str, step: int, shape: tuple[int, int]) -> np.ndarray:
    cells = layout.grid(name, step)
    assert set(cells) == {(r, c) for r in range(shape[0]) for c in range(shape[1])}, name
    return np.array([[cells[r, c] for c in range(shape[1])] for r in range(shape[0])], dtype=object)


def _texts(a: np.ndarray) -> np.ndarray:
    return np.vectorize(fmt.num, otypes=[object])(a)


def _transposed(data) -> tuple[np.ndarray, convfig.TransposeSpec]:
    ts = data.trace.spec
    out = convfig.conv_transpose(data.trace.x, data.trace.kernel, strides=ts.strides, padding=ts.padding,
                                 output_padding=ts.output_padding, dilation_rate=ts.dilation_rate)
    return out[..., 0], ts


@pytest.mark.parametrize("params", TRANSPOSE)
def test_transpose_conv_writes_the_engines_output_one_cell_per_frame(params):
    spec = make_spec("transpose-conv", params)
    data = transpose_conv.compute(spec)
    lay = transpose_conv.plan(spec, data)
    want, ts = _transposed(data)
    assert len(lay.steps) == want.size
    assert np.array_equal(_grid_array(lay, "output", len(lay.steps) - 1, want.shape), _texts(want))
    for i, st in enumerate(lay.steps[:-1]):        # row-major, one new cell per frame
        r, c = divmod(i, want.shape[1])
        assert [it.key for it in st.keep if it.key] == [("output", (r, c))]


@pytest.mark.parametrize("params", TRANSPOSE)
def test_transpose_conv_grid_is_the_zero_inserted_padded_input_and_kernel_rotated(params):
    spec = make_spec("transpose-conv", params)
    data = transpose_conv.compute(spec)
    lay = transpose_conv.plan(spec, data)
    ts = data.trace.spec
    padded = data.conv.padded[..., 0]
    grid = _grid_array(lay, "input", 0, padded.shape)
    (b0, _), (b1, _) = ts.pads
    x = data.trace.x[..., 0]
    real = 0
    for (r, c), text in np.ndenumerate(grid):
        zi, zj = r - b0, c - b1
        on = (zi % ts.strides[0] == 0 and zj % ts.strides[1] == 0 and 0 <= zi // ts.strides[0] < x.shape[0]
              and 0 <= zj // ts.strides[1] < x.shape[1] and zi >= 0 and zj >= 0)
        if on:
            real += 1
            assert text == fmt.num(x[zi // ts.strides[0], zj // ts.strides[1]]) and data.kinds[r, c] == "real"
        else:
            assert text == "0" and data.kinds[r, c] != "real"
    assert real == x.size and x.min() > 0, "every input cell shows, and none is a zero"
    kernel = data.trace.kernel[..., 0, 0]
    assert np.array_equal(_grid_array(lay, "kernel", 0, kernel.shape), _texts(kernel[::-1, ::-1]))


def test_transpose_conv_marks_output_padding_cells():
    data = transpose_conv.compute(make_spec("transpose-conv", TRANSPOSE[1]))
    assert (data.kinds[-1, :] == "opad").sum() + (data.kinds[:, -1] == "opad").sum() > 0
    plain = transpose_conv.compute(make_spec("transpose-conv", {**TRANSPOSE[1], "output_padding": 0}))
    assert not (plain.kinds == "opad").any()
    assert data.conv.padded.shape[0] == plain.conv.padded.shape[0] + 1


def _stamps_by_hand(x: np.ndarray, k: np.ndarray, ts: convfig.TransposeSpec, upto: int) -> np.ndarray:
    """Scatter the first ``upto`` input cells by hand on the full canvas, then crop like the layer."""
    full = np.zeros(tuple(max(f, c + o) for f, c, o in zip(ts.full_shape, ts.crops, ts.out_spatial)))
    for n, (i, j) in enumerate(np.ndindex(*x.shape)):
        if n == upto:
            break
        for a, b in np.ndindex(*k.shape):
            full[i * ts.strides[0] + a * ts.dilation_rate[0], j * ts.strides[1] + b * ts.dilation_rate[1]] += \
                x[i, j] * k[a, b]
    cr, cc = ts.crops
    return full[cr:cr + ts.out_spatial[0], cc:cc + ts.out_spatial[1]]


@pytest.mark.parametrize("params", TRANSPOSE)
def test_stamps_add_up_step_by_step_to_the_engines_output(params):
    spec = make_spec("transpose-stamps", params)
    data = transpose_stamps.compute(spec)
    lay = transpose_stamps.plan(spec, data)
    x, k = data.trace.x[..., 0], data.trace.kernel[..., 0, 0]
    want, ts = _transposed(data)
    assert len(lay.steps) == x.size
    for step, (i, j) in enumerate(np.ndindex(*x.shape)):
        assert lay.steps[step].window == (("input", (i, j)),)
        assert np.array_equal(_grid_array(lay, "stamp", step, k.shape), _texts(x[i, j] * k)), step
        sums = _stamps_by_hand(x, k, ts, step + 1)
        for (r, c), text in lay.grid("output", step).items():
            assert text == fmt.num(sums[r, c]), (step, r, c)
    assert np.array_equal(_grid_array(lay, "output", len(lay.steps) - 1, want.shape), _texts(want))


def test_stamps_show_the_cells_padding_crops():
    spec = make_spec("transpose-stamps", {"input": "3x3", "strides": 2, "padding": 1})
    lay = layout_of(spec)
    cropped = lay.grid("cropped", len(lay.steps) - 1)
    assert cropped and all(r == 0 or c == 0 or r == 6 or c == 6 for r, c in cropped)     # the 7x7 canvas' rim


POOL = [
    {"input": "5x7", "pool": "2x3", "padding": "same"},
    {"input": "5x6", "pool": 3, "strides": 2, "padding": "same", "mode": "average"},
    {"input": "6x5", "pool": 2, "strides": 1, "mode": "average", "seed": 3},
    {"input": "4x6", "pool": "2x2", "seed": 5},
]


@pytest.mark.parametrize("params", POOL)
def test_pool_outputs_are_the_engines_and_the_ring_is_on_the_winner(params):
    spec = make_spec("pool", params)
    tr = pool.compute(spec)
    lay = pool.plan(spec, tr)
    ps = tr.spec
    out = convfig.pool(tr.x, ps.pool_size, strides=ps.strides, padding=ps.padding, mode=spec.params["mode"])[..., 0]
    assert len(lay.steps) == out.size
    assert np.array_equal(_grid_array(lay, "output", len(lay.steps) - 1, out.shape), _texts(out))
    (b0, _), (b1, _) = ps.pads
    for step, st in enumerate(lay.steps):
        rings = [it.key[1] for it in st.show if it.key and it.key[0] == "winner"]
        r, c = divmod(step, out.shape[1])
        real = [lay.text_at(k, step) for k in st.window if lay.text_at(k, step) is not None]
        if spec.params["mode"] == "max":
            assert len(rings) == 1 and rings[0] in [k[1] for k in st.window]
            assert lay.text_at(("input", rings[0])) == fmt.num(out[r, c])
        else:
            assert not rings
            vals = [float(v.replace(fmt.MINUS, "-")) for v in real]
            assert fmt.num(sum(vals) / len(vals)) == fmt.num(out[r, c])
    pads = {(r, c) for r in range(ps.input_shape[0] + sum(ps.pads[0])) for c in range(ps.input_shape[1] +
            sum(ps.pads[1]))} - {(r + b0, c + b1) for r, c in np.ndindex(*ps.input_shape)}
    assert all(lay.text_at(("input", p)) is None for p in pads), "padding cells hold nothing"
    if ps.padding == "same" and any(b or a for b, a in ps.pads):
        assert any(set(st.window) & {("input", p) for p in pads} for st in lay.steps), "a window hangs over"


def test_depthwise_next_to_conv_shows_both_outputs_and_counts():
    spec = make_spec("depthwise", {"input": "4x5", "channels": 2, "depth_multiplier": 2, "padding": "same"})
    d = depthwise.compute(spec)
    lay = depthwise.plan(spec, d)
    dw = convfig.depthwise_conv(d.x, d.dw_kernel, padding="same")
    conv = convfig.conv(d.x, d.conv_kernel, padding="same")
    for j in range(4):
        got = {(r, c): t for (jj, r, c), t in lay.grid("dw_output").items() if jj == j}
        assert got == {(r, c): fmt.num(dw[r, c, j]) for r, c in np.ndindex(4, 5)}
        got = {(r, c): t for (jj, r, c), t in lay.grid("output").items() if jj == j}
        assert got == {(r, c): fmt.num(conv[r, c, j]) for r, c in np.ndindex(4, 5)}
    # no mixing: depthwise output channel j has exactly one kernel, under input channel j // multiplier
    assert {(j, c) for j, c, *_ in lay.grid("kernel")} == {(j, c) for j in range(4) for c in range(2)}
    assert {j for j, *_ in lay.grid("dw_kernel")} == set(range(4))
    assert str(convfig.depthwise_params((3, 3), 2, 2)) in lay.text_at(("params", ("depthwise",)))
    assert lay.text_at(("params", ("conv",))).endswith(str(convfig.arithmetic.param_count((3, 3), 2, 4)))


def test_separable_is_depthwise_then_pointwise_with_counts():
    spec = make_spec("separable", {"input": "5x4", "channels": 2, "filters": 3, "depth_multiplier": 2})
    d = separable.compute(spec)
    lay = separable.plan(spec, d)
    out = convfig.separable_conv(d.x, d.dk, d.pk)
    mid = convfig.depthwise_conv(d.x, d.dk)
    for f in range(3):
        got = {(r, c): t for (ff, r, c), t in lay.grid("output").items() if ff == f}
        assert got == {(r, c): fmt.num(out[r, c, f]) for r, c in np.ndindex(*out.shape[:2])}
    for j in range(4):
        got = {(r, c): t for (jj, r, c), t in lay.grid("mid").items() if jj == j}
        assert got == {(r, c): fmt.num(mid[r, c, j]) for r, c in np.ndindex(*mid.shape[:2])}
    assert lay.grid("pointwise") == {(j, f): fmt.num(d.pk[0, 0, j, f]) for j in range(4) for f in range(3)}
    total = convfig.separable_params((3, 3), 2, 3, 2)
    assert lay.text_at(("params", ("separable",))).endswith(str(total))
    assert lay.text_at(("params", ("conv",))).endswith(str(3 * 3 * 2 * 3 + 3))


@pytest.mark.parametrize("kind", ["transpose-stamps", "transpose-conv", "pool", "depthwise", "separable"])
def test_themes_alt_and_determinism(kind):
    light, dark = render(make_spec(kind, {}, "light")), render(make_spec(kind, {}, "dark"))
    assert light.width >= 400 and light.alt == dark.alt
    assert not np.array_equal(light.frames[0], dark.frames[0])
    again = render(make_spec(kind, {}, "light"))
    assert all(np.array_equal(a, b) for a, b in zip(light.frames, again.frames))
    assert all(len(s) > 20 for s in light.steps)


def test_refusals_name_the_parameter():
    with pytest.raises(convfig.ConvfigError, match="output_padding"):
        make_spec("transpose-conv", {"strides": 2, "output_padding": 2})
    with pytest.raises(convfig.ConvfigError, match="mode"):
        render(make_spec("pool", {"mode": "median"}))
    with pytest.raises(convfig.ConvfigError, match="channels"):
        render(make_spec("depthwise", {"channels": 5}))
