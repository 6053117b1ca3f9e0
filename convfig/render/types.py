"""Data types shared by every renderer: what a render function returns and what a figure request is."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

try:  # the engine defines the one error class; keep render importable while it lands
    from convfig import ConvfigError
except ImportError:  # pragma: no cover - only before the engine exists
    class ConvfigError(ValueError):  # type: ignore[no-redef]
        """Bad figure request (message names the parameter)."""


@dataclass
class Rendered:
    """Output of every ``render_<kind>(params, theme)`` function.

    frames: RGB uint8 arrays (H, W, 3), all the same size; diagrams have exactly one frame.
    durations_ms: one duration per frame (the last one held longer for animations).
    alt: alt text naming the parameters and the shapes.
    steps: one sentence per frame (step-through viewer, screen readers).
    svg: SVG bytes for diagrams, None for animations.
    """

    frames: list[np.ndarray]
    durations_ms: list[int]
    alt: str
    steps: list[str]
    svg: bytes | None = None

    def __post_init__(self) -> None:
        if not self.frames:
            raise ValueError("Rendered needs at least one frame")
        if len(self.durations_ms) != len(self.frames):
            raise ValueError("Rendered needs one duration per frame")
        if len(self.steps) != len(self.frames):
            raise ValueError("Rendered needs one step description per frame")
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
    """A validated figure request. Build it with ``convfig.render.kinds.make_spec``.

    params holds every parameter of the kind (defaults filled in), in canonical JSON-friendly form.
    """

    kind: str
    params: dict = field(hash=False)
    theme: str = "light"

    @property
    def name(self) -> str:
        from convfig.render.kinds import figure_name

        return figure_name(self.kind, self.params)

    @property
    def animated(self) -> bool:
        from convfig.render.kinds import KINDS

        return KINDS[self.kind].animated

    def to_dict(self) -> dict:
        return {"kind": self.kind, "params": self.params, "theme": self.theme}
