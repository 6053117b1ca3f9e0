"""Text for every figure: glyph coverage masks from FreeType through Pillow's public ImageFont API.

Fonts are the DejaVu faces matplotlib ships (found with ``matplotlib.font_manager.findfont``, a public
API), so every machine draws the same pixels. Sizes are in points at ``DPI`` (1 pt = 100/72 px, as the
rest of the style). Masks are cached per (text, size, bold, mono, levels): the same glyphs give the same
pixels wherever they appear, which keeps GIF frames small.

>>> m = mask("7", 11)
>>> m.ink.shape[0] > 5 and m.width > 3
True
>>> width("10", 11) > width("1", 11)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np

DPI = 100
FONT_FAMILY = "DejaVu Sans"
MONO_FAMILY = "DejaVu Sans Mono"


@cache
def font_path(bold: bool = False, mono: bool = False) -> str:
    """Path of the DejaVu font file for this face."""
    from matplotlib import font_manager

    prop = font_manager.FontProperties(family=MONO_FAMILY if mono else FONT_FAMILY,
                                       weight="bold" if bold else "normal")
    return font_manager.findfont(prop, fallback_to_default=True)


@lru_cache(maxsize=256)
def _font(size_px: float, bold: bool, mono: bool) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(font_path(bold, mono), size=size_px)


def px(size_pt: float) -> float:
    """Points to pixels at the figures' DPI."""
    return size_pt * DPI / 72.0


@dataclass(frozen=True)
class Mask:
    """Coverage of one line of text: ``ink`` uint8 0..255 (h, w) cropped to the ink.

    ``left`` is the ink's x offset from the pen, ``top`` the ink's y offset from the baseline (negative:
    above it), ``advance`` the pen advance, ``ascent``/``descent`` the font's line metrics (px).
    """

    ink: np.ndarray
    left: int
    top: int
    advance: int
    ascent: int
    descent: int
    cap: int          # ink height of the digits (for centring numbers)

    @property
    def width(self) -> int:
        return self.left + self.ink.shape[1]


@lru_cache(maxsize=20000)
def mask(s: str, size: float, bold: bool = False, mono: bool = False, levels: int = 0, scale: float = 1.0) -> Mask:
    """Coverage mask of ``s`` at ``size`` pt (times ``scale``); ``levels`` > 1 quantises it to that many steps."""
    from PIL import Image, ImageDraw

    f = _font(round(px(size) * scale * 4) / 4, bold, mono)
    x0, y0, x1, y1 = f.getbbox(s, anchor="ls") if s else (0, 0, 0, 0)
    ascent, descent = f.getmetrics()
    cap = -f.getbbox("0", anchor="ls")[1]
    advance = int(round(f.getlength(s))) if s else 0
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    im = Image.new("L", (w, h), 0)
    if s.strip():
        ImageDraw.Draw(im).text((-x0, -y0), s, font=f, fill=255, anchor="ls")
    a = np.asarray(im, dtype=np.uint8)
    if levels > 1:
        a = ((a.astype(np.uint16) * (levels - 1) + 127) // 255 * 255 // (levels - 1)).astype(np.uint8)
    rows, cols = np.flatnonzero(a.any(axis=1)), np.flatnonzero(a.any(axis=0))
    if len(rows) == 0:
        return Mask(np.zeros((0, 0), np.uint8), 0, 0, advance, ascent, descent, cap)
    ink = np.ascontiguousarray(a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    ink.setflags(write=False)
    return Mask(ink, int(x0 + cols[0]), int(y0 + rows[0]), advance, ascent, descent, cap)


def width(s: str, size: float, bold: bool = False, mono: bool = False) -> int:
    """Width in pixels from the pen to the end of the ink (or the advance, whichever is larger)."""
    m = mask(s, size, bold, mono)
    return max(m.width, m.advance)


def fit(s: str, size: float, max_w: float, bold: bool = False, mono: bool = False, smallest: float = 7) -> float:
    """The largest size <= size (0.5 pt steps, >= smallest) at which s is at most max_w px wide."""
    while size > smallest and width(s, size, bold, mono) > max_w:
        size -= 0.5
    return size


def mono_advance(size: float) -> int:
    """Pen advance of one character of the monospaced face at this size (whole pixels)."""
    return mask("0", size, mono=True).advance


def place(m: Mask, x: float, y: float, ha: str, va: str) -> tuple[int, int]:
    """Top-left pixel of the ink for anchor (x, y).

    ha: left (x = pen) | center | right (of the ink); va: baseline | center (y = centre of the digits) |
    top (y = top of the line) | bottom.
    """
    w = m.ink.shape[1]
    if ha == "left":
        x0 = x + m.left
    elif ha == "center":
        x0 = x - w / 2
    else:
        x0 = x - w
    if va == "baseline":
        yb = y
    elif va == "center":
        yb = y + m.cap / 2
    elif va == "top":
        yb = y + m.ascent
    else:
        yb = y - m.descent
    return int(round(x0)), int(round(yb + m.top))
