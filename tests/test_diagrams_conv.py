"""padding-modes, coverage, strides and dilation diagrams: the engine's numbers, read back through the Layout
(what each keyed cell shows and where it sits), on non-square cases; PNG + SVG of the same Layout."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from functools import cache

import numpy as np
import pytest

import convfig
from convfig import arithmetic
from convfig.render import canvas, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Label, Layout
from convfig.render.protocol import layout_of, render
from convfig.render.registry import DIAGRAM_KINDS, make_spec
from convfig.render.style import DARK, LIGHT, contrast_ratio, get_theme

KINDS = ("padding-modes", "coverage", "strides", "dilation")
CASES = [
    ("padding-modes", {}),
    ("padding-modes", {"input": 7, "kernel": 4}),
    ("padding-modes", {"input": 9, "kernel": 3, "strides": 2}),
    ("padding-modes", {"input": 8, "kernel": 3, "dilation": 2}),
    ("padding-modes", {"input": 3, "kernel": 4}),
    ("coverage", {}),
    ("coverage", {"input": "6x6", "kernel": 3, "padding": "valid"}),
    ("coverage", {"input": "7x7", "kernel": 3, "strides": 3, "padding": "valid"}),
    ("coverage", {"input": "5x7", "kernel": "2x3", "strides": "1x2"}),
    ("strides", {}),
    ("strides", {"input": "7x7", "kernel": 3, "strides": 3}),
    ("strides", {"input": "6x6", "kernel": 3, "strides": 2, "padding": "same"}),
    ("strides", {"input": "5x7", "kernel": "2x3", "strides": "1x2"}),
    ("dilation", {}),
    ("dilation", {"input": "9x9", "kernel": 3, "dilation": 3}),
    ("dilation", {"input": "6x8", "kernel": "2x3", "dilation": "1x2", "padding": "same"}),
]
IDS = [f"{k}-{i}" for i, (k, _) in enumerate(CASES)]
NON_SQUARE = {"input": "5x7", "kernel": "2x3", "strides": "1x2"}


def _render(kind, params, theme="light"):
    return _cached(kind, json.dumps(params, sort_keys=True), theme)


@cache
def _cached(kind, params_json, theme):
    return render(make_spec(kind, json.loads(params_json), theme))


def _layout(kind, params, target: str = "page") -> Layout:
    return layout_of(dataclasses.replace(make_spec(kind, params), target=target))


def _engine(params, **over):
    """The engine's ConvSpec for figure params (strings like '5x7' as the registry reads them)."""
    return convfig.render.registry.conv_spec(make_spec("conv2d", {**params, **over}).params)


def _centre(b: Box) -> tuple[float, float]:
    """Where a cell's text sits (a keyed cell may be drawn as an inset box over its outline)."""
    return b.x + b.w / 2, b.y + b.h / 2


def _texts(layout: Layout) -> list[str]:
    return sorted(it.text for it in layout.items if isinstance(it, Box | Label) and it.text.strip())


# ------------------------------------------------------------------ every diagram


def test_every_diagram_kind_is_covered():
    model_kinds = {"receptive-field", "model-shapes", "dims"}       # tested in test_diagrams_model.py
    assert {k for k, _ in CASES} == set(KINDS) and set(KINDS) | model_kinds <= set(DIAGRAM_KINDS)


@pytest.mark.parametrize("kind,params", CASES[::2], ids=IDS[::2])
def test_deterministic_and_themed(kind, params):
    a, b = _render(kind, params), render(make_spec(kind, params, "light"))
    assert np.array_equal(a.frames[0], b.frames[0]) and a.svg == b.svg
    d = _render(kind, params, "dark")
    assert not np.array_equal(a.frames[0], d.frames[0]) and a.svg != d.svg
    assert a.frames[0][2, 2].tolist() == [255, 255, 255]
    assert d.frames[0][2, 2].tolist() == list(bytes.fromhex(DARK.bg[1:]))


