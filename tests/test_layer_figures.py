"""Figures of the layers beyond Conv (issue 10), read back through their Layouts and checked against the engine's
public functions (conv_transpose, pool, depthwise_conv, separable_conv, conv) on non-square cases."""

from __future__ import annotations

import dataclasses

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


@pytest.mark.parametrize("params", [{}, TRANSPOSE[1], TRANSPOSE[2]])
def test_transpose_conv_slide_keeps_the_numbers_weights_clear_of_values(params):
    """The slide draws the page's numbers (larger); under the window each weight sits in its cell's corner,
    its ink clear of the cell's value; apart from those, no text touches another or leaves the figure."""
    from slide_checks import clashes

    from convfig.render import canvas
    from convfig.render.layout import Label

    spec = make_spec("transpose-conv", params)
    page, lay = layout_of(spec), layout_of(dataclasses.replace(spec, target="slide"))
    assert len(lay.steps) == len(page.steps)
    last = len(lay.steps) - 1
    for name in ("input", "kernel", "output"):
        assert lay.grid(name, last) == page.grid(name, last), name
    assert lay.at(("input", (0, 0))).size > page.at(("input", (0, 0))).size

    def ink(it):
        x0, y0, x1, y1 = canvas.bbox(canvas._box_text(it) if not isinstance(it, Label) else it)
        return x0 + 3, y0 + 3, x1 - 3, y1 - 3

    side = lay.at(("input", (0, 1))).x - lay.at(("input", (0, 0))).x
    box = next(it for it in lay.keyed() if it.key[0] == "input" and not isinstance(it, Label))
    r0, c0 = box.key[1]
    x_in, y_in = box.x - 1 - c0 * side, box.y - 1 - r0 * side         # the grid's top-left corner
    for t in sorted({0, len(lay.steps) // 2, last}):
        weights = [it for it in lay.steps[t].show if getattr(it, "key", None) and it.key[0] == "weight"]
        assert {it.key[1] for it in weights} == {k[1] for k in lay.steps[t].window}
        for w in weights:
            (r, c), a = w.key[1], ink(w)
            b = ink(lay.at(("input", (r, c))))
            assert a[1] >= b[3] or a[0] >= b[2], (t, w.key, "weight on the value")
            x0, y0 = x_in + c * side, y_in + r * side
            assert x0 - 1 <= a[0] and a[2] <= x0 + side + 1 and y0 - 1 <= a[1] and a[3] <= y0 + side + 1, (t, w.key)
        bare = dataclasses.replace(lay, steps=[dataclasses.replace(st, show=[it for it in st.show if it not in weights])
                                               for st in lay.steps])
        assert not clashes(bare, t), t


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


def _window_keys(st, shape):
    """The engine step's window as the figure's input keys: the real cells of every channel."""
    h, w, ch = shape
    rows = [int(i) for i in st.input_index[0] if 0 <= i < h]
    cols = [int(i) for i in st.input_index[1] if 0 <= i < w]
    return {("input", (q, r, c)) for q in range(ch) for r in rows for c in cols}


def _written_at(lay, t, name):
    return {it.key[1]: it.text for it in lay.steps[t].keep if getattr(it, "key", None) and it.key[0] == name}


def _cells_apart_inside(lay) -> None:
    """Every keyed cell (a Box) seen in the last frame lies inside the figure and overlaps no other one, and each
    text fits its box; no text is drawn over another or cut off in the first and last frames: a broken
    arrangement (page or slide) shows up here."""
    from slide_checks import clashes

    from convfig.render import text as tx
    from convfig.render.layout import Box

    assert not clashes(lay, 0) and not clashes(lay, len(lay.steps) - 1)

    boxes = {it.key: it for it in lay.keyed(len(lay.steps) - 1) if isinstance(it, Box)}
    assert boxes
    for b in boxes.values():
        assert 0 <= b.x and b.x + b.w <= lay.width and 0 <= b.y and b.y + b.h <= lay.height, b.key
        assert tx.width(b.text, b.size, b.bold) <= b.w, b.key
    rects = sorted((b.x, b.y, b.x + b.w, b.y + b.h, k) for k, b in boxes.items())
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            if b[0] >= a[2]:
                break
            assert not (b[1] < a[3] and a[1] < b[3]), (a[4], b[4])


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", [{"input": "4x5", "channels": 2, "depth_multiplier": 2, "padding": "same"},
                                    {"input": "5x6", "channels": 3, "kernel": "2x3", "strides": "2x1"}])
