"""Any figure in the format and size a slide or a printed page needs (``convfig figure`` / ``convfig gif``).

Formats, chosen by the output's extension:

- animations: ``.gif`` (the project's encoder: one shared palette, delta frames), ``.webp`` (animated,
  lossless), ``.apng`` (delta frames), ``.mp4`` (H.264, yuv420p, even sizes, BT.709 tags: plays in browsers,
  PowerPoint, Keynote and Google Slides; ffmpeg from the imageio-ffmpeg wheel), or a folder of numbered
  PNG frames (``frames_dir``) for click-through builds;
- stills (a diagram, or an animation's last frame as its poster): ``.png``, ``.svg`` and ``.pdf``
  (vector, one page, fonts embedded: ``convfig.render.pdf``).

Size: ``Options.scale`` / ``width`` / ``height`` re-render the Layout at that size (text and lines drawn
there, not upscaled pixels); ``slide`` puts it on a 16:9 1920 x 1080 page. ``background``: the theme's,
white, or transparent (drawn on black and on white, alpha recovered from the difference: exact for
anti-aliased edges). Timing: ``hold_last`` seconds on the last frame, ``plays`` (0 = loop forever).
MP4 has no loop flag (players loop it): ``plays`` n repeats the frames n times in the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from convfig.errors import ConvfigError
from convfig.render import canvas, protocol
from convfig.render.formats import BG_COLOURS, encode, write_frames, write_mp4
from convfig.render.layout import Layout
from convfig.render.style import get_theme
from convfig.render.types import FigureSpec, FrameSeq, Rendered

ANIMATION_FORMATS = ("gif", "webp", "apng", "mp4")
STILL_FORMATS = ("png", "svg", "pdf")
FORMATS = ANIMATION_FORMATS + STILL_FORMATS
BACKGROUNDS = ("theme", "white", "transparent")
SLIDE = (1920, 1080)
SLIDE_MARGIN = 24            # px around the figure on a slide page
MAX_SIDE = 4096              # px, either side of the output
MAX_SCALE = 8.0


@dataclass(frozen=True)
class Options:
    """How to write a figure: size (one of scale / width / height / slide), background, timing."""

    scale: float | None = None
    width: int | None = None
    height: int | None = None
    slide: bool = False
    background: str = "theme"
    hold_last: float | None = None     # seconds on the last frame (None: the figure's own hold)
    plays: int = 0                     # 0: loop forever; n: play n times

    def check(self) -> None:
        if self.scale is not None and (self.width or self.height or self.slide):
            raise ConvfigError("--scale: give either --scale or --width/--height/--slide, not both")
        if self.scale is not None and not 0.25 <= self.scale <= MAX_SCALE:
            raise ConvfigError(f"--scale {self.scale:g}: must be between 0.25 and {MAX_SCALE:g}")
        for flag, v in (("--width", self.width), ("--height", self.height)):
            if v is not None and not 64 <= v <= MAX_SIDE:
                raise ConvfigError(f"{flag} {v}: must be between 64 and {MAX_SIDE} pixels")
        if self.background not in BACKGROUNDS:
            raise ConvfigError(f"--background {self.background!r}: must be one of {', '.join(BACKGROUNDS)}")
        if self.hold_last is not None and not 0 <= self.hold_last <= 60:
            raise ConvfigError(f"--hold-last {self.hold_last:g}: must be between 0 and 60 seconds")
        if not 0 <= self.plays <= 1000:
            raise ConvfigError(f"--loop {self.plays}: must be 'forever' or a number of plays from 1 to 1000")


def parse_loop(text: str) -> int:
    """``forever`` -> 0, ``N`` -> N plays (>= 1)."""
    t = str(text).strip().lower()
    if t in ("forever", "infinite", "0"):
        return 0
    if not t.isdigit() or int(t) < 1:
        raise ConvfigError(f"--loop {text!r}: give 'forever' or a number of plays (1, 2, ...)")
    return int(t)


def format_of(path: str | os.PathLike[str]) -> str:
    """The format an output file asks for, from its extension (``.png`` with an animation: the poster)."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in FORMATS:
        raise ConvfigError(f"-o {path}: unknown extension; use one of {', '.join('.' + f for f in FORMATS)}")
    return ext


@dataclass(frozen=True)
class Geometry:
    """Where the figure goes: drawn at ``scale``, on a ``page`` (w, h) at ``offset`` (x, y), output px."""

    scale: float
    size: tuple[int, int]          # the drawn figure
    page: tuple[int, int]          # the whole output (= size unless a page was asked for)
    offset: tuple[int, int]