@pytest.mark.parametrize("kind,params", [
    ("coverage", {"input": [7]}),
    ("strides", {"input": [20, 20], "kernel": [1, 1], "strides": [1, 1]}),
    ("dilation", {"input": [4, 4], "kernel": [3, 3], "dilation": [3, 3]}),
    ("padding-modes", {"input": 8, "kernel": 3, "strides": 2, "dilation": 2}),
])
def test_bad_params_raise_convfig_error(kind, params):
    with pytest.raises(convfig.ConvfigError):
        render(make_spec(kind, params))


# ------------------------------------------------------------------ padding-modes


def test_padding_modes_pads_and_lengths_from_engine():
    r = _render("padding-modes", {"input": 7, "kernel": 4})
    for mode in ("valid", "same", "causal", "full"):
        spec = convfig.ConvSpec.make((7,), 4, padding=mode)
        (before, after), = spec.pads
        assert f"{mode}: pad {before} before and {after} after, output length {spec.out_spatial[0]}" in r.alt
    assert "full is for comparison" in r.alt
    assert "same: pad 1 before and 2 after, output length 7" in r.alt     # Keras: n=7, k=4 -> (1, 2)


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", [{"input": 8, "kernel": 4, "dilation": 2}, {"input": 9, "kernel": 2, "strides": 3},
                                    {"input": 7, "kernel": 4}, {"input": 24, "kernel": 3}])
def test_padding_modes_rows_show_the_trace(params, target):
    """Per mode: the padded input, the outputs under the first cell each window reads, the pads sentence and
    the brackets over the first and last windows, all from the engine."""
    lay = _layout("padding-modes", params, target)
    spec = make_spec("padding-modes", params).params
    for mode in ("valid", "same", "causal", "full"):
        cs = convfig.render.registry.conv_spec({**spec, "padding": mode})
        tr = convfig.trace_example(cs, spec["seed"])
        (pb, pa), = cs.pads
        n_out = cs.out_spatial[0]
        assert lay.text_at(("pads", (mode,))) == f"pad {pb} before / {pa} after → output length {n_out}"
        inp = lay.grid(f"input-{mode}")
        assert inp == {(j,): _num(v) for j, v in enumerate(tr.padded[:, 0])}
        hatched = {it.key[1][0] for it in lay.items if getattr(it, "key", None) and it.key[0] == f"input-{mode}"
                   and isinstance(it, Box) and it.hatch is not None}
        assert hatched == set(range(pb)) | set(range(pb + params["input"], pb + params["input"] + pa))
        assert lay.grid(f"output-{mode}") == {(o,): _num(tr.output[o, 0]) for o in range(n_out)}
        for st in tr.steps:
            # issue 11, 4c: causal outputs sit under the last cell they read ("now"), the others under the first
            j = int(st.window[0][-1 if mode == "causal" else 0])
            out, cell = lay.at(("output-" + mode, (st.index,))), lay.at((f"input-{mode}", (j,)))
            assert _centre(out)[0] == _centre(cell)[0] and out.y > cell.y, \
                "an output sits under the first cell its window reads (causal: the last)"
            if mode == "causal":
                assert j - pb == st.index * cs.strides[0], "causal output t sits under input step t"
        for st, side in ((tr.steps[0], "left"), (tr.steps[-1], "right")):
            label = lay.at((f"window-{mode}", (st.index,)))
            assert label.text == f"out[{st.index}]"
            cells = [lay.at((f"input-{mode}", (int(j),))) for j in st.window[0]]
            if side == "left":
                assert label.x == pytest.approx(_centre(cells[0])[0] - 6)
            else:
                assert label.x == pytest.approx(_centre(cells[-1])[0] + 6)