def test_depthwise_next_to_conv_steps_each_channel_alone(params, target):
    spec = dataclasses.replace(make_spec("depthwise", params), target=target)
    d = depthwise.compute(spec)
    lay = depthwise.plan(spec, d)
    ds = d.spec
    c, m = ds.channels, ds.depth_multiplier
    args = {"strides": ds.conv.strides, "padding": ds.conv.padding}
    dw = convfig.depthwise_conv(d.x, d.dw_kernel, **args)
    conv = convfig.conv(d.x, d.conv_kernel, **args)
    oh, ow = dw.shape[:2]
    for j in range(c * m):      # the Conv2D panel is static; the depthwise outputs are written by the steps
        got = {(r, q): t for (jj, r, q), t in lay.grid("conv_output").items() if jj == j}
        assert got == {(r, q): fmt.num(conv[r, q, j]) for r, q in np.ndindex(oh, ow)}
        assert not {k for k in lay.grid("output") if k[0] == j}, "the depthwise maps start empty"
        got = {(r, q): t for (jj, r, q), t in lay.grid("output", len(lay.steps) - 1).items() if jj == j}
        assert got == {(r, q): fmt.num(dw[r, q, j]) for r, q in np.ndindex(oh, ow)}
    tr = convfig.depthwise_trace(d.x, d.dw_kernel, **args)
    assert len(lay.steps) == len(tr) == oh * ow
    for t, st in enumerate(tr.steps):
        assert set(lay.steps[t].window) == _window_keys(st, d.x.shape)
        r, q = st.out_pos
        # one cell per output map, each its own channel's sum: no mixing
        assert _written_at(lay, t, "output") == {(j, r, q): fmt.num(dw[r, q, j]) for j in range(c * m)}
    # no mixing: depthwise output channel j has exactly one kernel, under input channel j // multiplier
    assert {(j, q) for j, q, *_ in lay.grid("kernel")} == {(j, q) for j in range(c * m) for q in range(c)}
    assert {j for j, *_ in lay.grid("dw_kernel")} == set(range(c * m))
    k = ds.kernel_size
    assert str(convfig.depthwise_params(k, c, m)) in lay.text_at(("params", ("depthwise",)))
    assert lay.text_at(("params", ("conv",))).endswith(str(convfig.arithmetic.param_count(k, c, c * m)))
    _cells_apart_inside(lay)


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", [{"input": "5x4", "channels": 2, "filters": 3, "depth_multiplier": 2},
                                    {"input": "4x5", "channels": 3, "filters": 2, "padding": "same",
                                     "strides": 2},
                                    {"channels": 2, "filters": 4}])       # slide: the outputs fold into 2 columns
def test_separable_steps_depthwise_then_pointwise_with_counts(params, target):
    spec = dataclasses.replace(make_spec("separable", params), target=target)
    d = separable.compute(spec)
    lay = separable.plan(spec, d)
    ds = d.spec
    c, m, f = ds.channels, ds.depth_multiplier, d.filters
    args = {"strides": ds.conv.strides, "padding": ds.conv.padding}
    out = convfig.separable_conv(d.x, d.dk, d.pk, **args)
    mid = convfig.depthwise_conv(d.x, d.dk, **args)
    last = len(lay.steps) - 1
    assert not lay.grid("output") and not lay.grid("mid"), "maps and outputs start empty"
    for ff in range(f):
        got = {(r, q): t for (fi, r, q), t in lay.grid("output", last).items() if fi == ff}
        assert got == {(r, q): fmt.num(out[r, q, ff]) for r, q in np.ndindex(*out.shape[:2])}
    for j in range(c * m):
        got = {(r, q): t for (jj, r, q), t in lay.grid("mid", last).items() if jj == j}
        assert got == {(r, q): fmt.num(mid[r, q, j]) for r, q in np.ndindex(*mid.shape[:2])}
    tr = convfig.depthwise_trace(d.x, d.dk, **args)
    assert len(lay.steps) == len(tr) == out.shape[0] * out.shape[1]
    for t, st in enumerate(tr.steps):
        assert set(lay.steps[t].window) == _window_keys(st, d.x.shape)
        r, q = st.out_pos
        assert _written_at(lay, t, "mid") == {(j, r, q): fmt.num(mid[r, q, j]) for j in range(c * m)}
        assert _written_at(lay, t, "output") == {(ff, r, q): fmt.num(out[r, q, ff]) for ff in range(f)}
    assert lay.grid("pointwise") == {(j, ff): fmt.num(d.pk[0, 0, j, ff]) for j in range(c * m) for ff in range(f)}
    k = ds.kernel_size
    total = convfig.separable_params(k, c, f, m)
    assert lay.text_at(("params", ("separable",))).endswith(str(total))
    assert lay.text_at(("params", ("conv",))).endswith(str(convfig.arithmetic.param_count(k, c, f)))
    _cells_apart_inside(lay)


@pytest.mark.parametrize("kind, params", [
    ("depthwise", {"depth_multiplier": 2}), ("depthwise", {"channels": 4}), ("depthwise", {"channels": 1}),
    ("depthwise", {"input": "6x6", "channels": 4, "kernel": 2}), ("depthwise", {"input": "3x3", "kernel": "2x3"}),
    ("separable", {"filters": 4}), ("separable", {"channels": 4, "filters": 4}), ("separable", {"filters": 1}),
    ("separable", {"input": "6x5", "channels": 3, "strides": 2, "padding": "same"}),
    ("separable", {"channels": 1, "filters": 4, "input": "2x2", "kernel": 2})])
def test_depthwise_and_separable_slides_hold_together(kind, params):
    """Slides of larger and odd settings: nothing drawn over anything else or cut off (the numbers may then be
    under 24 px), and still the engine's numbers in the last frame."""
    spec = dataclasses.replace(make_spec(kind, params), target="slide")
    lay = layout_of(spec)
    _cells_apart_inside(lay)
    page = layout_of(make_spec(kind, params))
    last = len(lay.steps) - 1
    assert len(lay.steps) == len(page.steps)
    for name in ("output", "input", "mid", "conv_output", "pointwise"):
        assert lay.grid(name, last) == page.grid(name, last), name


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
