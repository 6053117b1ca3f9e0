"""The renderer protocol and the one driver that turns any kind's Layout into frames.

A figure kind is a module in ``convfig.render.kinds`` with two functions:

- ``compute(spec) -> data``: ask the engine for what the figure shows (a trace, a coverage map, ...);
- ``plan(spec, data) -> Layout``: where every cell, label and line goes, with its value (pure, no pixels).

Pixels are the canvas's job (``canvas.raster`` / ``canvas.svg``); timing, frame patches, step texts,
alt text and palette hints are the driver's (``animate`` / ``still``). Kinds never draw, never encode,
never read raw parameters: they get the validated FigureSpec.

>>> from convfig.render.registry import make_spec
>>> r = render(make_spec("conv2d", {"input": "4x5", "kernel": "2x3", "fps": 4}))
>>> len(r.frames), r.durations_ms[0]
(9, 250)
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import numpy as np

from convfig.render import canvas
from convfig.render.layout import Layout
from convfig.render.style import LAST_FRAME_MS, get_theme
from convfig.render.types import FigureSpec, FrameSeq, Rendered


class FigureKind(Protocol):
    """What every module in ``convfig.render.kinds`` provides."""

    def compute(self, spec: FigureSpec) -> Any: ...

    def plan(self, spec: FigureSpec, data: Any) -> Layout: ...


def kind_module(kind: str) -> FigureKind:
    """The module that implements a figure kind (``padding-modes`` -> ``convfig.render.kinds.padding_modes``)."""
    return importlib.import_module("convfig.render.kinds." + kind.replace("-", "_"))


def layout_of(spec: FigureSpec) -> Layout:
    """Plan a figure: the kind's compute, then its plan."""
    mod = kind_module(spec.kind)
    return mod.plan(spec, mod.compute(spec))


def durations(n: int, fps: int) -> list[int]:
    """One duration per frame at ``fps``; the last frame held at least LAST_FRAME_MS."""
    ms = int(round(1000 / fps))
    return [ms] * (n - 1) + [max(ms, LAST_FRAME_MS)]


def animate(layout: Layout, theme_name: str, fps: int, scale: float = 1, background: str | None = None) -> Rendered:
    """Frames of an animated Layout: the static scene once, then per step only the pixels that change.

    ``scale`` draws it that many times larger (crisp: see ``canvas.Raster``); ``background`` replaces the
    theme's background colour."""
    theme = get_theme(theme_name)
    if not layout.steps:
        raise ValueError("animate needs a Layout with steps")
    r = canvas.Raster(layout.width, layout.height, theme, layout.ss, layout.levels, background, scale)
    size = (r.width, r.height)
    r.draw_all(layout.items)
    frames: FrameSeq | None = None
    prev_boxes: list[tuple[int, int, int, int]] = []
    for st in layout.steps:
        r.draw_all(st.keep)
        shown = [_clip(canvas.bbox(it, layout.levels, scale), size) for it in st.show]
        under = [(b, r.save(b)) for b in _merge(shown)]     # what the step's overlays cover, to put back after
        r.draw_all(st.show)
        if frames is None:
            frames = FrameSeq(r.array())
        else:
            boxes = prev_boxes + [_clip(canvas.bbox(it, layout.levels, scale), size) for it in st.keep] + shown
            patches = _merge(boxes, round(2048 * scale * scale))
            frames.append_patches([(y0, x0, r.array((x0, y0, x1, y1))) for x0, y0, x1, y1 in patches])
        for b, pixels in under:
            r.restore(b, pixels)
        prev_boxes = shown
    assert frames is not None
    every = list(layout.items) + [it for st in layout.steps for it in st.keep + st.show]
    return Rendered(frames=frames, durations_ms=durations(len(frames), fps), alt=layout.alt,
                    steps=[st.text for st in layout.steps], palette_hint=canvas.colours(every, theme),
                    layout=layout)


def still(layout: Layout, theme_name: str, scale: float = 1, background: str | None = None) -> Rendered:
    """A diagram: one PNG-ready frame and its SVG (both ``scale`` times the Layout's size)."""
    theme = get_theme(theme_name)
    frame = canvas.raster(layout, theme, background=background, scale=scale)
    return Rendered(frames=[frame], durations_ms=[0], alt=layout.alt, steps=[layout.alt],
                    svg=canvas.svg(layout, theme, scale=scale, background=background),
                    palette_hint=canvas.colours(layout.items, theme), layout=layout)


def render(spec: FigureSpec) -> Rendered:
    """Render a validated FigureSpec (no cache): plan it, then animate or draw it."""
    layout = layout_of(spec)
    if layout.steps:
        return animate(layout, spec.theme, int(spec.params.get("fps", 2)))
    return still(layout, spec.theme)


def _clip(b: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    return max(0, b[0]), max(0, b[1]), min(size[0], b[2]), min(size[1], b[3])


def _merge(boxes: list[tuple[int, int, int, int]], slack: int = 2048) -> list[tuple[int, int, int, int]]:
    """Disjoint patches covering the boxes: boxes that overlap, or whose union box adds at most ``slack``
    pixels to their areas, become one (a patch costs more to copy and encode than a few extra pixels)."""
    out = [list(b) for b in boxes if b[2] > b[0] and b[3] > b[1]]
    merged = True
    while merged:
        merged = False
        out.sort()
        res: list[list[int]] = []
        for b in out:
            for o in res:
                u = [min(o[0], b[0]), min(o[1], b[1]), max(o[2], b[2]), max(o[3], b[3])]
                overlap = b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3]
                if overlap or _area(u) - _area(o) - _area(b) <= slack:
                    o[:] = u
                    merged = True
                    break
            else:
                res.append(b)
        out = res
    return [tuple(o) for o in out]  # type: ignore[misc]


def _area(b: list[int]) -> int:
    return (b[2] - b[0]) * (b[3] - b[1])


def pixels_of(layout: Layout, theme_name: str, step: int | None = None) -> np.ndarray:
    """The picture a reader sees at ``step`` (tests compare it with the Layout)."""
    return canvas.raster(layout, get_theme(theme_name), step)
