"""Figure text contrast, derived from the figures: for every registry kind (defaults and the padding /
mode variants it accepts), every text the Layout draws is >= 4.5:1 against every fill under it, in the
light and the dark theme. The pairs are read from the Layouts (convfig.render.contrast), so a new kind
or a new colour is checked without editing this file.
"""

from __future__ import annotations

import dataclasses

import pytest

from convfig.errors import ConvfigError
from convfig.render import protocol
from convfig.render.contrast import IMAGE, low_contrast, text_on_fills
from convfig.render.layout import Box, Image, Label, Layout, Poly, Step
from convfig.render.registry import KINDS, make_spec
from convfig.render.style import DARK, LIGHT, TEXT_PAIRS, THEMES

VARIANTS = [{}, {"padding": "same"}, {"padding": "causal"}, {"padding": "full"}, {"mode": "average"}]


def _layouts(kind: str) -> list[Layout]:
    out = []
    for extra in VARIANTS:
        try:
            spec = make_spec(kind, extra, "light")
            out.append(protocol.layout_of(spec))
        except ConvfigError:
            continue   # a variant the kind does not draw
    return out


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_text_of_every_kind_reads_against_its_fill(kind):
    layouts = _layouts(kind)
    assert layouts, kind
    for layout in layouts:
        found = text_on_fills(layout)
        assert found, f"{kind}: no text found"
        bad = [line for theme in THEMES.values() for line in low_contrast(layout, theme)]
        assert not bad, f"{kind}:\n" + "\n".join(bad)


def test_the_hand_list_of_pairs_names_what_the_conv_figures_use():
    """style.TEXT_PAIRS (the quick report) holds every plain theme pair the conv kinds draw."""
    fields = {f.name for f in dataclasses.fields(LIGHT)}
    used = {(c, f) for kind in ("conv1d", "conv2d", "conv3d", "channels") for layout in _layouts(kind)
            for _, c, f in text_on_fills(layout) if c in fields and f in fields}
    assert used and used <= set(TEXT_PAIRS), used - set(TEXT_PAIRS)


def test_a_weak_theme_colour_is_caught():
    layout = protocol.layout_of(make_spec("conv2d", {}, "dark"))
    assert not low_contrast(layout, DARK)
    weak = dataclasses.replace(DARK, input_fill="#a0a0a0")  # fg #f0f0f0 on it: 2.0:1
    bad = low_contrast(layout, weak)
    assert bad and all("input_fill" in line for line in bad), bad


def test_backgrounds_follow_the_drawing_order():
    lay = Layout(100, 40, [Box(0, 0, 100, 40, fill="input_fill"), Poly(((60, 0), (100, 0), (100, 40)), fill="accent"),
                           Label(10, 20, "on input", va="center"), Label(90, 8, "x", va="center"),
                           Label(40, 30, "plated", plate="window_fill", va="center")],
                 steps=[Step("s", keep=[Box(0, 0, 30, 40, fill="output_fill", text="5")],
                             show=[Label(5, 5, "late", va="top", color="muted")])])
    found = {(t, f) for t, _, f in text_on_fills(lay)}
    assert ("on input", "input_fill") in found and ("x", "accent") in found
    assert ("plated", "window_fill") in found and ("5", "output_fill") in found
    assert ("late", "output_fill") in found          # the step's show text sits on the step's kept box
    assert not any(t == "on input" and f == "output_fill" for t, f in found)  # drawn later, not under it


def test_text_over_a_picture_is_reported():
    import numpy as np

    lay = Layout(50, 50, [Image(0, 0, 50, 50, np.zeros((5, 5), np.uint8)), Label(10, 25, "cat", va="center")])
    assert ("cat", "fg", IMAGE) in text_on_fills(lay)
    assert any("over a picture" in line for line in low_contrast(lay, LIGHT))
