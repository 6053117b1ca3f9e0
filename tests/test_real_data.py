"""Figures on real data (matplotlib's sample grace_hopper.jpg and eeg.dat, shipped, never downloaded): what
the Layout shows is the engine's convolution of that data, and the claims in the figures hold."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import convfig
from convfig.render import canvas, fmt, protocol, samples
from convfig.render import text as tx
from convfig.render.kinds import feature_maps, photo_borders, signal
from convfig.render.layout import Image, Line
from convfig.render.registry import make_spec


def _lay(kind: str, target: str = "page", **params):
    return protocol.layout_of(dataclasses.replace(make_spec(kind, params), target=target))


def _apart(lay, group) -> None:
    """Keyed items of different groups (``group(key)``: a tile, a panel) do not touch: nothing overlaps."""
    boxes = [(group(it.key), canvas.bbox(it, lay.levels)) for it in lay.keyed()]
    for i, (ga, a) in enumerate(boxes):
        assert 0 <= a[0] and 0 <= a[1] and a[2] <= lay.width and a[3] <= lay.height, ga
        for gb, b in boxes[i + 1:]:
            assert ga == gb or not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (ga, gb)


def test_sample_data_ships_with_matplotlib_and_is_real():
    from matplotlib import cbook

    for name in (samples.PHOTO_FILE, samples.EEG_FILE):
        assert Path(cbook.get_sample_data(name, asfileobj=False)).is_file()
    img = samples.photo(4)
    assert img.shape == (150, 128) and img.min() < 30 and img.max() > 220 and np.array_equal(img, np.round(img))
    assert samples.eeg(0).shape == (800,) and 0.5 < samples.eeg(0).std() < 2


def test_photo_window_shows_real_pixels_and_the_sobel_sum():
    lay = _lay("conv2d", input="6x6", example="photo")
    crop = samples.photo(4)[84:90, 46:52]
    shown = lay.grid("input")
    assert all(shown[(r, c)] == fmt.num(crop[r, c]) for r in range(6) for c in range(6))
    kern = {k: v for k, v in lay.grid("kernel").items()}
    sobel = samples.KERNELS["Sobel x"]
    assert [kern[(r, c)] for r in range(3) for c in range(3)] == [fmt.num(v) for v in sobel.ravel()]
    last = len(lay.steps) - 1
    out = convfig.conv(crop[..., None], samples.KERNELS["Sobel x"][..., None, None])[..., 0]
    assert lay.grid("output", last) == {(r, c): fmt.num(out[r, c]) for r in range(4) for c in range(4)}
    assert out[:, 1:3].min() > 300 and abs(out[:, 0]).max() < 100      # the collar's edge lights up, flat cloth not


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_photo_kernels_maps_are_the_engine_convolution(padding, target):
    lay = _lay("photo-kernels", target, padding=padding)
    img = samples.photo(4)
    for name, k in samples.KERNELS.items():
        scale = samples.KERNEL_SCALE.get(name, 1)
        cells = {key[1][1:]: it for it in lay.keyed() if (key := it.key)[0] == "kernel" and key[1][0] == name}
        assert {rc: it.text for rc, it in cells.items()} == {(a, b): fmt.num(k[a, b] * scale)
                                                             for a in range(3) for b in range(3)}
        assert (lay.text_at(("scale", name)) is not None) == (scale != 1)
        out = convfig.conv(img[..., None], k[..., None, None], padding=padding)[..., 0]
        im = lay.at(("map", name))
        assert isinstance(im, Image) and im.pixels.shape[:2] == out.shape == (im.h, im.w)
        assert lay.text_at(("shape", name)) == fmt.tuple_str(out.shape + (1,))
        if samples.signed(k):
            limit = float(lay.text_at(("limit", name)).lstrip("+"))
            assert np.array_equal(im.pixels, samples.diverging(out, limit))
            assert (out < 0).any() and (out > 0).any()
        else:
            assert np.array_equal(im.pixels, samples.grey(out))
    ident = lay.at(("map", "identity")).pixels
    crop = img if padding == "same" else img[1:-1, 1:-1]
    assert np.array_equal(ident, samples.grey(crop))                      # identity returns the photo
    assert np.abs(ident.astype(int) - crop).max() <= samples.GREY_STEP // 2


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_photo_kernels_slide_tiles_do_not_touch(padding):
    """The slide sets each kernel to the left of its map: tiles, and within a tile the kernel and the map
    with its shape and colour bar, are apart; the figure is about as wide as a 16:9 slide."""
    lay = _lay("photo-kernels", "slide", padding=padding)
    _apart(lay, lambda key: key[1][0] if key[0] == "kernel" else key[1])
    _apart(lay, lambda key: key[0] == "kernel")
    for name, k in samples.KERNELS.items():
        assert lay.at(("kernel", (name, 0, 2))).x + lay.at(("kernel", (name, 0, 2))).w < lay.at(("map", name)).x
        if samples.signed(k):             # the colour bar runs under the whole tile: kernel's left to map's right
            bar, im, cell = lay.at(("bar", name)), lay.at(("map", name)), lay.at(("kernel", (name, 0, 0)))
            frame_right = im.x + im.w + (1 if padding == "valid" else 0)       # a valid map sits 1 px inside
            assert bar.x == cell.x and bar.x + bar.w == frame_right
    assert 1.6 < lay.width / lay.height < 2.0


def test_diverging_map_is_white_at_zero_and_orders_sign_by_colour():
    rgb = samples.diverging(np.array([-10.0, 0.0, 10.0]), 10).astype(int)
    assert rgb[1].tolist() == list(samples.MID)
    assert rgb[0, 2] > rgb[0, 0] and rgb[2, 0] > rgb[2, 2]                # negative blue, positive vermillion
    assert rgb[0].sum() < rgb[1].sum() and rgb[2].sum() < rgb[1].sum()    # lightness differs, not only hue


def test_photo_borders_valid_shrinks_and_same_darkens_the_rim():
    lay = _lay("photo-borders", kernel=9)
    valid, same = lay.at(("map", "valid")).pixels, lay.at(("map", "same")).pixels
    assert valid.shape == (142, 120) and same.shape == (150, 128)
    cs = convfig.ConvSpec.make((150, 128), 9, padding="same")
    (pt, pb), _ = cs.pads
    assert lay.text_at(("pads", "same")) == f"pads {pt} before / {pb} after"
    inner = same[pt:-pb, pt:-pb].astype(int)
    assert np.array_equal(inner, valid.astype(int))                        # same = valid inside the rim
    assert same[0].mean() < valid[0].mean() and same[:, 0].mean() < valid[:, 0].mean()
    with pytest.raises(convfig.ConvfigError, match="^kernel"):
        photo_borders.compute(make_spec("photo-borders", {"kernel": 99}))


@pytest.mark.parametrize("target", ["page", "slide"])
def test_feature_maps_stack_the_filters_on_the_last_axis(target):
    lay = _lay("feature-maps", target)
    data = feature_maps.compute(make_spec("feature-maps", {}))
    nf = data.kernel.shape[-1]
    assert data.output.shape == convfig.output_shape((150, 128, 1), 3, filters=nf, padding="same")
    assert lay.text_at(("shape", "output")).startswith(f"output {fmt.tuple_str(data.output.shape)}")
    maps = []
    for f in range(nf):
        k = np.array([[float(lay.text_at(("kernel", (f, a, b))).replace(fmt.MINUS, "-")) for b in range(3)]
                      for a in range(3)])
        y = convfig.conv(samples.photo(4)[..., None], k[..., None, None], padding="same")[..., 0]
        assert np.array_equal(lay.at(("map", f)).pixels, samples.diverging(y, data.limit))
        assert np.array_equal(lay.at(("stack", f)).pixels, lay.at(("map", f)).pixels)
        maps.append(y)
    assert len({m.tobytes() for m in maps}) == nf
    assert lay.text_at(("limit", "maps")) == "+" + fmt.num(data.limit)


def test_feature_maps_slide_parts_do_not_touch():
    """On the slide the input, the stack, the colour scale and each filter's tile (name, kernel beside its
    map) are apart, inside the Layout, and the figure is about as wide as a 16:9 slide."""
    lay = _lay("feature-maps", "slide")

    def group(key):                      # a filter's tile; the stacked maps overlap on purpose
        if key[0] in ("kernel", "map", "name"):
            return "tile", key[1][0] if key[0] == "kernel" else key[1]
        return "stack" if key[0] == "stack" else key

    _apart(lay, group)
    _apart(lay, lambda key: key[0] == "kernel")
    for f in range(len(feature_maps.FILTERS)):
        assert lay.at(("kernel", (f, 0, 2))).x + lay.at(("kernel", (f, 0, 2))).w < lay.at(("map", f)).x
    bar, last = lay.at(("bar", "maps")), lay.at(("map", len(feature_maps.FILTERS) - 1))
    assert bar.x + bar.w == last.x + last.w                # the colour scale ends where the last map ends
    assert 1.6 < lay.width / lay.height < 2.0


def _line_before(lay, key):
    for i, it in enumerate(lay.items):
        if getattr(it, "key", None) == key:
            return lay.items[i - 1]
    raise AssertionError(key)


def _ys(lay, colour: str, lw: float) -> np.ndarray:
    lines = [it for it in lay.items if isinstance(it, Line) and it.color == colour and it.lw == lw
             and len(it.points) == signal.N]
    assert len(lines) == 1
    return np.array([p[1] for p in lines[0].points])


def _signal(target: str, **params):
    return protocol.layout_of(dataclasses.replace(make_spec("signal", params), target=target))


@pytest.mark.parametrize("target", ["page", "slide"])
def test_signal_curves_are_conv1d_of_the_eeg(target):
    lay = _signal(target, kernel=5)
    x = samples.eeg(0)[:signal.N]
    ref = np.convolve(x, np.ones(5) / 5, mode="same")          # numpy's own centred moving average
    ys = _ys(lay, "accent", 2.2)
    slope, icept = np.polyfit(ref, ys, 1)
    assert slope < 0 and np.allclose(slope * ref + icept, ys, atol=0.02)   # the drawn curve is the average
    dif = np.append(np.diff(x), -x[-1])                       # 'same' with [-1, 1]: x[t+1] - x[t], 0 after
    yd = _ys(lay, "window", 1.4)
    assert np.allclose(np.polyfit(dif, yd, 1)[0] * dif + np.polyfit(dif, yd, 1)[1], yd, atol=0.02)
    chips = lay.grid("kernel")
    assert [chips[("average", i)] for i in range(5)] == ["1"] * 5
    assert [chips[("difference", i)] for i in range(2)] == [fmt.num(-1), "1"]
    boxes = [lay.at(("kernel", ("average", i))) for i in range(5)]
    assert all(a.x + a.w < b.x for a, b in zip(boxes, boxes[1:]))          # in a row, none over the next
    assert max(b.x + b.w for b in boxes) <= lay.width
    chip = lay.at(("kernel", ("difference", 0)))
    assert tx.width(chip.text, chip.size, bold=True) < chip.w, "−1 fits its chip"
    if target == "slide":                   # the weights are the figure's numbers: the back row reads them
        assert chip.size > lay.at(("curve", "signal")).size


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("k", [5, 9])
def test_causal_is_same_delayed_by_half_the_kernel(k, target):
    lay = _signal(target, kernel=k, padding="causal")
    same, causal = _ys(lay, "accent", 2.2), _ys(lay, "window", 2.2)
    lag = (k - 1) // 2
    assert np.allclose(causal[k:], same[k - lag:len(same) - lag], atol=0.02)
    assert not np.allclose(causal, same, atol=0.02)
    assert f"delayed by {lag} samples ({1000 * lag / samples.EEG_RATE:g} ms" in lay.text_at(("lag", ()))
    reads = {m: [i for i in range(2 * k + 1) if lay.at(("window", (m, i))).fill == "window_fill"]
             for m in ("same", "causal")}
    assert max(reads["causal"]) == k and len(reads["causal"]) == k               # ends at "now"
    assert reads["same"] == [i + lag for i in reads["causal"]]
