"""Figures for convfig: animations and diagrams drawn with matplotlib (Agg) from the engine's trace.

Importing this package is cheap; matplotlib is imported by the renderers when they are used.

    from convfig.render import make_spec, render
    fig = render(make_spec("conv2d", {"input": "5x5", "padding": "same"}, "light"))
"""

from convfig.render.registry import (
    ANIMATED_KINDS,
    DIAGRAM_KINDS,
    KINDS,
    figure_name,
    get_renderer,
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
    "get_renderer",
    "make_spec",
    "render",
]