@pytest.mark.parametrize("k,d", [(3, 2), (4, 3), (3, 1)])
def test_padding_modes_full_pad_rule_names_the_dilation(k, d):
    """issue 11, 4b: 'full' pads (k−1)·d, not k−1, when the kernel is dilated; the number is the engine's."""
    lay = _layout("padding-modes", {"input": 9, "kernel": k, "dilation": d})
    (pb, pa), = convfig.ConvSpec.make((9,), k, padding="full", dilation_rate=d).pads
    feet = " ".join(it.text for it in lay.items if isinstance(it, Label))
    rule = "(k−1)·d" if d > 1 else "k−1"
    assert pb == pa == (k - 1) * d
    assert f"'full' pads {rule} = {pb} on both sides" in feet and f"padding={rule})" in feet
    slide = " ".join(it.text for it in _layout("padding-modes", {"input": 9, "kernel": k, "dilation": d}, "slide").items
                     if isinstance(it, Label))
    assert f"pads {rule} = {pb} on both sides: PyTorch padding={rule}," in slide
    if d > 1:
        assert f"pads k−1 = {pb}" not in feet


@pytest.mark.parametrize("target", ["page", "slide"])
def test_padding_modes_valid_without_output(target):
    lay = _layout("padding-modes", {"input": 3, "kernel": 4}, target)
    assert "no output" in lay.text_at(("pads", ("valid",)))
    assert lay.grid("output-valid") == {} and lay.grid("input-valid") == {}
    assert "valid: no output" in lay.alt


@pytest.mark.parametrize("params, cols", [({}, 2), ({"input": 7, "kernel": 4}, 2), ({"input": 30, "kernel": 7}, 1)])
def test_padding_modes_slide_grid(params, cols):
    """On a slide the modes stand on a 2 x 2 grid in reading order (a long input: one column); the blocks do not
    overlap and everything is inside the figure."""
    lay = _layout("padding-modes", params, "slide")
    first = {m: lay.at((f"input-{m}", (0,))) for m in ("valid", "same", "causal", "full")}
    heads = {m: next(it for it in lay.items if isinstance(it, Label) and it.text.startswith(f"padding='{m}'"))
             for m in first}
    if cols == 2:
        assert heads["same"].y == heads["valid"].y and heads["full"].y == heads["causal"].y > heads["valid"].y
        assert heads["same"].x == heads["full"].x > heads["valid"].x == heads["causal"].x
        assert first["valid"].x + 7 * first["valid"].w < heads["same"].x, "the left column ends before the right"
    else:
        ys = [heads[m].y for m in ("valid", "same", "causal", "full")]
        assert ys == sorted(ys) and len({h.x for h in heads.values()}) == 1
    for upper, lower in (("valid", "causal"), ("same", "full")) if cols == 2 else (("valid", "same"),):
        bottom = max(b.y + b.h for b in lay.keyed() if isinstance(b, Box) and b.key[0] == f"output-{upper}")
        assert bottom < heads[lower].y
    right, bottom = parts.extent(lay.items)
    assert right <= lay.width and bottom <= lay.height
    for b in lay.keyed():               # every number inside its cell (a wide one in a smaller size)
        if isinstance(b, Box) and b.text:
            assert tx.width(b.text, b.size) <= b.w, b
    page = _layout("padding-modes", params)
    sizes = [min(b.size for b in la.keyed() if isinstance(b, Box)) for la in (lay, page)]
    assert sizes[0] > sizes[1], "the slide's cells have larger numbers"
    labels = [it.size for it in lay.keyed() if isinstance(it, Label)]
    assert min(labels) >= 0.85 * max(b.size for b in lay.keyed() if isinstance(b, Box)), \
        "the pads sentences and out[o] labels are read from the back row too: about as large as the cells"


def _num(v) -> str:
    return convfig.render.fmt.num(v)


