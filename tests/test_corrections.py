"""Issue 11, corrections 4a-4g: each found by checking the site against Keras and the figures; each kept fixed
here (figure claims read from the Layout, page claims checked against the engine). 4b and 4c (padding-modes)
are tested in tests/test_diagrams_conv.py."""

from __future__ import annotations

import pytest

import convfig
from convfig.render import fmt, protocol
from convfig.render.layout import Box
from convfig.render.registry import make_spec
from convfig.render.style import FONT_CELL


@pytest.mark.parametrize("params", [{"input": "5x5", "kernel": 4, "padding": 2},          # outputs down to −16
                                    {"input": "6x6", "kernel": 3, "example": "line"},
                                    {"input": "7x7", "kernel": 3, "strides": 2, "padding": "same"}])
def test_4g_two_digit_negatives_keep_the_cell_font(params):
    lay = protocol.layout_of(make_spec("conv2d", params))
    last = len(lay.steps) - 1
    cells = [it for it in lay.keyed(last) if isinstance(it, Box) and it.key[0] in ("input", "output") and it.text]
    widest = max(cells, key=lambda it: len(it.text))
    assert {it.size for it in cells} == {FONT_CELL}, f"{widest.text!r} is drawn smaller than the other values"
    if params.get("kernel") == 4:
        assert any(it.text.startswith(fmt.MINUS) and len(it.text) == 3 for it in cells)   # really has −NN


@pytest.mark.parametrize("params", [{"input": "5x5", "channels": 3, "filters": 2},          # outputs down to −19
                                    {"input": "5x5", "channels": 2, "filters": 3, "strides": 2, "padding": "same"}])
def test_4g_channels_figure_keeps_the_cell_font_for_two_digit_negatives(params):
    lay = protocol.layout_of(make_spec("channels", params))
    last = len(lay.steps) - 1
    cells = [it for it in lay.keyed(last) if isinstance(it, Box) and it.key[0] in ("input", "output") and it.text]
    assert any(it.text.startswith(fmt.MINUS) and len(it.text) == 3 for it in cells)
    assert {it.size for it in cells} == {FONT_CELL}


@pytest.mark.parametrize("params", [{"input": "7x7", "kernel": 3, "padding": "same"},
                                    {"input": "5x6", "kernel": 4, "padding": "same"},
                                    {"input": "5x5", "kernel": 3, "padding": 2},
                                    {"input": "5x5", "kernel": 3}])
def test_4g_input_axis_labels_count_as_keras_does(params):
    """Row/column labels of the input are Keras' indices: 0..n−1 on the input, negative before it, n.. after."""
    spec = make_spec("conv2d", params)
    lay = protocol.layout_of(spec)
    cs = convfig.render.registry.conv_spec(spec.params)
    for axis, name in ((0, "input-row"), (1, "input-col")):
        (before, after), n = cs.pads[axis], cs.input_shape[axis]
        labels = [lay.text_at((name, (j,))) for j in range(cs.padded_shape[axis])]
        assert labels == [fmt.num(i) for i in range(-before, n + after)]
        other = cs.pads[1 - axis][0]                # a real row/column on the other axis
        for j, label in enumerate(labels):          # a padding row/column is exactly one labelled outside 0..n−1
            cell = lay.at(("input", (j, other) if axis == 0 else (other, j)))
            is_pad = not isinstance(cell, Box)      # real cells are Boxes, padding zeros Labels on the hatch
            assert is_pad == (int(label.replace(fmt.MINUS, "-")) not in range(n))
