"""Named example numbers (convfig.examples): the output lights up where the pattern is, and the concept
(dilation, causal padding, strides) changes the numbers. Plus the canvas' Image item."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest

import convfig
from convfig.examples import NAMES, pattern
from convfig.render import canvas
from convfig.render.layout import Image, Layout
from convfig.render.registry import make_spec
from convfig.render.style import DARK, LIGHT


@pytest.mark.parametrize("shape,k", [((9,), 3), ((9,), 4), ((6, 7), 3), ((6, 8), (2, 4)), ((4, 5, 6), 3)])
def test_edge_lights_up_exactly_where_the_window_straddles_the_step(shape, k):
    spec = convfig.ConvSpec.make(shape, k)
    tr = convfig.trace_example(spec, name="edge")
    for st in tr.steps:
        vals = st.values[..., 0]
        straddles = vals.min() != vals.max()
        assert (float(st.sums[0]) != 0) == straddles, st.out_pos
    assert np.count_nonzero(tr.output) > 0


def test_line_peaks_on_the_line_and_bump_keeps_its_peak_in_the_middle():
    tr = convfig.trace_example(convfig.ConvSpec.make((7, 7), 3), name="line")
    rows = tr.output[..., 0].sum(axis=1)
    line_row = int(np.argmax(tr.x[..., 0].sum(axis=1)))
    assert int(np.argmax(rows)) == line_row - 1            # valid: output row r is centred on input row r + 1
    assert rows.min() < 0 < rows.max()
    tr = convfig.trace_example(convfig.ConvSpec.make((7, 7), 3, padding="same"), name="bump")
    out = tr.output[..., 0]
    assert np.unravel_index(np.argmax(out), out.shape) == np.unravel_index(np.argmax(tr.x[..., 0]), out.shape)


@pytest.mark.parametrize("d", [2, 3])
def test_dilated_causal_impulse_shows_the_gaps_and_the_delays(d):
    spec = convfig.ConvSpec.make((12,), 3, padding="causal", dilation_rate=d)
    tr = convfig.trace_example(spec, name="impulse")
    w = tr.kernel[:, 0, 0]
    assert len(set(w.tolist())) == 3 and w[-1] != 0        # not [0, 0, 1]: "now" has a weight of its own
    t0 = int(np.flatnonzero(tr.x[:, 0])[0])
    lit = np.flatnonzero(tr.output[:, 0])
    assert lit.tolist() == [t0 + j * d for j in range(3)]      # the impulse echoes d steps apart, never before t0
    assert tr.output[lit, 0].tolist() == w[::-1].tolist()
    plain = convfig.trace_example(convfig.ConvSpec.make((12,), 3, padding="causal"), name="impulse")
    assert not np.array_equal(plain.output, tr.output)        # dilation changes the numbers


def test_strides_skip_outputs_of_the_impulse_response():
    one = convfig.trace_example(convfig.ConvSpec.make((9,), 3), name="impulse").output[:, 0]
    two = convfig.trace_example(convfig.ConvSpec.make((9,), 3, strides=2), name="impulse").output[:, 0]
    assert two.tolist() == one[::2].tolist() and np.count_nonzero(two) < np.count_nonzero(one)


def test_filters_get_different_detectors_and_seed_still_gives_random_numbers():
    spec = convfig.ConvSpec.make((5, 5), 3, channels=2, filters=3)
    x, k, b = pattern(spec, "edge")
    assert x.shape == (5, 5, 2) and k.shape == (3, 3, 2, 3) and not b.any()
    assert len({k[..., 0, f].tobytes() for f in range(3)}) == 3
    a = convfig.example(spec, seed=1)
    assert not np.array_equal(a[0], x) and np.array_equal(convfig.example(spec, seed=1)[0], a[0])
    assert set(NAMES) == {"edge", "line", "bump", "impulse"}


def test_example_parameter_reaches_the_figure_and_rejects_unknown_names():
    spec = make_spec("conv1d", {"input": 9, "example": "Impulse"})
    assert spec.params["example"] == "impulse" and "exampleimpulse" in spec.name
    with pytest.raises(convfig.ConvfigError, match="^example: must be one of random, edge"):
        make_spec("conv2d", {"example": "stripes"})


def test_image_item_draws_one_block_per_pixel_in_raster_and_svg():
    from PIL import Image as PILImage

    px = np.array([[0, 255, 30], [128, 64, 200]], np.uint8)
    lay = Layout(50, 30, [Image(5, 4, 30, 20, px)])
    for theme in (LIGHT, DARK):
        img = canvas.raster(lay, theme)
        block = img[4:24, 5:35, 0].reshape(2, 10, 3, 10)
        assert (block == px[:, None, :, None]).all()
        assert tuple(img[3, 5]) == canvas.Raster(1, 1, theme).rgb("bg")
    svg = canvas.svg(lay, LIGHT).decode()
    uri = svg.split('href="data:image/png;base64,')[1].split('"')[0]
    back = np.asarray(PILImage.open(io.BytesIO(base64.b64decode(uri))))
    assert np.array_equal(back, px) and 'width="30"' in svg


@pytest.mark.parametrize("kind,params", [("channels", {"input": "5x5", "channels": 2, "filters": 3}),
                                         ("conv3d", {"input": "4x4x4", "kernel": 2}),
                                         ("conv2d", {"input": "6x6", "example": "bump", "padding": "same"})])
def test_every_conv_kind_draws_the_named_example(kind, params):
    from convfig.render import fmt, protocol
    from convfig.render.registry import conv_spec

    spec = make_spec(kind, {"example": "edge", **params})
    lay = protocol.layout_of(spec)
    tr = convfig.trace_example(conv_spec(spec.params), name=spec.params["example"])
    shown = lay.grid("output", len(lay.steps) - 1)
    flat = tr.output if tr.output.shape[-1] > 1 else tr.output[..., 0]
    want = {idx: fmt.num(v) for idx, v in np.ndenumerate(flat)}
    assert shown == want
    assert len(set(shown.values())) > 1