# ------------------------------------------------------------------ coverage


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("padding", ["same", "valid", "causal"])
def test_coverage_cells_show_the_engine_counts(padding, target):
    """The same numbers in the same places on the page and on the slide (larger cells and type there)."""
    params = {**NON_SQUARE, "padding": padding} if padding != "causal" else {**NON_SQUARE, "padding": [[1, 0], [2, 1]]}
    cs = _engine(params)
    cov = arithmetic.coverage_map(cs)
    lay = _layout("coverage", params, target)
    if target == "slide":
        page = _layout("coverage", params)
        for key in [("coverage", (0, 0)), ("fact", ("corner",))]:
            assert lay.at(key).size > page.at(key).size
        assert lay.at(("coverage", (0, 0))).w > page.at(("coverage", (0, 0))).w
    n0, n1 = cs.input_shape
    assert lay.grid("coverage") == {(r, c): str(int(cov[r, c])) for r in range(n0) for c in range(n1)}
    pitch = lay.at(("coverage", (0, 1))).x - lay.at(("coverage", (0, 0))).x
    assert pitch > 0
    for r, c in itertools.product(range(n0), range(n1)):
        b = lay.at(("coverage", (r, c)))
        if c + 1 < n1:
            right = lay.at(("coverage", (r, c + 1)))
            assert right.x == b.x + pitch and right.y == b.y
        if r + 1 < n0:
            below = lay.at(("coverage", (r + 1, c)))
            assert below.y == b.y + pitch and below.x == b.x
    (pt, _), (pl, _) = cs.pads
    hp, wp = cs.padded_shape
    assert len(lay.grid("padding")) == hp * wp - n0 * n1
    ox, oy = _centre(lay.at(("coverage", (0, 0))))
    for (r, c) in lay.grid("padding"):
        pad = lay.at(("padding", (r, c)))
        assert not (pt <= r < pt + n0 and pl <= c < pl + n1)
        assert (_centre(pad)[0] - ox, _centre(pad)[1] - oy) == ((c - pl) * pad.w, (r - pt) * pad.h)
    corner, mid, centre = int(cov[0, 0]), int(cov[0, n1 // 2]), int(cov[n0 // 2, n1 // 2])
    assert lay.text_at(("fact", ("corner",))) == f"read {corner}×"
    assert lay.text_at(("fact", ("edge",))) == f"read {mid}×"
    assert lay.text_at(("fact", ("centre",))) == f"read {centre}×"
    assert lay.text_at(("fact", ("windows",))) == f"{cs.positions} (output {cs.out_spatial[0]}×{cs.out_spatial[1]})"
    assert len(lay.grid("scale")) == 2 * 3 + 1


@pytest.mark.parametrize("params", [{}, NON_SQUARE, {"input": "12x9", "kernel": 3, "strides": 3, "padding": "valid"},
                                    {"input": "9x9", "kernel": 7, "padding": "same"}])
def test_coverage_slide_holds_together(params):
    """Slides of small, narrow and wide-kernel cases: no text on another or outside the figure (the long title of a
    narrow grid widens the slide figure)."""
    from slide_checks import clashes

    assert not clashes(_layout("coverage", params, "slide"), None)


def test_coverage_counts_are_the_engines(monkeypatch):
    spec = convfig.ConvSpec.make((6, 6), 3, padding="valid")
    cov = arithmetic.coverage_map(spec)
    r = _render("coverage", {"input": "6x6", "kernel": 3, "padding": "valid"})
    assert f"Corner {cov[0, 0]}, middle of an edge {cov[0, 3]}, centre {cov[3, 3]}, at most 9" in r.alt
    assert (cov[0, 0], cov[3, 3]) == (1, 9)
    fake = np.full((6, 6), 5, dtype=int)       # the figure draws whatever coverage_map says
    fake[0, 0] = 7
    monkeypatch.setattr(arithmetic, "coverage_map", lambda s: fake)
    lay = _layout("coverage", {"input": "6x6", "kernel": 3, "padding": "valid"})
    assert "Corner 7," in lay.alt and lay.text_at(("coverage", (0, 0))) == "7"
    assert lay.text_at(("coverage", (5, 5))) == "5"


def test_coverage_same_evens_out_and_compares():
    lay = _layout("coverage", {"input": "5x5", "kernel": 3, "padding": "same"})
    assert "Corner 4, middle of an edge 6, centre 9" in lay.alt
    valid = arithmetic.coverage_map(convfig.ConvSpec.make((5, 5), 3))
    assert lay.text_at(("fact", ("other",))) == f"corner {valid[0, 0]}×, centre {valid[2, 2]}×"


def test_coverage_never_read_cells_are_marked():
    lay = _layout("coverage", {"input": "7x7", "kernel": 3, "strides": 3, "padding": "valid"})
    cov = arithmetic.coverage_map(convfig.ConvSpec.make((7, 7), 3, strides=3))
    zeros = int((cov == 0).sum())
    assert lay.text_at(("fact", ("never",))) == f"{zeros} cells (dashed)"
    dashed = [it for it in lay.items if isinstance(it, Box) and it.dash and it.edge == "window"]
    assert len(dashed) == zeros
    assert "strides=3" in lay.items[0].text


@pytest.mark.parametrize("params", [{}, {"input": "6x6", "kernel": 5, "padding": "valid"}, NON_SQUARE,
                                    {"input": "9x9", "kernel": 5, "strides": 2, "padding": "same"}])
def test_text_contrast_of_coverage_ramp(params):
    lay = _layout("coverage", params)
    cells = [it for it in lay.items if isinstance(it, Box) and it.text and it.key and it.key[0] == "coverage"]
    assert cells
    for theme in (LIGHT, DARK):
        for it in cells:
            assert contrast_ratio(canvas.resolve(it.color, theme), canvas.resolve(it.fill, theme)) >= 4.5, it
    for theme in (LIGHT, DARK):
        for kmax in range(1, 50):
            lum = []
            for v in range(kmax + 1):
                fill, ink = parts.ramp(v / kmax)
                assert contrast_ratio(canvas.resolve(ink, theme), canvas.resolve(fill, theme)) >= 4.5
                lum.append(contrast_ratio(canvas.resolve(fill, theme), theme.bg))
            assert lum == sorted(lum), "the ramp moves away from the background as the count grows"


# ------------------------------------------------------------------ strides


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", [NON_SQUARE, {"input": "5x6", "kernel": "3x2", "strides": "2x1", "padding": "same"},
                                    {"input": "10x14", "kernel": "3x2", "strides": "2x3"}])
