"""The Layout: what a figure shows and where, as data (no pixels). Every figure kind plans one.

Items are boxes (cells, panels), labels, lines, polygons and images at pixel positions of the 1x figure. Colours
are theme field names (``"input_fill"``, ``"window"``, ...), ``"#rrggbb"``, or ``Mix(a, b, t)``, so one
Layout draws in light and dark. A box or label may carry a ``key`` that says what it shows, e.g.
``("output", (1, 2))`` for output cell row 1, column 2 (``(t,)`` in 1D, ``(d, r, c)`` in 3D, filters
last when there are several): tests and readers look up values by key, never by pixel.

Animated kinds add one ``Step`` per frame: ``keep`` items stay from that frame on (an output cell that
was written), ``show`` items are drawn on that frame only (the window, the equation); ``window`` names
the input cells the kernel reads at that step.

>>> lay = Layout(100, 40, [Box(0, 0, 20, 20, fill="output_fill", text="7", key=("output", (0, 0)))])
>>> lay.text_at(("output", (0, 0)))
'7'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

FONT_CELL = 11


@dataclass(frozen=True)
class Mix:
    """A colour between two theme colours: a + t * (b - a)."""

    a: str
    b: str
    t: float


Colour = str | Mix | None
Key = tuple


@dataclass(frozen=True)
class Box:
    """A rectangle (x, y, w, h) with an optional centred text.

    edge: outline colour (None: no outline); lw: outline width; dash: dashed outline; hatch: colour of a
    diagonal hatch over the fill; arms > 0 draws only the top and bottom edges plus arms of that length
    down the sides (the kernel window look); text_dy shifts the text down (px).
    """

    x: float
    y: float
    w: float
    h: float
    fill: Colour = None
    edge: Colour = None
    lw: float = 1.0
    dash: bool = False
    hatch: Colour = None
    arms: float = 0
    text: str = ""
    color: Colour = "fg"
    size: float = FONT_CELL
    bold: bool = False
    text_dy: float = 0
    key: Key | None = None


@dataclass(frozen=True)
class Label:
    """One line of text anchored at (x, y): ha left|center|right, va baseline|center|top|bottom.

    rotate: 0 or 90 (reads bottom to top). plate: fill a background box behind it first.
    """

    x: float
    y: float
    text: str
    size: float = 11
    color: Colour = "fg"
    bold: bool = False
    mono: bool = False
    ha: str = "left"
    va: str = "baseline"
    rotate: int = 0
    plate: Colour = None
    key: Key | None = None


@dataclass(frozen=True)
class Line:
    """A polyline; arrow=True puts a head at the last point."""

    points: tuple[tuple[float, float], ...]
    color: Colour = "grid"
    lw: float = 1.0
    dash: bool = False
    arrow: bool = False
    head: float = 8


@dataclass(frozen=True)
class Poly:
    """A filled polygon with an optional outline."""

    points: tuple[tuple[float, float], ...]
    fill: Colour = None
    edge: Colour = None
    lw: float = 1.0


@dataclass(frozen=True, eq=False)
class Image:
    """A picture (real data: a photo, a feature map in false colour) scaled to the box (x, y, w, h).

    pixels: uint8 (rows, cols) grey or (rows, cols, 3) RGB; each array pixel becomes a block of
    w / cols by h / rows figure pixels (nearest neighbour: one value, one block, nothing smoothed).
    """

    x: float
    y: float
    w: float
    h: float
    pixels: Any
    key: Key | None = None


Item = Box | Label | Line | Poly | Image


@dataclass
class Step:
    """One frame of an animation: what stays from now on, what shows now only, and its sentence."""

    text: str
    keep: list[Item] = field(default_factory=list)
    show: list[Item] = field(default_factory=list)
    window: tuple[Key, ...] = ()


@dataclass
class Layout:
    """A whole figure: size, static items, steps (animations), alt text, and how finely to draw it.

    ss: supersampling factor when rasterised (2 for anti-aliased diagrams; 1 for crisp GIF animations);
    levels: text coverage steps (0: full anti-aliasing; 3: few colours, small GIFs).
    """

    width: int
    height: int
    items: list[Item]
    steps: list[Step] = field(default_factory=list)
    alt: str = ""
    ss: int = 1
    levels: int = 0

    def keyed(self, step: int | None = None) -> Iterator[Box | Label]:
        """Every item with a key visible at ``step`` (None: the static scene only)."""
        for it in self.items:
            if getattr(it, "key", None) is not None:
                yield it  # type: ignore[misc]
        if step is None:
            return
        for i, st in enumerate(self.steps[:step + 1]):
            for it in st.keep + (st.show if i == step else []):
                if getattr(it, "key", None) is not None:
                    yield it  # type: ignore[misc]

    def at(self, key: Key, step: int | None = None) -> Box | Label | None:
        """The last item drawn with this key at ``step`` (what the reader sees there)."""
        found = None
        for it in self.keyed(step):
            if it.key == key:
                found = it
        return found

    def text_at(self, key: Key, step: int | None = None) -> str | None:
        """The text shown for ``key`` at ``step`` (None when nothing with that key is drawn)."""
        it = self.at(key, step)
        return None if it is None else it.text

    def grid(self, name: str, step: int | None = None) -> dict[tuple, str]:
        """{index: text} of every keyed item of one grid (e.g. "output") visible at ``step``."""
        out: dict[tuple, str] = {}
        for it in self.keyed(step):
            key = it.key or ()
            if key[0] == name:
                out[tuple(key[1])] = it.text
        return out
