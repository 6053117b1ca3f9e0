"""Conv3D animation: what the figure shows, read through its Layout (GUIDE §7, issue 7)."""

import dataclasses
import itertools

import numpy as np
import pytest
from slide_checks import clashes

import convfig
from convfig.render import fmt
from convfig.render import text as tx
from convfig.render.encode import encode
from convfig.render.protocol import layout_of, render
from convfig.render.registry import canonical_params, conv_spec, make_spec


def _spec(params, theme="light", target="page"):
    """A request drawn for a web page or (target='slide') for a 1920 x 1080 slide: another arrangement."""
    return dataclasses.replace(make_spec("conv3d", params, theme), target=target)


def _positions(params):
    return conv_spec(canonical_params("conv3d", params)).positions


def _trace(params):
    cs = conv_spec(canonical_params("conv3d", params))
    return convfig.trace_example(cs, seed=0)


CASES = [
    {"input": "4x4x4", "kernel": 2},
    {"input": "3x3x3", "kernel": 3, "padding": "same"},
    {"input": "5x5x5", "kernel": 3, "strides": 2, "padding": "same"},
    {"input": "5x4x4", "kernel": "2x2x2", "dilation": "2x1x1"},
    {"input": "3x3x3", "kernel": 2, "channels": 2, "filters": 2},
]

# non-square on every axis: 3x5x7 input, 2x2x3 kernel, strides (1, 1, 2) -> output 2x4x3
NONSQ = {"input": "3x5x7", "kernel": "2x2x3", "strides": "1x1x2"}
NONSQ_PAD = {"input": "2x3x4", "kernel": "2x3x2", "padding": "same"}
NONSQ_CF = {"input": "2x3x4", "kernel": "1x2x2", "channels": 2, "filters": 3}


@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = render(_spec(params))
    n = _positions(params)
    assert len(r.frames) == n == len(r.steps) == len(r.durations_ms)
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    assert r.durations_ms[-1] > r.durations_ms[0]


def test_deterministic_and_themes():
    p = {"input": "3x3x3", "kernel": 2, "padding": "same"}
    a, b = render(_spec(p)), render(_spec(p))
    assert encode(a) == encode(b)
    dark = render(_spec(p, "dark"))
    assert dark.frames[0].shape == a.frames[0].shape
    assert not np.array_equal(dark.frames[0], a.frames[0])
    assert not np.array_equal(a.frames[0], a.frames[1])


def test_fps_is_honoured():
    r = render(_spec({**NONSQ, "fps": 5}))
    assert r.durations_ms[:-1] == [200] * (len(r.frames) - 1)
    assert r.durations_ms[-1] >= 200
    assert len(r.frames) == 2 * 4 * 3


def test_alt_and_steps():
    p = {"input": "4x4x4", "kernel": 2, "strides": 2}
    r = render(_spec(p))
    for word in ("Conv3D", "kernel", "strides", "padding", "4×4×4", "2×2×2", "(2, 2, 2, 1)"):
        assert word in r.alt
    spec = conv_spec(canonical_params("conv3d", p))
    x, k, b = convfig.example(spec, 0)
    out = convfig.conv(x, k, b, strides=2)
    for i, (pos, step) in enumerate(zip(np.ndindex(*spec.out_spatial), r.steps)):
        assert step.startswith(f"Step {i + 1} of 8: output voxel {pos}")
        assert step.endswith(f"the sum is {fmt.num(out[pos][0])}.")


def test_bad_input_rank():
    with pytest.raises(convfig.ConvfigError):
        _spec({"input": "4x4"})
    with pytest.raises(convfig.ConvfigError):
        _spec({"input": "4x4x4", "padding": "causal"})


# ------------------------------------------------------------------ reading the picture through the Layout
@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", [NONSQ, NONSQ_PAD, CASES[2]])
def test_every_output_voxel_shows_the_engine_value_at_its_place(params, target):
    lay = layout_of(_spec(params, target=target))
    cs = conv_spec(canonical_params("conv3d", params))
    x, k, b = convfig.example(cs, 0)
    out = convfig.conv(x, k, b, strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate)
    last = len(lay.steps) - 1
    oD, oH, oW = cs.out_spatial
    assert set(lay.grid("output", last)) == set(np.ndindex(oD, oH, oW))

    def centre(*idx):
        it = lay.at(("output", idx), last)
        return it.x + it.w / 2, it.y + it.h / 2

    for d, r, c in np.ndindex(oD, oH, oW):
        assert lay.text_at(("output", (d, r, c)), last) == fmt.num(out[d, r, c, 0]), (d, r, c)
        x, y = centre(d, r, c)
        if c + 1 < oW:
            xr, yr = centre(d, r, c + 1)
            assert xr > x and yr == y
        if r + 1 < oH:
            xb, yb = centre(d, r + 1, c)
            assert yb > y and xb == x
        if d + 1 < oD:   # the next depth slice is its own grid, further on
            assert centre(d + 1, r, c) != (x, y)