def test_strides_panels_show_each_window(params, target):
    cs = _engine(params)
    tr = convfig.trace_example(cs, 0)
    lay = _layout("strides", params, target)
    (pt, _), (pl, _) = cs.pads
    hp, wp = cs.padded_shape
    boxes = {it.key: it for it in lay.items if isinstance(it, Box) and it.key}
    for st in tr.steps:
        r, c = st.out_pos
        read = {k[1][2:] for k, b in boxes.items() if k[0] == "input" and k[1][:2] == (r, c) and
                b.fill == "window_fill"}
        assert read == {(int(a), int(b)) for a, b in itertools.product(*st.window)}, "the cells this window reads"
        assert len([k for k in boxes if k[0] == "input" and k[1][:2] == (r, c)]) == hp * wp
        win, first = lay.at(("window", (r, c))), lay.at(("input", (r, c, int(st.window[0][0]), int(st.window[1][0]))))
        assert (win.x, win.y) == (first.x, first.y)
        assert (win.w, win.h) == (cs.kernel_size[1] * first.w, cs.kernel_size[0] * first.h)
        start = "(" + ", ".join(_num(int(s) - p) for s, p in zip(st.start, (pt, pl))) + ")"
        assert lay.text_at(("start", (r, c))) == start
        origin = lay.at(("input", (r, c, 0, 0)))
        if c + 1 < cs.out_spatial[1]:
            nxt = lay.at(("input", (r, c + 1, 0, 0)))
            assert nxt.x > origin.x + wp * origin.w and nxt.y == origin.y
        if r + 1 < cs.out_spatial[0]:
            nxt = lay.at(("input", (r + 1, c, 0, 0)))
            assert nxt.y > origin.y + hp * origin.h and nxt.x == origin.x
        label = lay.at(("start", (r, c)))             # the start label: over its own thumbnail, clear of the others
        assert label.y + label.h <= origin.y and label.x + label.w / 2 == pytest.approx(origin.x + wp * origin.w / 2)
        if c + 1 < cs.out_spatial[1]:
            assert label.x + label.w < lay.at(("start", (r, c + 1))).x
        if target == "slide":
            assert label.size == lay.at(("starts", ())).size, "the slide's start labels are as large as its side text"
    right, bottom = parts.extent(lay.items)
    assert right <= lay.width and bottom <= lay.height, "nothing is cut off"


