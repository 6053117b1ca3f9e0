"""Static diagrams: every kind renders in both themes, SVG parses, alt text names the parameters, and the
numbers drawn are the engine's (GUIDE §7: structure, not pixels)."""

import json
import xml.etree.ElementTree as ET
from functools import cache

import numpy as np
import pytest

import convfig
from convfig import arithmetic
from convfig.render import DIAGRAM_KINDS, make_spec, render
from convfig.render import diagrams as dg

CASES = [
    ("padding-modes", {}),
    ("padding-modes", {"input": 7, "kernel": 4}),
    ("padding-modes", {"input": 9, "kernel": 3, "strides": 2}),
    ("padding-modes", {"input": 8, "kernel": 3, "dilation": 2}),
    ("coverage", {}),
    ("coverage", {"input": "6x6", "kernel": 3, "padding": "valid"}),
    ("coverage", {"input": "7x7", "kernel": 3, "strides": 3, "padding": "valid"}),
    ("strides", {}),
    ("strides", {"input": "7x7", "kernel": 3, "strides": 3}),
    ("strides", {"input": "6x6", "kernel": 3, "strides": 2, "padding": "same"}),
    ("dilation", {}),
    ("dilation", {"input": "9x9", "kernel": 3, "dilation": 3}),
]
MODEL_KINDS = {"receptive-field", "model-shapes", "dims"}       # tested in test_diagrams_model.py


def _render(kind, params, theme="light"):
    """Rendered figure, cached per (kind, params, theme): each diagram is drawn once per test run."""
    return _cached(kind, json.dumps(params, sort_keys=True), theme)


@cache
def _cached(kind, params_json, theme):
    return render(make_spec(kind, json.loads(params_json), theme))


def test_every_diagram_kind_is_covered():
    assert {k for k, _ in CASES} | MODEL_KINDS == set(DIAGRAM_KINDS)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("kind,params", CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CASES)])
def test_renders_png_and_svg(kind, params, theme):
    r = _render(kind, params, theme)
    assert len(r.frames) == len(r.steps) == len(r.durations_ms) == 1
    f = r.frames[0]
    assert f.dtype == np.uint8 and f.ndim == 3 and f.shape[2] == 3
    assert r.width >= 400 and r.height >= 200
    assert len(np.unique(f.reshape(-1, 3), axis=0)) > 8          # something is drawn
    root = ET.fromstring(r.svg)
    assert root.tag.endswith("svg")
    assert r.alt and r.steps[0]


def test_themes_differ_and_output_is_deterministic():
    for kind, params in CASES[:: 3]:
        a, b = _render(kind, params), render(make_spec(kind, params, "light"))
        assert np.array_equal(a.frames[0], b.frames[0])
        assert a.svg == b.svg
        d = _render(kind, params, "dark")
        assert not np.array_equal(a.frames[0], d.frames[0]) or a.frames[0].shape != d.frames[0].shape
        # background follows the theme
        assert a.frames[0][2, 2].tolist() == [255, 255, 255]
        assert d.frames[0][2, 2].tolist() != [255, 255, 255]


def test_svg_has_no_date():
    r = _render("coverage", {})
    assert b"<dc:date>" not in r.svg


def test_padding_modes_pads_and_lengths_from_engine():
    r = _render("padding-modes", {"input": 7, "kernel": 4})
    for mode in ("valid", "same", "causal", "full"):
        spec = convfig.ConvSpec.make((7,), 4, padding=mode)
        (before, after), = spec.pads
        assert f"{mode}: pad {before} before and {after} after, output length {spec.out_spatial[0]}" in r.alt
    assert "full is for comparison" in r.alt
    # Keras: n=7, k=4, same -> (1, 2)
    assert "same: pad 1 before and 2 after, output length 7" in r.alt


def test_coverage_counts_are_the_engines(monkeypatch):
    spec = convfig.ConvSpec.make((6, 6), 3, padding="valid")
    cov = arithmetic.coverage_map(spec)
    r = _render("coverage", {"input": "6x6", "kernel": 3, "padding": "valid"})
    assert f"Corner {cov[0, 0]}, middle of an edge {cov[0, 3]}, centre {cov[3, 3]}, at most 9" in r.alt
    assert (cov[0, 0], cov[3, 3]) == (1, 9)
    # the renderer draws whatever coverage_map says: replace it and the numbers follow
    fake = np.full((6, 6), 5, dtype=int)
    fake[0, 0] = 7
    monkeypatch.setattr(dg.arithmetic, "coverage_map", lambda s: fake)
    r2 = render(make_spec("coverage", {"input": "6x6", "kernel": 3, "padding": "valid"}))
    assert "Corner 7," in r2.alt


def test_coverage_same_evens_out():
    r = _render("coverage", {"input": "5x5", "kernel": 3, "padding": "same"})
    assert "Corner 4, middle of an edge 6, centre 9" in r.alt


def test_strides_compare_output_sizes():
    r = _render("strides", {"input": "7x7", "kernel": 3, "strides": 3})
    for s in (1, 2, 3):
        spec = convfig.ConvSpec.make((7, 7), 3, strides=s)
        assert f"strides={s} gives {dg.shape_str(spec.out_spatial)}" in r.alt
    cov = arithmetic.coverage_map(convfig.ConvSpec.make((7, 7), 3, strides=3))
    assert f"{int((cov == 0).sum())} input cells are never read" in r.alt


def test_dilation_effective_kernel():
    r = _render("dilation", {"input": "7x7", "kernel": 3, "dilation": 2})
    spec = convfig.ConvSpec.make((7, 7), 3, dilation_rate=2)
    assert f"dilation_rate=2: effective kernel {dg.shape_str(spec.effective_kernel)}" in r.alt
    assert "5×5" in r.alt and "dilation_rate=1: effective kernel 3×3" in r.alt


@pytest.mark.parametrize("fn,params", [
    (dg.render_coverage, {"input": [7]}),
    (dg.render_strides, {"input": [20, 20], "kernel": [1, 1], "strides": [1, 1]}),
    (dg.render_dilation, {"input": [4, 4], "kernel": [3, 3], "dilation": [3, 3]}),
])
def test_bad_params_raise_convfig_error(fn, params):
    with pytest.raises(convfig.ConvfigError):
        fn(params, "light")


def test_text_contrast_of_coverage_ramp():
    from convfig.render.style import DARK, LIGHT, contrast_ratio

    for theme in (LIGHT, DARK):
        for v in range(10):
            fill = dg.ramp(theme, v / 9)
            text = dg.best_text(fill, [theme.fg, theme.bg, "#000000", "#ffffff"])
            assert contrast_ratio(text, fill) >= 4.5
