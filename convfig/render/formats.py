"""Writers for ``convfig.render.export``: one function per file format, fed a drawn figure (``Drawn``).

GIF through the project's encoder (``convfig.render.encode``: 94 % of Pillow's GIF writer's bytes on the
14x14 animation at 1920 wide, bench/bench_slides.py); animated lossless WebP through Pillow; APNG written
here frame by frame (delta boxes, Pillow's PNG encoder for the pixels); MP4 (H.264) through the ffmpeg
binary of the imageio-ffmpeg wheel, streamed frame by frame; PNG (RGBA when transparent); SVG through
``canvas.svg`` and PDF through ``convfig.render.pdf``, both vector.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from convfig.errors import ConvfigError
from convfig.render import canvas
from convfig.render.style import get_theme

if TYPE_CHECKING:
    from convfig.render.export import Drawn, Options

# the colour each --background draws with (transparent: first on black, then on white; None: the theme's)
BG_COLOURS: dict[str, str | None] = {"theme": None, "white": "#ffffff", "transparent": "#000000"}
HELD_BYTES = 1 << 30         # the WebP/APNG writers hold every frame: refuse beyond this


def encode(drawn: Drawn, fmt: str, opts: Options) -> bytes:
    """The file's bytes for every format but MP4 (see ``write_mp4``)."""
    if fmt == "svg" or fmt == "pdf":
        return _vector(drawn, fmt)
    if fmt == "png":
        *_, last = drawn.rgba_frames() if drawn.under_white else drawn.rgb_frames()
        return _png(last)
    if fmt == "gif":
        from convfig.render.encode import encode_gif

        return encode_gif(drawn.paged_frames(), drawn.durations_ms, keep=drawn.rendered.palette_hint,
                          plays=opts.plays)
    if fmt == "apng":
        return _apng(drawn, opts)
    return _webp(drawn, opts)


def _png(frame: np.ndarray) -> bytes:
    from convfig.render.encode import encode_png

    if frame.shape[2] == 3:
        return encode_png(frame)
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(frame, "RGBA").save(buf, "PNG", optimize=False, compress_level=9)
    return buf.getvalue()


def _vector(drawn: Drawn, fmt: str) -> bytes:
    from convfig.render.pdf import pdf

    g, lay = drawn.geo, drawn.layout
    view = (-g.offset[0] / g.scale, -g.offset[1] / g.scale, g.page[0] / g.scale, g.page[1] / g.scale)
    step = len(lay.steps) - 1 if lay.steps else None
    bg = "none" if drawn.under_white else BG_COLOURS[drawn.background]
    theme = get_theme(drawn.theme)
    if fmt == "svg":
        return canvas.svg(lay, theme, step, g.scale, bg, view)
    return pdf(lay, theme, step, g.scale, bg, view)


