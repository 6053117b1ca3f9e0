"""Encoders: animated GIF (one shared palette, no dither, loops forever, deterministic) and PNG posters.

GIF layout written here:
- one global colour table built from the colours of all frames: exact when they use <= max_colors
  colours (anim2d draws with under 32); else every named theme / Okabe-Ito colour that occurs and the
  most used flat colours exact, a median-cut palette for the anti-aliasing shades in between, every
  colour mapped to its nearest entry, no dithering;
- frame 0 whole; every later frame only the bounding box of the pixels that changed, with unchanged
  pixels inside the box set to the transparent index (disposal "do not dispose"), so a frame that moves
  a small window costs a few hundred bytes;
- NETSCAPE2.0 loop = 0 (forever; ``plays`` n > 0: n plays in all, as browsers count the loop field as
  repeats after the first play); per-frame delays from ``durations_ms``.
LZW compression is Pillow's C encoder, called with the palette's minimum code size (Pillow's GIF
writer always uses 8); the container is assembled here so the bytes depend only on the pixels and
durations.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np

from convfig.render.types import FrameSeq, Rendered

MAX_COLORS = 32           # palette entries for pixels (+1 transparent index); 32 keeps anti-aliased text smooth
                          # (more when many named colours occur: they are always exact)


def _codes(img: np.ndarray) -> np.ndarray:
    """RGB uint8 (..., 3) -> uint32 codes 0xRRGGBB."""
    a = img.astype(np.uint32)
    return (a[..., 0] << 16) | (a[..., 1] << 8) | a[..., 2]


def _samples(frames: Sequence[np.ndarray] | FrameSeq) -> list[np.ndarray]:
    """Pixel sets that together contain every colour of the animation (FrameSeq: first + patches)."""
    if isinstance(frames, FrameSeq):
        out = [frames.first]
        for patches in frames.patches:
            out.extend(p for _y, _x, p in patches)
        return out
    return list(frames)


class Palette:
    """Maps RGB pixels to palette indices (shared by every frame) through a 2**24 lookup table."""

    def __init__(self, frames: Sequence[np.ndarray] | FrameSeq, max_colors: int = MAX_COLORS,
                 keep: Sequence[str] | None = None) -> None:
        samples = _samples(frames)
        first = _codes(samples[0]).ravel()
        seen = np.zeros(1 << 24, np.uint8)            # calloc'd: only touched pages cost memory
        blocks = np.zeros(1 << 12, bool)              # which 4096-colour blocks hold a colour
        for codes in (first, *(_codes(smp).ravel() for smp in samples[1:])):
            seen[codes] = 1
            blocks[codes >> 12] = True
        touched = np.flatnonzero(blocks)              # read back only those blocks (ascending, like the codes)
        row, col = np.nonzero(seen.reshape(1 << 12, 1 << 12)[touched])
        uniq = (touched[row].astype(np.uint32) << 12) | col.astype(np.uint32)
        # weights: pixel counts in the first and last frames (+1 so every other colour still counts)
        counts = np.ones(len(uniq), np.int64)
        last = _codes(np.asarray(frames[-1])).ravel() if len(frames) > 1 else first[:0]
        for arr in (first, last):
            u0, c0 = np.unique(arr, return_counts=True)
            counts[np.searchsorted(uniq, u0)] += c0
        rgb = np.stack([(uniq >> 16) & 255, (uniq >> 8) & 255, uniq & 255], axis=1).astype(np.uint8)
        if len(uniq) <= max_colors:
            order = np.lexsort((uniq, -counts))          # most used first, ties by colour: deterministic
            self.colors = rgb[order]
            idx = np.empty(len(uniq), np.uint8)
            idx[order] = np.arange(len(uniq), dtype=np.uint8)
        else:
            # Exact: every named colour (theme fills, text colours, Okabe-Ito; ``keep``) that occurs, then
            # the most used other flat colours; the anti-aliasing shades in between share the remaining
            # entries (median cut, at least max_colors // 4 of them) and map to their nearest entry.
            order = np.lexsort((uniq, -counts))          # most used first, ties by colour: deterministic
            named = np.array(sorted({_code(c) for c in (*named_colours(), *(keep or []))}), np.uint32)
            is_named = np.isin(uniq, named)
            pinned = [int(j) for j in order if is_named[j]]
            n_cut = max_colors // 4
            frequent = counts >= max(50, counts.sum() // 2000)
            n_freq = max(0, min(max_colors // 2, max_colors - len(pinned) - n_cut))
            freq = [int(j) for j in order if frequent[j] and not is_named[j]][:n_freq]
            exact = np.array(pinned + freq, dtype=np.int64)
            n_exact = len(exact)
            rest = np.setdiff1d(order, exact, assume_unique=True)     # sorted: deterministic
            cut = _median_cut(rgb[rest], counts[rest], max(n_cut, max_colors - n_exact))
            self.colors = np.concatenate([rgb[exact], cut])
            idx = _nearest(rgb, self.colors)
            idx[exact] = np.arange(n_exact, dtype=np.uint8)
        lut = seen                                       # reuse the buffer: code -> palette index
        lut[uniq] = idx
        self._lut = lut
        self.transparent = len(self.colors)              # first unused index

    def __len__(self) -> int:
        return len(self.colors)

    def index(self, img: np.ndarray) -> np.ndarray:
        """RGB (H, W, 3) -> uint8 indices (H, W). Colours must have been seen when building."""
        return self._lut[_codes(img)]

    def table(self) -> bytes:
        """Global colour table padded to a power of two (transparent index included)."""
        n = len(self.colors) + 1
        size = 2
        while size < n:
            size *= 2
        tab = np.zeros((size, 3), np.uint8)
        tab[: len(self.colors)] = self.colors
        return tab.tobytes()


def _code(colour: str) -> int:
    c = colour.lstrip("#")
    return int(c[0:2], 16) << 16 | int(c[2:4], 16) << 8 | int(c[4:6], 16)


def named_colours() -> list[str]:
    """Every colour the themes and the Okabe-Ito palette name: these always get an exact palette entry."""
    from convfig.render.style import OKABE_ITO, THEMES

    out = list(OKABE_ITO.values())
    for th in THEMES.values():
        out.extend(v for k, v in th.as_dict().items() if k != "name")
    return out


def _median_cut(rgb: np.ndarray, counts: np.ndarray, k: int) -> np.ndarray:
    """Palette of k colours from weighted colours (Pillow's median cut on a weighted swatch)."""
    from PIL import Image

    reps = np.minimum(counts, 4096)                  # cap so huge flat areas don't drown the text colours
    swatch = np.repeat(rgb, reps, axis=0)
    pad = (-len(swatch)) % 256
    if pad:
        swatch = np.concatenate([swatch, np.repeat(swatch[:1], pad, axis=0)])
    im = Image.fromarray(swatch.reshape(-1, 256, 3))
    q = im.quantize(colors=k, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    pal = np.array((q.getpalette() or [])[: 3 * k], np.uint8).reshape(-1, 3)
    used = np.unique(np.asarray(q))
    return pal[used]


def _nearest(rgb: np.ndarray, colors: np.ndarray) -> np.ndarray:
    out = np.empty(len(rgb), np.uint8)
    c = colors.astype(np.int32)
    for i in range(0, len(rgb), 4096):
        chunk = rgb[i:i + 4096].astype(np.int32)
        d = ((chunk[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        out[i:i + 4096] = d.argmin(axis=1)
    return out


def _lzw_frame(idx: np.ndarray, bits: int, offset: tuple[int, int], duration_ms: int,
               transparent: int | None) -> bytes:
    """Graphic control extension + image descriptor + LZW data of one frame.

    LZW is Pillow's C encoder, but with the minimum code size of the palette (``bits``) instead of
    Pillow's fixed 8: codes start at bits + 1, so a 32-colour palette's codes start at 6 bits, not 9.
    """
    from PIL import Image

    h, w = idx.shape
    im = Image.frombytes("P", (w, h), np.ascontiguousarray(idx).tobytes())
    enc = Image._getencoder("P", "gif", ("P", bits, 0))
    enc.setimage(im.im, (0, 0, w, h))
    chunks = []
    while True:
        _n, err, data = enc.encode(1 << 16)
        chunks.append(data)
        if err:
            break
    if err < 0:
        raise RuntimeError(f"GIF encoder error {err}")
    flags = 0x04 | (1 if transparent is not None else 0)          # disposal 1: do not dispose
    delay = int(duration_ms) // 10
    gce = b"!\xf9\x04" + bytes([flags]) + delay.to_bytes(2, "little") + bytes([transparent or 0, 0])
    desc = (b"," + offset[0].to_bytes(2, "little") + offset[1].to_bytes(2, "little")
            + w.to_bytes(2, "little") + h.to_bytes(2, "little") + b"\x00")
    return gce + desc + bytes([bits]) + b"".join(chunks) + b"\x00"


def encode_gif(frames: Sequence[np.ndarray] | FrameSeq, durations_ms: Sequence[int],
               max_colors: int = MAX_COLORS, keep: Sequence[str] | None = None, plays: int = 0) -> bytes:
    """Animated GIF bytes: shared palette, no dither, delta frames, loop forever (``plays`` 0) or play n times."""
    n = len(frames)
    if n == 0:
        raise ValueError("no frames")
    if len(durations_ms) != n:
        raise ValueError("one duration per frame")
    pal = Palette(frames, max_colors, keep)
    table = pal.table()
    first = frames.first if isinstance(frames, FrameSeq) else frames[0]
    H, W = first.shape[:2]
    n_entries = len(table) // 3
    size_bits = n_entries.bit_length() - 2              # 2 ** (size_bits + 1) entries
    bits = max(2, size_bits + 1)                        # LZW minimum code size
    out = io.BytesIO()
    out.write(b"GIF89a" + W.to_bytes(2, "little") + H.to_bytes(2, "little")
              + bytes([0x80 | 0x70 | size_bits, 0, 0]) + table)
    if plays != 1:                                      # no loop block: play once
        out.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + max(0, plays - 1).to_bytes(2, "little") + b"\x00")
    canvas = pal.index(first)
    out.write(_lzw_frame(canvas, bits, (0, 0), durations_ms[0], None))
    for i in range(1, n):
        changed = np.zeros((H, W), bool)
        if isinstance(frames, FrameSeq):
            for y, x, p in frames.patches[i]:
                ph, pw = p.shape[:2]
                new = pal.index(p)
                view = canvas[y:y + ph, x:x + pw]
                diff = new != view
                changed[y:y + ph, x:x + pw] |= diff
                view[diff] = new[diff]
        else:
            new = pal.index(np.asarray(frames[i]))
            changed = new != canvas
            canvas = np.where(changed, new, canvas).astype(np.uint8)
        ys = np.flatnonzero(changed.any(axis=1))
        if len(ys) == 0:   # identical frame: keep it (one frame per step) as one transparent pixel
            sub = np.full((1, 1), pal.transparent, np.uint8)
            out.write(_lzw_frame(sub, bits, (0, 0), durations_ms[i], pal.transparent))
            continue
        xs = np.flatnonzero(changed.any(axis=0))
        y0, y1, x0, x1 = ys[0], ys[-1] + 1, xs[0], xs[-1] + 1
        sub = canvas[y0:y1, x0:x1].copy()
        sub[~changed[y0:y1, x0:x1]] = pal.transparent
        out.write(_lzw_frame(sub, bits, (int(x0), int(y0)), durations_ms[i], pal.transparent))
    out.write(b";")
    return out.getvalue()


def encode_png(frame: np.ndarray, max_colors: int = 255, keep: Sequence[str] | None = None) -> bytes:
    """PNG bytes of one RGB frame as a palette PNG (deterministic).

    Up to 256 colours are kept exactly; beyond that (anti-aliased diagrams) the named theme colours and
    the most used flat colours stay exact and the shades in between share the rest of a 255-colour
    palette (no dithering): a third of the bytes of an RGB PNG, no visible difference at 100 %.
    """
    from PIL import Image

    frame = np.asarray(frame)
    codes = _codes(frame)
    uniq = np.unique(codes)
    if len(uniq) <= 256:
        table = np.stack([(uniq >> 16) & 255, (uniq >> 8) & 255, uniq & 255], axis=1).astype(np.uint8).tobytes()
        idx = np.searchsorted(uniq, codes).astype(np.uint8)
    else:
        pal = Palette([frame], max_colors, keep)
        table, idx = pal.table(), pal.index(frame)
    im = Image.frombytes("P", (frame.shape[1], frame.shape[0]), np.ascontiguousarray(idx).tobytes())
    im.putpalette(table)
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=False, compress_level=8)   # 9: 2.5x the time for 1 % fewer bytes
    return buf.getvalue()


def encode_frame_pngs(rendered: Rendered, max_colors: int = MAX_COLORS) -> list[bytes]:
    """One palette PNG per frame (for the site's step-through viewer), quantised with the same shared
    palette as the GIF so both look alike; fast zlib level, deterministic."""
    from PIL import Image

    frames = rendered.frames
    pal = Palette(frames, max_colors, rendered.palette_hint)
    table = pal.table()
    out = []
    for i in range(len(frames)):
        idx = pal.index(np.asarray(frames[i]))
        im = Image.frombytes("P", (idx.shape[1], idx.shape[0]), np.ascontiguousarray(idx).tobytes())
        im.putpalette(table)
        buf = io.BytesIO()
        im.save(buf, "PNG", optimize=False, compress_level=6)
        out.append(buf.getvalue())
    return out


def poster_png(rendered: Rendered) -> bytes:
    """Poster: the last frame (the finished output) as PNG."""
    return encode_png(rendered.frames[-1])


def encode(rendered: Rendered) -> dict[str, bytes]:
    """All files of a figure: {'gif', 'png'} for animations, {'png', 'svg'} for diagrams."""
    if len(rendered.frames) > 1 or rendered.svg is None:
        out = {"gif": encode_gif(rendered.frames, rendered.durations_ms, keep=rendered.palette_hint),
               "png": poster_png(rendered)}
        if rendered.svg is not None:
            out["svg"] = rendered.svg
        return out
    return {"png": encode_png(rendered.frames[0], keep=rendered.palette_hint), "svg": rendered.svg}
