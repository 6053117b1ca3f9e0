"""Text contrast read from a Layout: every text against every fill drawn under it, light and dark.

The pairs come from the figures themselves, not from a hand list. Each text (a Box's or a Label's) is
judged in the frame where it appears: a static item against the static items drawn before it; a step's
``keep`` text against the static scene and the ``keep`` items so far; a ``show`` text against all that
plus the step's earlier ``show`` items (the driver draws in that order). Its ink box is sampled along its
middle line; under each sample point the topmost filled item drawn before the text (a Box's fill, a
Poly, a Label's plate, the text's own Box) is its background, ``"bg"`` where there is none. Text over a
picture (Image) has no one background colour and is reported as such.

>>> from convfig.render.layout import Box, Label, Layout
>>> lay = Layout(60, 30, [Box(0, 0, 30, 30, fill="input_fill", text="7"), Label(40, 20, "x")])
>>> sorted((t, c, f) for t, c, f in text_on_fills(lay))
[('7', 'fg', 'input_fill'), ('x', 'fg', 'bg')]
"""

from __future__ import annotations

from collections.abc import Iterator

from convfig.render import canvas
from convfig.render.layout import Box, Colour, Image, Item, Label, Layout, Poly
from convfig.render.style import MIN_CONTRAST, Theme, contrast_ratio

IMAGE = "<image>"                      # the background of a text drawn over a picture
SAMPLES = (0.1, 0.3, 0.5, 0.7, 0.9)     # where along a text's middle line its background is read


def _frames(layout: Layout) -> Iterator[tuple[list[Item], list[Item]]]:
    """(what is drawn before, what is new) for the static scene, then each step's keep and show items."""
    yield [], list(layout.items)
    kept = list(layout.items)
    for st in layout.steps:
        yield list(kept), list(st.keep)
        kept += st.keep
        yield list(kept), list(st.show)


def _text_box(it: Box | Label, levels: int) -> tuple[float, float, float, float] | None:
    label = canvas._box_text(it) if isinstance(it, Box) else it
    if not label.text.strip():
        return None
    x0, y0, x1, y1 = canvas._label_box(label, 1, levels)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _points(box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    if x1 - x0 >= y1 - y0:
        return [(x0 + t * (x1 - x0), (y0 + y1) / 2) for t in SAMPLES]
    return [((x0 + x1) / 2, y0 + t * (y1 - y0)) for t in SAMPLES]   # a label turned 90 degrees


def _inside(p: tuple[float, float], poly: tuple[tuple[float, float], ...]) -> bool:
    x, y = p
    hit = False
    for (xa, ya), (xb, yb) in zip(poly, poly[1:] + poly[:1]):
        if (ya > y) != (yb > y) and x < xa + (y - ya) * (xb - xa) / (yb - ya):
            hit = not hit
    return hit


Region = tuple[float, float, float, float, Colour, tuple]   # x0, y0, x1, y1, fill, polygon (or ())


def _region(it: Item, levels: int) -> Region | None:
    """Where an item paints a background a later text can sit on, and in what colour."""
    if isinstance(it, Box) and it.fill is not None:
        return it.x, it.y, it.x + it.w, it.y + it.h, it.fill, ()
    if isinstance(it, Image):
        return it.x, it.y, it.x + it.w, it.y + it.h, IMAGE, ()
    if isinstance(it, Poly) and it.fill is not None:
        xs, ys = [p[0] for p in it.points], [p[1] for p in it.points]
        return min(xs), min(ys), max(xs), max(ys), it.fill, it.points
    if isinstance(it, Label) and it.plate is not None:
        box = _text_box(it, levels)
        if box:
            return box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2, it.plate, ()
    return None


def _fill_at(p: tuple[float, float], under: list[Region]) -> Colour:
    x, y = p
    for x0, y0, x1, y1, fill, poly in reversed(under):
        if x0 <= x <= x1 and y0 <= y <= y1 and (not poly or _inside(p, poly)):
            return fill
    return "bg"


def text_on_fills(layout: Layout) -> set[tuple[str, Colour, Colour]]:
    """Every (text, text colour, background colour) the figure shows; colours as the Layout names them."""
    out: set[tuple[str, Colour, Colour]] = set()
    regions: dict[int, Region | None] = {}

    def region(it: Item) -> Region | None:
        if id(it) not in regions:
            regions[id(it)] = _region(it, layout.levels)
        return regions[id(it)]

    for before, new in _frames(layout):
        under = [r for r in map(region, before) if r is not None]
        for it in new:
            r = region(it)
            if r is not None:
                under.append(r)                   # a Box's own fill lies under its text
            if not isinstance(it, (Box, Label)) or (box := _text_box(it, layout.levels)) is None:
                continue
            for p in _points(box):
                out.add((it.text, it.color, _fill_at(p, under)))
    return out


def low_contrast(layout: Layout, theme: Theme, minimum: float = MIN_CONTRAST) -> list[str]:
    """One line per text whose colour is below ``minimum``:1 against a background under it, or over a picture."""
    bad = []
    for text, colour, fill in sorted(text_on_fills(layout), key=repr):
        if fill == IMAGE:
            bad.append(f"{text!r} in {colour} is drawn over a picture")
            continue
        fg, bg = canvas.resolve(colour, theme), canvas.resolve(fill, theme)
        assert fg is not None and bg is not None
        ratio = contrast_ratio(fg, bg)
        if ratio < minimum:
            bad.append(f"{text!r}: {colour} {fg} on {fill} {bg} = {ratio:.2f}:1 ({theme.name})")
    return bad
