"""Data types shared by every renderer: what a render function returns and what a figure request is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from convfig.errors import ConvfigError

__all__ = ["ConvfigError", "FigureSpec", "FrameSeq", "Rendered"]


class FrameSeq(Sequence):
    """Animation frames stored as the first frame plus, per later frame, the rectangles that changed.

    Behaves like a list of equal-size RGB uint8 arrays (``len``, indexing, iteration), but memory grows
    with what changes, not with the frame count; ``encode`` uses the patches directly (fast path).
    patches[i] is a list of (y, x, patch) meaning frame i = frame i-1 with ``patch`` pasted at (y, x).
    """

    def __init__(self, first: np.ndarray) -> None:
        if first.dtype != np.uint8 or first.ndim != 3 or first.shape[2] != 3:
            raise ValueError("FrameSeq needs an RGB uint8 first frame")
        self.first = first
        self.patches: list[list[tuple[int, int, np.ndarray]]] = [[]]
        self._cache: tuple[int, np.ndarray] | None = None

    def append_patches(self, patches: list[tuple[int, int, np.ndarray]]) -> None:
        self.patches.append(patches)

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.first.shape

    def __len__(self) -> int:
        return len(self.patches)

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("frame index out of range")
        if self._cache is not None and self._cache[0] <= i:
            j, img = self._cache
            img = img.copy()
        else:
            j, img = 0, self.first.copy()
        for k in range(j + 1, i + 1):
            for y, x, p in self.patches[k]:
                img[y:y + p.shape[0], x:x + p.shape[1]] = p
        self._cache = (i, img)
        return img.copy()


@dataclass
class Rendered:
    """Output of every ``render_<kind>(params, theme)`` function.

    frames: RGB uint8 arrays (H, W, 3), all the same size; diagrams have exactly one frame.
    durations_ms: one duration per frame (the last one held longer for animations).
    alt: alt text naming the parameters and the shapes.
    steps: one sentence per frame (step-through viewer, screen readers).
    svg: SVG bytes for diagrams, None for animations.
    """

    frames: Sequence[np.ndarray]     # a list, or a FrameSeq (first frame + patches)
    durations_ms: list[int]
    alt: str
    steps: list[str]
    svg: bytes | None = None
    palette_hint: list[str] | None = None   # '#rrggbb' colours the GIF palette must keep exact (text, fills)
    layout: object = field(default=None, compare=False, repr=False)   # the Layout it was drawn from

    def __post_init__(self) -> None:
        if not self.frames:
            raise ValueError("Rendered needs at least one frame")
        if len(self.durations_ms) != len(self.frames):
            raise ValueError("Rendered needs one duration per frame")
        if len(self.steps) != len(self.frames):
            raise ValueError("Rendered needs one step description per frame")
        if isinstance(self.frames, FrameSeq):
            return
        shape = self.frames[0].shape
        for f in self.frames:
            if f.shape != shape or f.dtype != np.uint8 or f.ndim != 3 or f.shape[2] != 3:
                raise ValueError("Rendered frames must be equal-size RGB uint8 arrays")

    @property
    def width(self) -> int:
        return int(self.frames[0].shape[1])

    @property
    def height(self) -> int:
        return int(self.frames[0].shape[0])


@dataclass(frozen=True)
class FigureSpec:
    """A validated figure request. Build it with ``convfig.render.registry.make_spec``.

    params holds every parameter of the kind (defaults filled in), in canonical JSON-friendly form;
    ``name`` (file-safe, from the params) and ``animated`` come from the registry, which fills them in.
    ``target`` is where the figure goes: ``"page"`` (a web page, the default) or ``"slide"`` (a 16:9
    1920 x 1080 slide: a kind may arrange its panels wider and its numbers larger there).
    """

    kind: str
    params: dict = field(hash=False)
    theme: str = "light"
    name: str = field(kw_only=True)
    animated: bool = field(kw_only=True)
    target: str = field(default="page", kw_only=True)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "params": self.params, "theme": self.theme}