def test_strides_start_labels_on_padding_are_negative():
    lay = _layout("strides", {"input": "5x5", "kernel": 3, "strides": 2, "padding": [[1, 1], [1, 1]]})
    assert lay.text_at(("start", (0, 0))) == "(−1, −1)"
    assert lay.text_at(("start", (0, 1))) == "(−1, 1)"


def test_strides_compare_output_sizes():
    lay = _layout("strides", NON_SQUARE)
    for s in (1, 2, 3):
        cs = _engine(NON_SQUARE, strides=s)
        text = lay.text_at(("compare", (s,)))
        assert text.startswith(f"strides={s} → output {cs.out_spatial[0]}×{cs.out_spatial[1]} ({cs.positions} windows)")
        assert f"strides={s} gives {cs.out_spatial[0]}×{cs.out_spatial[1]}" in lay.alt
    assert "this figure" not in lay.text_at(("compare", (2,))), "strides (1, 2) is none of 1, 2, 3"
    assert lay.text_at(("starts", ())) == "rows 0, 1, 2, 3 · cols 0, 2, 4"
    r = _render("strides", {"input": "7x7", "kernel": 3, "strides": 3})
    cov = arithmetic.coverage_map(convfig.ConvSpec.make((7, 7), 3, strides=3))
    assert f"{int((cov == 0).sum())} input cells are never read" in r.alt
    assert "this figure" in r.layout.text_at(("compare", (3,)))


def test_strides_with_dilation_cannot_compare():
    lay = _layout("strides", {"input": "9x9", "kernel": 3, "strides": 1, "dilation": 2})
    assert lay.text_at(("compare", (2,))) == "strides=2: not possible"


# ------------------------------------------------------------------ dilation


def test_dilation_effective_kernel():
    r = _render("dilation", {"input": "7x7", "kernel": 3, "dilation": 2})
    spec = convfig.ConvSpec.make((7, 7), 3, dilation_rate=2)
    assert f"dilation_rate=2: effective kernel {spec.effective_kernel[0]}×{spec.effective_kernel[1]}" in r.alt
    assert "5×5" in r.alt and "dilation_rate=1: effective kernel 3×3" in r.alt


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("params", [{"input": "6x8", "kernel": "2x3", "dilation": "1x2"},
                                    {"input": "5x7", "kernel": "2x3", "dilation": "2x1", "padding": "same"},
                                    {"input": "12x12", "kernel": 3, "dilation": 3, "padding": "same"}])