def test_each_step_writes_its_voxel_with_the_traced_sum():
    lay = layout_of(_spec(NONSQ))
    tr = _trace(NONSQ)
    for i, st in enumerate(tr.steps):
        written = [it for it in lay.steps[i].keep if getattr(it, "key", None) and it.key[0] == "output"]
        assert [it.key[1] for it in written] == [tuple(int(v) for v in st.out_pos)]
        assert written[0].text == fmt.num(st.sums[0])
        if i + 1 < len(tr.steps):   # not written before its step
            nxt = tuple(int(v) for v in tr.steps[i + 1].out_pos)
            assert lay.text_at(("output", nxt), i) is None


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", [NONSQ, NONSQ_PAD])
def test_the_window_covers_the_traced_input_cells(params, target):
    lay = layout_of(_spec(params, target=target))
    tr = _trace(params)
    for t, st in enumerate(tr.steps):
        want = tuple(("input", (int(d), int(r), int(c))) for d, r, c in itertools.product(*st.window))
        assert lay.steps[t].window == want, t
        # the highlighted cells of the depth-slice insets are the window's real cells, in every slice shown
        hi = {it.key[1] for it in lay.steps[t].show
              if getattr(it, "key", None) and it.key[0] == "input" and it.fill == "window_fill"}
        real = {(int(d), int(r), int(c)) for (d, r, c), pad in zip(itertools.product(*st.window), st.is_pad.ravel())
                if not pad}
        assert hi == real, t