def geometry(width: int, height: int, opts: Options) -> Geometry:
    """Scale and page for a ``width`` x ``height`` Layout (1x px); ConvfigError when too large."""
    page: tuple[int, int] | None = None
    if opts.slide or (opts.width and opts.height):
        pw = opts.width or SLIDE[0]
        page = (pw, opts.height or round(pw * SLIDE[1] / SLIDE[0]))
        margin = SLIDE_MARGIN * pw / SLIDE[0] if opts.slide else 0
        scale = min((page[0] - 2 * margin) / width, (page[1] - 2 * margin) / height)
    elif opts.width:
        scale = opts.width / width
    elif opts.height:
        scale = opts.height / height
    else:
        scale = opts.scale or 1.0
    size = canvas.scaled_size(width, height, scale)     # what the Raster draws (--width W alone: W wide)
    page = page or size
    if max(page) > MAX_SIDE or scale > MAX_SCALE:
        raise ConvfigError(f"the figure would be {page[0]}x{page[1]} px (scale {scale:.2f}); at most {MAX_SIDE} "
                           f"px a side and scale {MAX_SCALE:g}: use a smaller --width/--height/--scale")
    offset = ((page[0] - size[0]) // 2, (page[1] - size[1]) // 2)
    return Geometry(scale, size, page, offset)


@dataclass
class Drawn:
    """A figure drawn for export: frames (RGB; with ``under_white`` too when transparent), timing, Layout."""

    rendered: Rendered
    layout: Layout
    theme: str
    geo: Geometry
    animated: bool
    background: str = "theme"
    under_white: Rendered | None = None      # transparent: the same drawn on white (``rendered`` on black)

    @property
    def durations_ms(self) -> list[int]:
        return list(self.rendered.durations_ms)

    def rgb_frames(self) -> Iterator[np.ndarray]:
        """Every frame as a full RGB array on the page (one buffer, updated in place: copy to keep)."""
        return _pages(self.rendered.frames, self.geo, self.bg_rgb())

    def paged_frames(self) -> Any:
        """The frames on the page as a FrameSeq (first frame + offset patches: no full copy per frame)."""
        frames = self.rendered.frames
        if self.geo.page == self.geo.size:
            return frames
        first = next(_pages(frames[:1], self.geo, self.bg_rgb())).copy()
        if not isinstance(frames, FrameSeq):
            return [first]
        ox, oy = self.geo.offset
        out = FrameSeq(first)
        for patches in frames.patches[1:]:
            out.append_patches([(y + oy, x + ox, p) for y, x, p in patches])
        return out

    def rgba_frames(self) -> Iterator[np.ndarray]:
        """Every frame as RGBA (alpha from the black/white pair; opaque when not transparent)."""
        if self.under_white is None:
            out = np.full((self.geo.page[1], self.geo.page[0], 4), 255, np.uint8)   # one buffer, as rgb_frames
            for f in self.rgb_frames():
                out[..., :3] = f
                yield out
            return
        for b, w in zip(self.rgb_frames(), _pages(self.under_white.frames, self.geo, (255, 255, 255))):
            yield _alpha(b, w)

    def bg_rgb(self) -> tuple[int, int, int]:
        """The page colour behind ``rendered`` (black for a transparent figure's first drawing)."""
        colour = BG_COLOURS[self.background] or "bg"
        return canvas.Raster(1, 1, get_theme(self.theme)).rgb(colour)




def _alpha(black: np.ndarray, white: np.ndarray) -> np.ndarray:
    """RGBA from one picture drawn on black and on white: alpha = 1 - (white - black), colour = black / alpha."""
    b, w = black.astype(np.int32), white.astype(np.int32)
    a = 255 - np.clip((w - b).max(axis=2), 0, 255)
    colour = np.where(a[..., None] > 0, np.clip(b * 255 // np.maximum(a, 1)[..., None], 0, 255), 0)
    return np.dstack([colour, a]).astype(np.uint8)


def _pages(frames: Any, geo: Geometry, bg: tuple[int, int, int]) -> Iterator[np.ndarray]:
    """Full frames placed on the page, applying FrameSeq patches in place (no copy per frame)."""
    (pw, ph), (ox, oy) = geo.page, geo.offset
    page = np.empty((ph, pw, 3), np.uint8)
    page[:] = bg
    if isinstance(frames, FrameSeq):
        first = frames.first
        h, w = first.shape[:2]
        page[oy:oy + h, ox:ox + w] = first
        yield page
        for patches in frames.patches[1:]:
            for y, x, p in patches:
                page[oy + y:oy + y + p.shape[0], ox + x:ox + x + p.shape[1]] = p
            yield page
        return
    for f in frames:
        h, w = f.shape[:2]
        page[oy:oy + h, ox:ox + w] = f
        yield page


def draw(spec: FigureSpec, opts: Options) -> Drawn:
    """Plan the figure and draw it at the size ``opts`` asks for (nothing written)."""
    opts.check()
    if opts.slide:
        spec = replace(spec, target="slide")
    layout = protocol.layout_of(spec)
    geo = geometry(layout.width, layout.height, opts)
    animated = bool(layout.steps)

    def once(background: str | None) -> Rendered:
        if animated:
            r = protocol.animate(layout, spec.theme, int(spec.params.get("fps", 2)), geo.scale, background)
            if opts.hold_last is not None:
                r.durations_ms[-1] = max(r.durations_ms[0] if len(r.durations_ms) > 1 else 0,
                                         round(opts.hold_last * 1000))
            return r
        return protocol.still(layout, spec.theme, geo.scale, background)

    white = once("#ffffff") if opts.background == "transparent" else None
    return Drawn(once(BG_COLOURS[opts.background]), layout, spec.theme, geo, animated, opts.background, white)


def check_format(fmt: str, animated: bool, opts: Options, kind: str) -> None:
    """Refuse a format the figure or the options cannot give, before any drawing."""
    if fmt in ANIMATION_FORMATS and fmt != "gif" and not animated:     # a GIF of one frame is a picture too
        raise ConvfigError(f"-o: {kind} is a still diagram; write .png, .svg, .pdf (or .gif)")
    if fmt == "mp4":
        try:
            import imageio_ffmpeg  # noqa: F401
        except ImportError:
            raise ConvfigError("-o: MP4 needs the imageio-ffmpeg package: pip install 'convfig[slides]'") from None
    if opts.background == "transparent" and fmt in ("gif", "mp4"):
        raise ConvfigError(f"--background transparent: .{fmt} has no partial transparency; use .webp, .apng, "
                           ".png, .svg or .pdf, or --background white")
    if fmt in STILL_FORMATS and (opts.hold_last is not None or opts.plays):
        raise ConvfigError(f"--hold-last/--loop: a .{fmt} is one picture; timing needs .gif, .webp, .apng or .mp4")


def number_size(drawn: Drawn) -> tuple[float, int]:
    """(font size in px, ink height of a digit in px) of the smallest numbers in the figure's cells (keyed
    items), as drawn: what the back row of a room has to read."""
    from convfig.render import text as tx

    last = len(drawn.layout.steps) - 1 if drawn.layout.steps else None
    sizes = [float(getattr(it, "size", 11)) for it in canvas.items_at(drawn.layout, last)
             if getattr(it, "key", None) is not None and any(ch.isdigit() for ch in getattr(it, "text", ""))]
    size = min(sizes) if sizes else 11.0
    return tx.px(size) * drawn.geo.scale, tx.mask("0", size, scale=drawn.geo.scale).cap


def write(spec: FigureSpec, out: Path | None, opts: Options, frames_dir: Path | None = None) -> dict[str, Any]:
    """Check everything, draw the figure once, then write ``out`` (format from its extension) and/or a
    folder of frames; every file atomically (nothing is left behind on an error). Returns what was made."""
    from convfig.render.cache import atomic_write

    opts.check()
    fmt = format_of(out) if out is not None else None
    if fmt is not None:
        check_format(fmt, spec.animated, opts, spec.kind)
    if frames_dir is not None:
        if not spec.animated:
            raise ConvfigError(f"--frames: {spec.kind} is a still diagram (one picture); write it with -o x.png")
        if frames_dir.exists() and (not frames_dir.is_dir() or any(frames_dir.iterdir())):
            raise ConvfigError(f"--frames {frames_dir}: exists and is not an empty folder")
    drawn = draw(spec, opts)
    info: dict[str, Any] = {"frames": len(drawn.rendered.frames), "width": drawn.geo.page[0],
                            "height": drawn.geo.page[1], "scale": drawn.geo.scale, "alt": drawn.layout.alt}
    if fmt == "mp4" and out is not None:
        info["video_frames"] = write_mp4(drawn, out, opts, int(spec.params.get("fps", 2)))
        info["bytes"] = out.stat().st_size
    elif fmt is not None and out is not None:
        data = encode(drawn, fmt, opts)
        atomic_write(out, data)
        info["bytes"] = len(data)
    if frames_dir is not None:
        write_frames(drawn, frames_dir)
    return info
