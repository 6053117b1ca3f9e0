"""Channels × filters animation (convfig.render.kinds.channels) through the renderer protocol.

The picture is read through its Layout: output cell (r, c, f) shows the engine's conv value and sits at
the right place, the window at step t covers the trace's input cells on every channel, per-channel sums
and totals are the trace's numbers, groups sum only their own channels, 1D inputs work.
"""

import dataclasses

import numpy as np
import pytest
from slide_checks import clashes

import convfig
from convfig.render import fmt
from convfig.render.encode import encode
from convfig.render.layout import Box
from convfig.render.protocol import layout_of, render
from convfig.render.registry import conv_spec, make_spec

CASES = [
    {},
    {"input": "5x5", "channels": 3, "filters": 2, "padding": "same"},
    {"input": "5x5", "channels": 1, "filters": 3},
    {"input": "6x6", "channels": 2, "filters": 2, "strides": 2, "padding": "same"},
    {"input": "7x7", "channels": 2, "filters": 1, "dilation": 2},
    {"input": "4x4", "channels": 4, "filters": 2, "groups": 2},
    {"input": "4x4", "channels": 3, "filters": 2, "kernel": 1},
    {"input": "4x4", "channels": 2, "filters": 1, "padding": 1},
    {"input": 8, "kernel": 3, "channels": 2, "filters": 2},
]

# non-square: 5x7 input, 2x3 kernel, strides (1, 2); with padding, with groups, and 1D
NON_SQUARE = [
    {"input": "5x7", "kernel": "2x3", "strides": "1x2", "channels": 2, "filters": 3},
    {"input": "5x7", "kernel": "2x3", "strides": "1x2", "channels": 2, "filters": 2, "padding": "same"},
    {"input": "5x7", "kernel": "2x3", "strides": "1x2", "channels": 4, "filters": 2, "groups": 2, "seed": 3},
    {"input": "4x6", "kernel": "3x2", "channels": 3, "filters": 2, "dilation": "2x1", "padding": 1},
    {"input": 9, "kernel": 3, "strides": 2, "padding": "same", "channels": 2, "filters": 3},
    {"input": 10, "kernel": 2, "dilation": 3, "padding": "causal", "channels": 3, "filters": 1},
]


def _layout(params, target="page"):
    """The Layout of a request on a web page or on a slide (target='slide': another arrangement)."""
    return layout_of(dataclasses.replace(make_spec("channels", params), target=target))


def _engine(params):
    """(ConvSpec, trace, expected output from convfig.conv) for a request."""
    spec = make_spec("channels", params)
    cs = conv_spec(spec.params)
    x, k, b = convfig.example(cs, spec.params["seed"])
    kw = dict(strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate, groups=cs.groups)
    return cs, convfig.trace(x, k, b, **kw), convfig.conv(x, k, b, **kw)


# ------------------------------------------------------------------ the old renderer's checks, kept
@pytest.mark.parametrize("params", CASES)
def test_one_frame_per_output_position(params):
    r = render(make_spec("channels", params))
    n = conv_spec(make_spec("channels", params).params).positions
    assert len(r.frames) == len(r.steps) == len(r.durations_ms) == len(r.layout.steps) == n
    assert r.width >= 400
    assert all(f.shape == r.frames[0].shape and f.dtype == np.uint8 for f in r.frames)
    assert r.durations_ms[-1] > r.durations_ms[0] or n == 1
    assert r.svg is None


def test_steps_carry_the_engine_sums():
    params = {"input": "5x5", "channels": 3, "filters": 2, "padding": "same"}
    cs, t, out = _engine(params)
    r = render(make_spec("channels", params))
    for st, text in zip(t.steps, r.steps, strict=True):
        pos = ", ".join(str(p) for p in st.out_pos)
        assert text.startswith(f"Output position ({pos}):")
        for f in range(cs.filters):
            partial = [st.products[..., c, f].sum() for c in range(cs.channels)]
            assert f"filter {f}: {fmt.signed_sum(partial)} = {fmt.num(st.sums[f])}" in text
    assert np.allclose(t.output, out)


def test_groups_only_sum_the_groups_channels():
    r = render(make_spec("channels", {"input": "4x4", "channels": 4, "filters": 2, "groups": 2}))
    # 2 channels per group: each filter sums exactly two partial sums
    for text in r.steps:
        for part in text.rstrip(".").split(": ", 1)[1].split("; "):
            expr = part.split(": ", 1)[1].split(" = ")[0]
            assert expr.count(" + ") + expr.count(f" {fmt.MINUS} ") == 1
    assert "groups=2" in r.alt