def test_dilation_panels_show_the_first_window(params, target):
    lay = _layout("dilation", params, target)
    spec = make_spec("dilation", params).params
    for i, d in enumerate(([1, 1], spec["dilation"])):
        cs = convfig.render.registry.conv_spec({**spec, "dilation": d})
        tr = convfig.trace_example(cs, 0)
        kern = tr.kernel[..., 0, 0]
        if i == 0:
            assert lay.grid("kernel") == {(r, c): _num(v) for (r, c), v in np.ndenumerate(kern)}
            k00, k01, k10 = (_centre(lay.at(("kernel", rc))) for rc in ((0, 0), (0, 1), (1, 0)))
            assert k01[0] > k00[0] and k01[1] == k00[1] and k10[1] > k00[1] and k10[0] == k00[0]
        assert lay.grid(f"input-{i}") == {(r, c): _num(v) for (r, c), v in np.ndenumerate(tr.padded[..., 0])}
        st = tr.steps[0]
        rows, cols = (list(map(int, w)) for w in st.window)
        weights = lay.grid(f"weight-{i}")
        assert weights == {(r, c): f"w {_num(kern[a, b])}" for (a, r), (b, c) in
                           itertools.product(enumerate(rows), enumerate(cols))}
        for rc in weights:                  # each weight in the lower half of the cell it meets, under its value
            cell, w = lay.at((f"input-{i}", rc)), lay.at((f"weight-{i}", rc))
            assert cell.x < w.x < cell.x + cell.w and cell.y + cell.h / 2 < w.y < cell.y + cell.h
            assert cell.text_dy < 0
        right, below = _centre(lay.at((f"input-{i}", (0, 1)))), _centre(lay.at((f"input-{i}", (1, 0))))
        origin = _centre(lay.at((f"input-{i}", (0, 0))))
        pitch = right[0] - origin[0]
        assert pitch > 0 and right[1] == origin[1] and below == (origin[0], origin[1] + pitch)
        cx, cy = _centre(lay.at((f"input-{i}", (rows[0], cols[0]))))
        win = lay.at(("window", (i,)))
        ke = cs.effective_kernel
        assert (win.x + 2, win.y + 2) == (cx - pitch / 2, cy - pitch / 2), "the window starts at the first cell read"
        assert (win.w - 4, win.h - 4) == (ke[1] * pitch, ke[0] * pitch)
        assert win.dash == (max(d) > 1)
        assert lay.text_at(("span", (i,))).endswith(f"→ {ke[0]}×{ke[1]} area")
        span = lay.at(("span", (i,)))
        if i == 0:                          # the first panel's sentence ends before the second panel begins
            assert span.x + tx.width(span.text, span.size) < lay.at(("input-1", (0, 0))).x
        for rc in weights:                  # "w −1" fits the cell it is written in
            w, cell = lay.at((f"weight-{i}", rc)), lay.at((f"input-{i}", rc))
            assert tx.width(w.text, w.size) < pitch
            if target == "slide" and pitch >= 40:   # the back row reads the weight as well as the value above it
                assert w.size >= 0.85 * cell.size, (w.size, cell.size)
    right, bottom = parts.extent(lay.items)
    assert right <= lay.width and bottom <= lay.height, "nothing is cut off"


def test_dilation_span_sentence_per_axis():
    lay = _layout("dilation", {"input": "6x8", "kernel": "2x3", "dilation": "1x2"})
    assert lay.text_at(("span", (1,))) == "span (2−1)·1+1 = 2, (3−1)·2+1 = 5 → 2×5 area"
    assert lay.text_at(("span", (0,))) == "span (2−1)·1+1 = 2, (3−1)·1+1 = 3 → 2×3 area"
    assert re.search(r"dilation_rate=\(1, 2\): effective kernel 2×5, output 5×4", lay.alt)


def test_keyed_text_is_what_the_svg_writes_at_that_place():
    """A keyed cell's text is in the SVG at the cell's centre (same Layout for PNG and SVG)."""
    lay = _layout("coverage", NON_SQUARE)
    svg = canvas.svg(lay, get_theme("light")).decode()
    b = lay.at(("coverage", (0, 1)))
    x = f'x="{b.x + b.w / 2:g}"'
    assert re.search(rf'<text {x} [^>]*>{b.text}</text>', svg)