@pytest.mark.parametrize("target", ["page", "slide"])
def test_slices_show_the_padded_input_and_padding_as_zero(target):
    params = NONSQ_PAD
    lay = layout_of(_spec(params, target=target))
    tr = _trace(params)
    for t in (0, len(tr.steps) // 2, len(tr.steps) - 1):
        shown = lay.grid("input", t)
        depths = {int(d) for d in tr.steps[t].window[0]}
        assert {k[0] for k in shown} == depths
        for (d, r, c), s in shown.items():
            assert s == fmt.num(tr.padded[d, r, c, 0])
        pads = [it for it in lay.steps[t].show if getattr(it, "key", None) and it.key[0] == "input"
                and it.hatch is not None]
        assert pads and all(it.text == "0" and it.dash for it in pads)


@pytest.mark.parametrize("target", ["page", "slide"])
def test_weights_products_and_sums_are_the_trace_numbers(target):
    lay = layout_of(_spec(NONSQ, target=target))
    tr = _trace(NONSQ)
    kD, kH, kW = tr.spec.kernel_size
    for kd, r, c in np.ndindex(kD, kH, kW):
        assert lay.text_at(("kernel", (kd, r, c))) == fmt.num(tr.kernel[kd, r, c, 0, 0])
    for t in (0, 5, len(tr.steps) - 1):
        st = tr.steps[t]
        for kd, r, c in np.ndindex(kD, kH, kW):
            assert lay.text_at(("product", (kd, r, c)), t) == fmt.num(st.products[kd, r, c, 0, 0])
        slice_sums = [float(st.products[kd].sum()) for kd in range(kD)]
        for kd in range(kD):
            assert lay.text_at(("slice_sum", (kd,)), t).endswith(f"slice sum {fmt.num(slice_sums[kd])}")
        pos = ", ".join(str(int(v)) for v in st.out_pos)
        want = f"sum = {' + '.join(fmt.paren(v) for v in slice_sums)} = {fmt.num(st.sums[0])}"
        if target == "slide":     # the sum, and under it the voxel it writes
            assert lay.text_at(("sum", (0,)), t) == want
            assert f"  →  output[{pos}]" in [getattr(it, "text", "") for it in lay.steps[t].show]
        else:
            assert lay.text_at(("sum", (0,)), t) == f"{want}  →  output[{pos}]"
        assert f"the sum is {fmt.num(st.sums[0])}." in lay.steps[t].text
        assert f"add up to {' + '.join(fmt.paren(v) for v in slice_sums)}," in lay.steps[t].text


def test_negative_values_keep_their_minus_sign():
    lay = layout_of(_spec(NONSQ))
    tr = _trace(NONSQ)
    assert (tr.output < 0).any() and (tr.kernel < 0).any()
    last = len(lay.steps) - 1
    shown = lay.grid("output", last)
    assert sum(s.startswith(fmt.MINUS) for s in shown.values()) == int((tr.output < 0).sum())
    assert sum(s.startswith(fmt.MINUS) for s in lay.grid("kernel").values()) == int((tr.kernel < 0).sum())


@pytest.mark.parametrize("target", ["page", "slide"])
def test_channels_and_filters_keys(target):
    lay = layout_of(_spec(NONSQ_CF, target=target))
    tr = _trace(NONSQ_CF)
    last = len(lay.steps) - 1
    oD, oH, oW = tr.spec.out_spatial
    assert set(lay.grid("output", last)) == set(np.ndindex(oD, oH, oW, 3))
    for d, r, c, f in np.ndindex(oD, oH, oW, 3):
        assert lay.text_at(("output", (d, r, c, f)), last) == fmt.num(tr.output[d, r, c, f])
    st = tr.steps[0]
    assert lay.steps[0].window == tuple(("input", (int(d), int(r), int(c), ch))
                                        for d, r, c, ch in itertools.product(*st.window, range(2)))
    for f in range(3):
        assert lay.text_at(("sum", (f,)), 0).startswith(f"filter {f}: sum = ")
        assert lay.text_at(("sum", (f,)), 0).split("  →")[0].endswith(f"= {fmt.num(st.sums[f])}")


@pytest.mark.parametrize("params", [{}, NONSQ, NONSQ_PAD, NONSQ_CF, CASES[2]])
def test_slide_puts_weights_beside_each_depth_slice_in_larger_type(params):
    """On a slide each kernel depth is one row: the input depth slice, then its weights and products to the
    right, tops level, then the slice sum; the rows one under the other, right of the output depth slices;
    every number is larger than on the page, all at one size, each inside its cell; no text covers another
    and nothing leaves the figure."""
    page, slide = layout_of(_spec(params)), layout_of(_spec(params, target="slide"))
    tr = _trace(params)
    kD = tr.spec.kernel_size[0]
    one = tr.spec.channels == 1 and tr.spec.filters == 1
    for kd in range(kD):
        first = (kd, 0, 0) if one else (kd, 0, 0, 0, 0)
        w, p = slide.at(("kernel", first)), slide.at(("product", first), 0)
        cells = [it for it in slide.keyed(0) if it.key[0] == "input" and it.key[1][0] == tr.steps[0].window[0][kd]]
        assert w.x > max(c.x + c.w for c in cells) and w.y == min(c.y for c in cells)
        assert p.x > w.x + w.w and p.y == w.y
        total = slide.at(("slice_sum", (kd,) if one else (kd, 0)), 0)
        assert total.x > p.x + p.w and p.y < total.y < p.y + tr.spec.kernel_size[1] * p.h
        if kd:
            before = slide.at(("kernel", (kd - 1,) + first[1:]))
            assert before.x == w.x and before.y + before.h < min(c.y for c in cells)
    last = len(slide.steps) - 1
    outputs = [it for it in slide.keyed(last) if it.key[0] == "output"]
    assert min(it.x for it in slide.keyed(0) if it.key[0] == "input") > max(o.x + o.w for o in outputs)
    numbers = [it for i in range(last + 1) for it in slide.keyed(i) if any(ch.isdigit() for ch in it.text)]
    assert len({it.size for it in numbers}) == 1
    assert all(tx.width(it.text, it.size, it.bold) <= it.w - 6 for it in numbers if hasattr(it, "w"))
    assert slide.grid("output", last) == page.grid("output", len(page.steps) - 1)
    assert slide.grid("kernel") == page.grid("kernel")

    def smallest(lay, step):
        return min(it.size for it in lay.keyed(step) if any(ch.isdigit() for ch in getattr(it, "text", "")))
    assert smallest(slide, last) > smallest(page, last)
    for step in (0, last):
        assert clashes(slide, step) == [], step