def test_alt_mentions_parameters_and_shapes():
    r = render(make_spec("channels", {"input": "5x5", "channels": 3, "filters": 2, "padding": "same"}))
    for word in ("Conv2D", "filters=2", "kernel_size=3", "padding='same'", "(5, 5, 3)", "(5, 5, 2)",
                 "last dimension", "56 parameters"):
        assert word in r.alt


def test_deterministic_and_themes():
    a, b = render(make_spec("channels", {})), render(make_spec("channels", {}))
    assert all(np.array_equal(x, y) for x, y in zip(a.frames, b.frames, strict=True))
    assert encode(a)["gif"] == encode(b)["gif"]
    d = render(make_spec("channels", {}, "dark"))
    assert d.frames[0].shape == a.frames[0].shape
    assert not np.array_equal(a.frames[0], d.frames[0])
    assert encode(a)["gif"] != encode(d)["gif"]
    assert not np.array_equal(a.frames[0], a.frames[1])


def test_one_dimensional_input_works():
    r = render(make_spec("channels", {"input": [8], "kernel": [3], "channels": 2, "filters": 2}))
    assert len(r.frames) == convfig.ConvSpec.make((8,), 3, channels=2, filters=2).positions == 6
    assert "Conv1D" in r.alt


@pytest.mark.parametrize("params", [
    {"input": [4, 4], "channels": 9, "filters": 1},
    {"input": [4, 4], "channels": 1, "filters": 9},
    {"input": [4, 4, 4], "channels": 1, "filters": 1},
    {"input": [4, 4], "channels": 3, "filters": 2, "groups": 2},
])
def test_bad_requests_raise(params):
    with pytest.raises(convfig.ConvfigError):
        render(make_spec("channels", params))


# ------------------------------------------------------------------ reading the picture through the Layout
def _out_index(pos, f):
    return tuple(int(p) for p in pos) + (f,)


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", NON_SQUARE)
def test_every_output_cell_shows_the_engines_value_at_its_place(params, target):
    cs, t, out = _engine(params)
    lay = _layout(params, target)
    last = len(lay.steps) - 1
    shown = lay.grid("output", last)
    assert set(shown) == {_out_index(pos, f) for pos in np.ndindex(*cs.out_spatial) for f in range(cs.filters)}
    for idx, text in shown.items():
        assert text == fmt.num(out[idx]), f"output {idx}"
    for idx in shown:
        box = lay.at(("output", idx), last)
        assert isinstance(box, Box)
        *pos, f = idx
        right = tuple(pos[:-1]) + (pos[-1] + 1, f)
        if right in shown:                              # next column: same row, to the right
            nb = lay.at(("output", right), last)
            assert nb.y == box.y and nb.x == box.x + box.w
        if cs.rank == 2 and (pos[0] + 1, pos[1], f) in shown:   # next row: same column, below
            nb = lay.at(("output", (pos[0] + 1, pos[1], f)), last)
            assert nb.x == box.x and nb.y == box.y + box.h
        if f + 1 < cs.filters:                          # the next filter's map is below this one
            assert lay.at(("output", tuple(pos) + (f + 1,)), last).y > box.y


@pytest.mark.parametrize("params", NON_SQUARE)
def test_output_cells_appear_in_order(params):
    cs, t, _ = _engine(params)
    lay = layout_of(make_spec("channels", params))
    for i, st in enumerate(t.steps):
        written = set(lay.grid("output", i))
        assert written == {_out_index(s.out_pos, f) for s in t.steps[:i + 1] for f in range(cs.filters)}
        for f in range(cs.filters):     # the current cell of every map is the bold "being written" one
            cur = lay.at(("output", _out_index(st.out_pos, f)), i)
            assert cur.bold and cur.fill == "output_new" and cur in lay.steps[i].show


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", NON_SQUARE)
def test_window_at_each_step_covers_the_traces_cells_on_every_channel(params, target):
    cs, t, _ = _engine(params)
    lay = _layout(params, target)
    for st, step in zip(t.steps, lay.steps, strict=True):
        cells = {tuple(int(st.window[ax][k[ax]]) for ax in range(cs.rank)) for k in np.ndindex(*cs.kernel_size)}
        want = {("input", cell + (ch,)) for cell in cells for ch in range(cs.channels)}
        assert set(step.window) == want and len(step.window) == len(want)
        # independent of the trace: window start = position × stride, cells dilation apart
        start = tuple(p * s for p, s in zip(st.out_pos, cs.strides))
        assert min(k[1][:cs.rank] for k in step.window) == start
        # the lit cells are exactly those keys, each showing the padded input's value
        lit = {it.key: it.text for it in step.show if isinstance(it, Box) and it.key and it.key[0] == "input"}
        assert set(lit) == want
        for key, text in lit.items():
            assert text == fmt.num(t.padded[key[1]])


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", NON_SQUARE)
def test_window_outline_frames_the_read_cells_on_every_channel(params, target):
    cs, t, _ = _engine(params)
    lay = _layout(params, target)
    assert len(lay.steps) == len(t.steps)
    for step in lay.steps:
        outlines = [it for it in step.show if isinstance(it, Box) and it.edge == "window" and not it.fill]
        assert len(outlines) == cs.channels
        for ch, box in enumerate(outlines):
            cells = [lay.at(k) for k in step.window if k[1][-1] == ch]
            assert box.x == min(c.x for c in cells) and box.y == min(c.y for c in cells)
            assert box.x + box.w == max(c.x + c.w for c in cells) and box.y + box.h == max(c.y + c.h for c in cells)


