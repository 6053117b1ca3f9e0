"""Checks of a slide Layout shared by the kinds' tests: no text drawn over other text, nothing cut off."""

from __future__ import annotations

import itertools

from convfig.render import canvas
from convfig.render.layout import Box, Label, Layout


def _over(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clashes(layout: Layout, step: int | None) -> list[tuple[str, str]]:
    """Pairs of texts that overlap at ``step`` (label on label, label on a cell with a number), and
    ("outside", text) for a text or cell that leaves the figure."""
    items = canvas.items_at(layout, step)
    labels = [(it, tuple(v + d for v, d in zip(canvas.bbox(it, layout.levels), (3, 3, -3, -3))))
              for it in items if isinstance(it, Label) and it.text.strip()]   # bbox adds 3 px around a label
    cells = [(it, (it.x, it.y, it.x + it.w, it.y + it.h)) for it in items if isinstance(it, Box) and it.text.strip()]
    bad = [(a.text, b.text) for (a, ba), (b, bb) in itertools.combinations(labels, 2) if _over(ba, bb)]
    bad += [(a.text, b.text) for (a, ba), (b, bb) in itertools.product(labels, cells) if _over(ba, bb)]
    bad += [("outside", it.text) for it, b in labels + cells
            if b[0] < 0 or b[1] < 0 or b[2] > layout.width or b[3] > layout.height]
    return bad
