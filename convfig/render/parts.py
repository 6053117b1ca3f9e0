"""Planning pieces several figure kinds share: grids of cells, headings, wrapped code lines.

They return Layout items (data); they never draw. A kind module combines them in its ``plan``.

>>> cells = grid(0, 0, [[1, -2], [3, 4]], 30, fill="input_fill", name="input")
>>> [c.text for c in cells], cells[1].key, cells[1].x
(['1', '−2', '3', '4'], ('input', (0, 1)), 30)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from convfig.render import fmt
from convfig.render import text as tx
from convfig.render.layout import Box, Colour, Item, Label


def grid(x: float, y: float, values: Sequence[Sequence[float]] | np.ndarray, cell: float, *,
         fill: Colour = "input_fill", edge: Colour = "grid", name: str | None = None, size: float = 11,
         bold: bool = False, color: Colour = "fg", index_offset: tuple[int, int] = (0, 0)) -> list[Box]:
    """One Box per value, row r at y + r*cell, column c at x + c*cell, keyed (name, (r, c)) when named.

    Values may be numbers (written with ``fmt.num``), strings, or None (an empty cell).
    """
    out = []
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            s = "" if v is None else v if isinstance(v, str) else fmt.num(v)
            key = (name, (r + index_offset[0], c + index_offset[1])) if name else None
            out.append(Box(x + c * cell, y + r * cell, cell, cell, fill=fill, edge=edge, text=s, size=size,
                           bold=bold, color=color, key=key))
    return out


def code_lines(x: float, y: float, code: str, width: float, *, size: float = 8.5, line_h: float = 15,
               color: Colour = "fg") -> tuple[list[Item], float]:
    """A Keras call in the monospaced face, wrapped after commas to fit ``width`` px; returns (items, height)."""
    per_char = tx.mono_advance(size)
    lines = fmt.wrap_call(code, max(20, int(width // max(1, per_char))))
    items: list[Item] = [Label(x, y + line_h * (i + 1) - 4, s, size, color, mono=True) for i, s in enumerate(lines)]
    return items, line_h * len(lines)


def heading(x: float, y: float, title: str, sub: str | None = None, *, size: float = 11,
            sub_size: float = 9) -> tuple[list[Item], float]:
    """A bold title line and an optional muted line under it; returns (items, height)."""
    items: list[Item] = [Label(x, y + 14, title, size, "fg", bold=True)]
    h = 18.0
    if sub:
        items.append(Label(x, y + h + 11, sub, sub_size, "muted"))
        h += 14
    return items, h