@pytest.mark.parametrize("params", NON_SQUARE[:1] + NON_SQUARE[4:5])
def test_input_cells_sit_in_rows_and_columns_channels_side_by_side(params):
    cs, t, _ = _engine(params)
    lay = layout_of(make_spec("channels", params))
    *space, n_ch = t.padded.shape
    for idx in np.ndindex(*t.padded.shape):
        *pos, ch = idx
        box = lay.at(("input", idx))
        right = tuple(pos[:-1]) + (pos[-1] + 1, ch)
        if pos[-1] + 1 < space[-1]:
            nb = lay.at(("input", right))
            assert nb.y == box.y and nb.x == box.x + box.w
        if cs.rank == 2 and pos[0] + 1 < space[0]:
            nb = lay.at(("input", (pos[0] + 1, pos[1], ch)))
            assert nb.x == box.x and nb.y == box.y + box.h
        if ch + 1 < n_ch:       # the next channel is a card to the right, rows level
            nb = lay.at(("input", tuple(pos) + (ch + 1,)))
            assert nb.y == box.y and nb.x > box.x + (space[-1] - pos[-1]) * box.w - 1


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", NON_SQUARE)
def test_inputs_and_kernel_slices_show_the_engines_numbers(params, target):
    cs, t, _ = _engine(params)
    lay = _layout(params, target)
    inputs = lay.grid("input")
    assert inputs == {idx: fmt.num(t.padded[idx]) for idx in np.ndindex(*t.padded.shape)}
    pads = [b for b, _ in cs.pads]
    for idx in inputs:      # padding cells (outside the unpadded input) are hatched and dashed
        real = [i - p for i, p in zip(idx[:cs.rank], pads)]
        is_pad = not all(0 <= i < n for i, n in zip(real, cs.input_shape))
        box = lay.at(("input", idx))
        assert (box.hatch == "pad_hatch") == is_pad and box.dash == is_pad
    assert lay.grid("kernel") == {idx: fmt.num(t.kernel[idx]) for idx in np.ndindex(*t.kernel.shape)}
    # kernel cell (.., c + 1, ..) sits right of (.., c, ..)
    k0 = lay.at(("kernel", (0,) * (cs.rank + 2)))
    k1 = lay.at(("kernel", (0,) * (cs.rank - 1) + (1, 0, 0)))
    assert k1.x == k0.x + k0.w and k1.y == k0.y


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", NON_SQUARE)
def test_sums_and_step_sentences_carry_the_traces_numbers(params, target):
    cs, t, out = _engine(params)
    lay = _layout(params, target)
    cg, fg = cs.channels // cs.groups, cs.filters // cs.groups
    for i, st in enumerate(t.steps):
        text = lay.steps[i].text
        assert text.startswith(f"Output position ({', '.join(str(int(p)) for p in st.out_pos)}):")
        for f in range(cs.filters):
            grp = f // fg
            partial = [float(st.products[..., cl, f].sum()) for cl in range(cg)]
            for cl, v in enumerate(partial):
                assert lay.text_at(("sum", (grp * cg + cl, f)), i) == f"sum = {fmt.num(v)}"
            others = [c for c in range(cs.channels) if c // cg != grp]
            assert all(lay.text_at(("sum", (c, f)), i) is None for c in others)
            assert lay.text_at(("total", (f,)), i) == f"= {fmt.num(st.sums[f])}"
            assert st.sums[f] == out[_out_index(st.out_pos, f)]
            assert f"filter {f}: {fmt.signed_sum(partial)} = {fmt.num(st.sums[f])}" in text


def test_negative_values_keep_their_minus_sign():
    params = NON_SQUARE[0]
    _, _, out = _engine(params)
    lay = layout_of(make_spec("channels", params))
    shown = lay.grid("output", len(lay.steps) - 1)
    negatives = [idx for idx in np.ndindex(*out.shape) if out[idx] < 0]
    assert negatives, "the case needs negative outputs"
    assert all(shown[idx].startswith(fmt.MINUS) for idx in negatives)
    assert any(fmt.MINUS in t for t in lay.grid("kernel").values())


def test_groups_leave_other_channels_out_of_each_filter():
    params = NON_SQUARE[2]
    cs, t, out = _engine(params)
    lay = layout_of(make_spec("channels", params))
    labels = [it.text for it in lay.items if getattr(it, "text", "") == "not in"]
    assert len(labels) == cs.filters * (cs.channels - cs.channels // cs.groups)
    assert len(lay.grid("kernel")) == t.kernel.size


@pytest.mark.parametrize("fps", [1, 5, 10])
def test_fps_is_honoured(fps):
    r = render(make_spec("channels", {**NON_SQUARE[0], "fps": fps}))
    assert r.durations_ms[:-1] == [round(1000 / fps)] * (len(r.frames) - 1)
    assert r.durations_ms[-1] >= round(1000 / fps)


def test_non_square_bytes_deterministic_and_frame_count():
    spec = make_spec("channels", NON_SQUARE[0])
    a, b = render(spec), render(spec)
    assert encode(a)["gif"] == encode(b)["gif"]
    assert len(a.frames) == conv_spec(spec.params).positions == 4 * 3
    dark = render(make_spec("channels", NON_SQUARE[0], "dark"))
    assert encode(dark)["gif"] != encode(a)["gif"]


@pytest.mark.parametrize("params", [{}, NON_SQUARE[0], CASES[2], CASES[3]])
def test_slide_puts_the_filter_rows_beside_the_inputs_in_larger_type(params):
    """On a slide the filter rows stand to the right of the input channels (level with them) and every
    number is larger than on the page; no text covers another and nothing leaves the figure."""
    cs, t, _ = _engine(params)
    page, slide = _layout(params), _layout(params, "slide")
    last = len(slide.steps) - 1
    right_of_inputs = max(b.x + b.w for b in (slide.at(("input", k)) for k in np.ndindex(*t.padded.shape)))
    kernel = [slide.at(("kernel", k)) for k in np.ndindex(*t.kernel.shape)]
    assert min(b.x for b in kernel) > right_of_inputs
    assert min(b.y for b in kernel) == slide.at(("input", (0,) * t.padded.ndim)).y
    assert slide.grid("output", last) == page.grid("output", len(page.steps) - 1)
    assert slide.grid("kernel") == page.grid("kernel") and slide.grid("input") == page.grid("input")

    def smallest(lay):
        return min(it.size for it in lay.keyed(last) if any(ch.isdigit() for ch in getattr(it, "text", "")))
    assert smallest(slide) > smallest(page)
    assert slide.width / slide.height > page.width / page.height
    for step in (0, last):
        assert clashes(slide, step) == [], step


@pytest.mark.parametrize("params", [{}, CASES[1], CASES[5], CASES[8], NON_SQUARE[1]])
def test_slide_numbers_share_one_large_size_and_fit_their_cells(params):
    """Slide: every keyed number (input, weight, output, partial sum, total) is drawn at the same size, the
    largest on the figure's cells; each fits its cell (the cells widen for the widest number), and each
    filter's arrow starts right of its widest total."""
    from convfig.render import text as tx
    from convfig.render.layout import Label, Line

    _, t, _ = _engine(params)
    slide, page = _layout(params, "slide"), _layout(params)
    sizes = set()
    for i in range(len(slide.steps)):
        for it in slide.keyed(i):
            sizes.add(it.size)
            if isinstance(it, Box):
                assert tx.width(it.text, it.size, it.bold) <= it.w - 3, it.key
    assert len(sizes) == 1 and sizes.pop() > max(it.size for it in page.keyed(0))
    totals = [it for st in slide.steps for it in st.show if isinstance(it, Label) and it.key and it.key[0] == "total"]
    arrows = [it for it in slide.items if isinstance(it, Line) and it.arrow]
    assert len(arrows) == t.output.shape[-1]
    for a in arrows:
        row = [lab for lab in totals if abs(lab.y - a.points[0][1]) < 1]
        assert row and a.points[0][0] > max(lab.x + tx.width(lab.text, lab.size, True) for lab in row)
