"""GIF encoder: named theme colours exact, standard LZW (checked by an independent decoder), small 2D GIFs."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convfig.render import make_spec, render, style
from convfig.render.encode import Palette, encode, encode_gif, named_colours


def _decoded(gif: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(gif))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("RGB")))
    return out


@pytest.mark.parametrize("kind, params", [
    ("channels", {}),                                   # the current-cell fill used to rank 17th and drift
    ("channels", {"input": "5x5", "padding": "same", "channels": 2, "filters": 3}),
    ("conv1d", {"input": 12, "padding": "causal", "dilation": 2}),
    ("conv3d", {}),
    ("conv2d", {"input": "5x5", "padding": 1, "strides": 2}),
])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_named_theme_colours_survive_encoding_exactly(kind, params, theme):
    r = render(make_spec(kind, params, theme))
    frames = _decoded(encode(r)["gif"])
    th = style.get_theme(theme).as_dict()
    checked = 0
    for src, got in zip(r.frames, frames):
        for name, colour in th.items():
            if name == "name":
                continue
            rgb = np.array(style.hex_to_rgb(colour), np.uint8)
            where = (src == rgb).all(axis=2)
            if where.any():
                checked += 1
                assert (got[where] == rgb).all(), f"{name} {colour} not exact in a {kind} frame"
    assert checked >= 8


def test_named_colours_pinned_even_when_rare():
    """A named colour used by a handful of pixels among many anti-aliasing shades still gets its own entry."""
    rng = np.random.default_rng(1)
    img = np.full((80, 80, 3), 255, np.uint8)
    img[:, :40] = rng.integers(0, 256, size=(80, 40, 3))          # hundreds of shades
    img[70:72, 70:72] = style.hex_to_rgb("#E69F00")                 # 4 pixels of output_new
    pal = Palette([img], 32)
    assert np.array_equal(pal.colors[pal.index(img)][70:72, 70:72], img[70:72, 70:72])
    assert "#E69F00" in named_colours() and len(pal) <= 32 + 1


# ---------------------------------------------------------------- an independent LZW decoder
def _blocks(data: bytes, pos: int) -> tuple[bytes, int]:
    out = bytearray()
    while data[pos]:
        out += data[pos + 1:pos + 1 + data[pos]]
        pos += data[pos] + 1
    return bytes(out), pos + 1


def _lzw_decode(data: bytes, min_size: int, n: int) -> list[int]:
    clear, end = 1 << min_size, (1 << min_size) + 1
    size, table, prev, out = min_size + 1, [], None, []
    bitpos = 0
    while len(out) < n:
        code = 0
        for k in range(size):
            byte = data[(bitpos + k) >> 3]
            code |= ((byte >> ((bitpos + k) & 7)) & 1) << k
        bitpos += size
        if code == clear:
            size, table, prev = min_size + 1, [[i] for i in range(clear)] + [[], []], None
            continue
        if code == end:
            break
        if prev is None:
            entry = table[code]
        else:
            entry = table[code] if code < len(table) else prev + prev[:1]
            table.append(prev + entry[:1])
            if len(table) == (1 << size) and size < 12:
                size += 1
        out.extend(entry)
        prev = entry
    return out


def _walk(data: bytes):
    """(x, y, w, h, min code size, indices, transparent) of every image in a GIF."""
    pos = 13 + 3 * (2 ** ((data[10] & 7) + 1))
    transparent = None
    while data[pos] != 0x3B:
        if data[pos] == 0x21:
            if data[pos + 1] == 0xF9:
                transparent = data[pos + 6] if data[pos + 3] & 1 else None
            _, pos = _blocks(data, pos + 2)
        else:
            x, y, w, h = (int.from_bytes(data[pos + 1 + 2 * i:pos + 3 + 2 * i], "little") for i in range(4))
            assert not data[pos + 9] & 0xC0                 # no local table, not interlaced
            min_size = data[pos + 10]
            raw, pos = _blocks(data, pos + 11)
            yield x, y, w, h, min_size, _lzw_decode(raw, min_size, w * h), transparent


def test_gif_decodes_with_an_independent_lzw_decoder():
    r = render(make_spec("conv2d", {"input": "4x4"}, "dark"))
    gif = encode_gif(r.frames, r.durations_ms, keep=r.palette_hint)
    table = np.frombuffer(gif[13:13 + 3 * (2 ** ((gif[10] & 7) + 1))], np.uint8).reshape(-1, 3)
    canvas = np.zeros(r.frames[0].shape, np.uint8)
    images = list(_walk(gif))
    assert len(images) == len(r.frames)
    for (x, y, w, h, min_size, idx, transparent), frame in zip(images, r.frames):
        assert min_size < 8 and len(idx) == w * h          # the palette's code size, not Pillow's fixed 8
        idx = np.array(idx, np.uint8).reshape(h, w)
        region = canvas[y:y + h, x:x + w]
        keep = idx == transparent if transparent is not None else np.zeros_like(idx, bool)
        region[~keep] = table[idx[~keep]]
        assert np.array_equal(canvas, frame)


def test_conv2d_frames_use_few_exact_colours():
    """conv2d draws with the theme colours and one blend per text/fill pair: the palette is exact."""
    for theme in ("light", "dark"):
        r = render(make_spec("conv2d", {"input": "6x6", "padding": "same", "strides": 2}, theme))
        pal = Palette(r.frames, keep=r.palette_hint)
        assert len(pal) <= 31
        for f in (r.frames[0], r.frames[-1]):
            assert np.array_equal(pal.colors[pal.index(f)], f)
