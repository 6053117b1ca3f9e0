"""Figure style: themes, the Okabe–Ito palette, fonts and sizes, and a contrast checker.

Bump STYLE_VERSION whenever a change here (or in a renderer) changes pixels: it is part of the cache key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from convfig.errors import ConvfigError

STYLE_VERSION = "3"

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# fonts (DejaVu, found through matplotlib) and the pt -> px scale live in convfig.render.text
CELL_PX = 34                          # side of one grid cell in pixels
FONT_CELL = 11                        # numbers in cells (pt) -> ~15 px: legible at 100 %
FONT_SMALL = 8                        # kernel weights inside the window
FONT_LABEL = 11                       # "input 5×5 ..." labels
FONT_CAPTION = 10                     # Keras call / sum line
FONT_TITLE = 12
MIN_WIDTH_PX = 400                    # every animation at least this wide (GUIDE §4)
FRAME_MS = 500                        # default 2 fps
LAST_FRAME_MS = 2500                  # last frame held longer
MIN_CONTRAST = 4.5                    # WCAG AA for text


@dataclass(frozen=True)
class Theme:
    """Colours of one theme. Every text colour is checked against the fills it sits on (>= 4.5:1)."""

    name: str
    bg: str             # figure background
    fg: str             # main text, cell numbers
    muted: str          # secondary text (captions, padding zeros)
    grid: str           # cell borders
    input_fill: str     # real input cells (light tint: input is lighter than output)
    pad_fill: str       # padding cells (hatched on top, dashed border)
    pad_hatch: str      # hatch colour on padding
    window: str         # kernel window outline (Okabe–Ito vermillion)
    window_fill: str    # cells under the window
    weight: str         # kernel weights text inside the window
    output_fill: str    # output cells already written (darker/more saturated than input)
    output_new: str     # the output cell being written now
    output_empty: str   # output cells not yet written
    accent: str         # secondary highlight (Okabe–Ito blue family)
    future: str         # greyed-out "future" cells (causal 1D)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


LIGHT = Theme(
    name="light",
    bg="#ffffff",
    fg="#1a1a1a",
    muted="#4a4a4a",
    grid="#6b6b6b",
    input_fill="#e3f1fb",     # very light sky blue
    pad_fill="#f4f4f4",
    pad_hatch="#a8a8a8",
    window="#D55E00",
    window_fill="#fde3cf",
    weight="#8a3a00",
    output_fill="#f7d58c",    # orange tint, clearly darker than input_fill
    output_new="#E69F00",
    output_empty="#ffffff",
    accent="#0072B2",
    future="#d9d9d9",
)

DARK = Theme(
    name="dark",
    bg="#1e2129",             # Material slate-ish
    fg="#f0f0f0",
    muted="#c3c7d0",
    grid="#8a909c",
    input_fill="#233a4d",     # dark blue tint (input darker = quieter)
    pad_fill="#262a33",
    pad_hatch="#5d6370",
    window="#ff8c42",         # vermillion lifted for dark backgrounds
    window_fill="#4d2f1c",
    weight="#ffc499",
    output_fill="#6b5217",    # orange tint, lighter than input_fill on dark
    output_new="#805a00",
    output_empty="#1e2129",
    accent="#56B4E9",
    future="#3a3f4a",
)

THEMES = {"light": LIGHT, "dark": DARK}


def get_theme(name: str) -> Theme:
    """Return the named theme or raise ConvfigError naming ``theme``."""
    try:
        return THEMES[name]
    except (KeyError, TypeError):
        raise ConvfigError(f"theme: must be one of {', '.join(THEMES)}, got {name!r}") from None


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"expected #rrggbb, got {colour!r}")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def relative_luminance(colour: str | tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour ('#rrggbb' or 0-255 triple)."""
    rgb = hex_to_rgb(colour) if isinstance(colour, str) else colour
    lin = []
    for v in rgb:
        s = v / 255.0
        lin.append(s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    """WCAG contrast ratio between two colours, 1.0 .. 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


# (text colour field, background fill field) pairs that occur in the figures: a quick report. The full set,
# mixes included, is read from every kind's Layouts by convfig.render.contrast (tests/test_figure_contrast.py).
TEXT_PAIRS = [
    ("fg", "bg"), ("muted", "bg"), ("fg", "input_fill"), ("muted", "pad_fill"), ("fg", "pad_fill"),
    ("fg", "window_fill"), ("weight", "window_fill"), ("weight", "input_fill"), ("weight", "pad_fill"),
    ("fg", "output_fill"), ("fg", "output_new"),
    ("fg", "output_empty"), ("weight", "bg"), ("accent", "bg"), ("muted", "future"),
    ("muted", "window_fill"), ("muted", "output_empty"),
]


def contrast_report(theme: Theme) -> dict[tuple[str, str], float]:
    """Contrast ratio of every text/fill pair used by the figures."""
    d = theme.as_dict()
    return {(t, b): contrast_ratio(d[t], d[b]) for t, b in TEXT_PAIRS}
