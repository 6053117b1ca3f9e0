"""Figures for convfig: animations and diagrams planned as Layouts from the engine's trace, drawn by one canvas.

Importing this package is cheap; kind modules and the canvas are imported when a figure is drawn.

    from convfig.render import make_spec, render
    fig = render(make_spec("conv2d", {"input": "5x5", "padding": "same"}, "light"))
"""

from convfig.render.registry import (
    ANIMATED_KINDS,
    DIAGRAM_KINDS,
    KINDS,
    figure_name,
    make_spec,
    render,
)
from convfig.render.types import FigureSpec, Rendered

__all__ = [
    "ANIMATED_KINDS",
    "DIAGRAM_KINDS",
    "KINDS",
    "FigureSpec",
    "Rendered",
    "figure_name",
    "make_spec",
    "render",
]