def _webp(drawn: Drawn, opts: Options) -> bytes:
    """Animated lossless WebP through Pillow, which needs every frame at once (refused over HELD_BYTES)."""
    from PIL import Image

    n, (w, h) = len(drawn.rendered.frames), drawn.geo.page
    channels = 4 if drawn.under_white else 3
    if n * w * h * channels > HELD_BYTES:
        raise ConvfigError(f"-o: a .webp of {n} frames at {w}x{h} needs {n * w * h * channels / 2**30:.1f} GiB "
                           "of frames in memory; use .apng, .mp4 or .gif, or a smaller --width")
    mode = "RGBA" if drawn.under_white else "RGB"
    source = drawn.rgba_frames() if drawn.under_white else drawn.rgb_frames()
    images = [Image.fromarray(f.copy(), mode) for f in source]
    buf = io.BytesIO()
    images[0].save(buf, "WEBP", save_all=True, append_images=images[1:], duration=drawn.durations_ms,
                   loop=opts.plays, lossless=True, quality=60, method=4)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def _idat(pixels: np.ndarray) -> bytes:
    """The zlib stream of one RGBA (sub)image as Pillow's PNG encoder filters and compresses it."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels), "RGBA").save(buf, "PNG", compress_level=1)
    data, pos, out = buf.getvalue(), 8, []
    while pos < len(data):
        n, kind = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4:pos + 8]
        if kind == b"IDAT":
            out.append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    return b"".join(out)


def _apng(drawn: Drawn, opts: Options) -> bytes:
    """APNG (RGBA) written frame by frame, memory two frames: frame 0 whole, then the box of what changed
    with unchanged pixels transparent, blended over (as the GIF's delta frames); delays in ms,
    ``num_plays`` = plays (0: forever). Transparent figures replace their box (blend source)."""
    transparent = drawn.under_white is not None
    frames = drawn.rgba_frames()
    durations = drawn.durations_ms
    w, h = drawn.geo.page
    out = [b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)),
           _chunk(b"acTL", struct.pack(">II", len(durations), opts.plays))]
    seq, prev = 0, None
    for i, frame in enumerate(frames):
        x0 = y0 = 0
        box = frame
        if prev is not None:
            changed = frame.view(np.uint32)[..., 0] != prev.view(np.uint32)[..., 0]     # RGBA as one word
            ys, xs = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            y0, y1, x0, x1 = (ys[0], ys[-1] + 1, xs[0], xs[-1] + 1) if len(ys) else (0, 1, 0, 1)
            box = frame[y0:y1, x0:x1]
            if not transparent:               # unchanged pixels: fully transparent, blended over the last frame
                box = np.where(changed[y0:y1, x0:x1, None], box, 0).astype(np.uint8)
        bh, bw = box.shape[:2]
        out.append(_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, bw, bh, x0, y0, min(durations[i], 65535), 1000,
                                               0, 0 if transparent or prev is None else 1)))
        seq += 1
        data = _idat(box)
        if prev is None:
            out.append(_chunk(b"IDAT", data))
        else:
            out.append(_chunk(b"fdAT", seq.to_bytes(4, "big") + data))
            seq += 1
        prev = frame.copy()
    out.append(_chunk(b"IEND", b""))
    return b"".join(out)


def mp4_repeats(durations_ms: list[int], fps: int) -> list[int]:
    """How many video frames (at ``fps``) show each figure frame: its duration, at least one."""
    return [max(1, round(d * fps / 1000)) for d in durations_ms]


def write_mp4(drawn: Drawn, path: Path, opts: Options, fps: int) -> int:
    """H.264 MP4 (yuv420p, even size, BT.709) at ``fps``, written atomically; returns the video frames."""
    import imageio_ffmpeg

    from convfig.render.cache import current_umask

    w, h = drawn.geo.page
    W, H = w + w % 2, h + h % 2                       # yuv420p needs even sizes: one more background pixel
    bg = drawn.bg_rgb()
    repeats = mp4_repeats(drawn.durations_ms, fps) * max(1, opts.plays)
    tmp = _temp_beside(path, ".mp4")
    out = np.empty((H, W, 3), np.uint8)
    out[:] = bg
    n = 0
    try:
        writer = imageio_ffmpeg.write_frames(
            tmp, (W, H), fps=fps, codec="libx264", pix_fmt_out="yuv420p", quality=None, macro_block_size=1,
            ffmpeg_log_level="error",
            output_params=["-preset", "veryfast", "-tune", "animation", "-crf", "20", "-g", str(10 * fps),
                           "-vf", "scale=out_color_matrix=bt709:out_range=tv,setparams=color_primaries=bt709:"
                           "color_trc=bt709:colorspace=bt709", "-movflags", "+faststart", "-map_metadata", "-1",
                           "-fflags", "+bitexact", "-threads", "2"])
        writer.send(None)
        for _ in range(max(1, opts.plays)):
            for frame, k in zip(drawn.rgb_frames(), repeats):
                out[:h, :w] = frame
                data = out.tobytes()
                for _ in range(k):
                    writer.send(data)
                    n += 1
        writer.close()
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def _temp_beside(path: Path, suffix: str) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent or ".")
    os.close(fd)
    return tmp


def write_frames(drawn: Drawn, folder: Path) -> int:
    """One PNG per frame (000.png, 001.png, ...) into ``folder``, built beside it and renamed into place."""
    from convfig.render.cache import current_umask

    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent if str(folder.parent) else "."))
    digits = max(3, len(str(len(drawn.rendered.frames) - 1)))
    try:
        frames = drawn.rgba_frames() if drawn.under_white else drawn.rgb_frames()
        for i, f in enumerate(frames):
            (tmp / f"{i:0{digits}d}.png").write_bytes(_png(f))
        if folder.exists():
            folder.rmdir()
        os.chmod(tmp, 0o777 & ~current_umask())
        os.replace(tmp, folder)
    except BaseException:
        for p in tmp.glob("*"):
            p.unlink()
        tmp.rmdir()
        raise
    return len(drawn.rendered.frames)
