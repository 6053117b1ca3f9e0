"""Planning pieces several figure kinds share: grids of cells, headings, wrapped code lines.

They return Layout items (data); they never draw. A kind module combines them in its ``plan``.

>>> cells = grid(0, 0, [[1, -2], [3, 4]], 30, fill="input_fill", name="input")
>>> [c.text for c in cells], cells[1].key, cells[1].x
(['1', '−2', '3', '4'], ('input', (0, 1)), 30)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from convfig.render import fmt
from convfig.render import text as tx
from convfig.render.layout import Box, Colour, Item, Label, Line, Poly


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


# ------------------------------------------------------------------ 3D: oblique projection of voxel boxes
VoxelPt = tuple[float, float, float]


@dataclass(frozen=True)
class Oblique:
    """Oblique (cabinet) projection of lattice points (d, r, c) to pixels, shared by every 3D picture.

    Columns run right and rows down ``u`` px per unit; depth recedes up-right at ``angle`` degrees, ``depth``
    times shorter (0.5: cabinet view). (x, y) is the pixel of lattice point (0, 0, 0): the front top-left
    corner. A box's visible faces are its front (d = d0), top (r = r0) and right (c = c1) faces.

    >>> ob = Oblique.around(10, 20, 20, (2, 3, 4))        # bounding box of a 2x3x4 volume at (10, 20)
    >>> [round(v, 1) for v in ob.pt(0, 0, 0)], [round(v, 1) for v in ob.size((2, 3, 4))]
    ([10.0, 31.5], [96.4, 71.5])
    >>> [len(p.points) for p in box_faces(ob, (0, 0, 0), (1, 1, 1), ("input_fill", "bg", "grid"))]
    [4, 4, 4]
    """

    x: float
    y: float
    u: float
    depth: float = 0.5
    angle: float = 35.0

    @classmethod
    def around(cls, x: float, y: float, u: float, shape: Sequence[int], depth: float = 0.5,
               angle: float = 35.0) -> Oblique:
        """The projection whose volume of ``shape`` (D, H, W) has its bounding box's top-left at (x, y)."""
        dy = u * depth * math.sin(math.radians(angle))
        return cls(x, y + shape[0] * dy, u, depth, angle)

    @property
    def dx(self) -> float:
        return self.u * self.depth * math.cos(math.radians(self.angle))

    @property
    def dy(self) -> float:
        return self.u * self.depth * math.sin(math.radians(self.angle))

    def pt(self, d: float, r: float, c: float) -> tuple[float, float]:
        """Pixel of lattice point (depth d, row r, column c)."""
        return (self.x + c * self.u + d * self.dx, self.y + r * self.u - d * self.dy)

    def size(self, shape: Sequence[int]) -> tuple[float, float]:
        """(width, height) in px of the bounding box of a (D, H, W) volume."""
        return shape[2] * self.u + shape[0] * self.dx, shape[1] * self.u + shape[0] * self.dy

    def top_left(self, shape: Sequence[int]) -> tuple[float, float]:
        """Top-left pixel of the bounding box of the volume (0, 0, 0)..shape."""
        return self.x, self.y - shape[0] * self.dy


def box_faces(ob: Oblique, lo: VoxelPt, hi: VoxelPt, fills: tuple[Colour, Colour, Colour], *,
              edge: Colour = None, lw: float = 1.0) -> list[Poly]:
    """The three faces a viewer sees of the box lo..hi ((d, r, c) corners): front, top, right (in that order)."""
    (d0, r0, c0), (d1, r1, c1) = lo, hi
    p = ob.pt
    faces = ((p(d0, r0, c0), p(d0, r0, c1), p(d0, r1, c1), p(d0, r1, c0)),
             (p(d0, r0, c0), p(d0, r0, c1), p(d1, r0, c1), p(d1, r0, c0)),
             (p(d0, r0, c1), p(d1, r0, c1), p(d1, r1, c1), p(d0, r1, c1)))
    return [Poly(f, fill=fill, edge=edge, lw=lw) for f, fill in zip(faces, fills)]


def box_edges(ob: Oblique, lo: VoxelPt, hi: VoxelPt) -> tuple[list[tuple], list[tuple]]:
    """(visible, hidden) edges of the box lo..hi as point pairs: 9 seen, 3 behind the box."""
    (d0, r0, c0), (d1, r1, c1) = lo, hi
    p = ob.pt
    vis = [(p(d0, r0, c0), p(d0, r0, c1)), (p(d0, r0, c1), p(d0, r1, c1)), (p(d0, r1, c1), p(d0, r1, c0)),
           (p(d0, r1, c0), p(d0, r0, c0)), (p(d0, r0, c0), p(d1, r0, c0)), (p(d1, r0, c0), p(d1, r0, c1)),
           (p(d1, r0, c1), p(d0, r0, c1)), (p(d1, r0, c1), p(d1, r1, c1)), (p(d1, r1, c1), p(d0, r1, c1))]
    hid = [(p(d1, r0, c0), p(d1, r1, c0)), (p(d1, r1, c0), p(d1, r1, c1)), (p(d0, r1, c0), p(d1, r1, c0))]
    return vis, hid


def face_grid(ob: Oblique, lo: tuple[int, int, int], hi: tuple[int, int, int], color: Colour = "grid", *,
              lw: float = 1.0, dash: bool = False) -> list[Line]:
    """Unit lattice lines inside the three visible faces of the box lo..hi (the voxel grid on its surface)."""
    (d0, r0, c0), (d1, r1, c1) = lo, hi
    p = ob.pt
    segs = []
    for c in range(c0 + 1, c1):              # front and top: column lines
        segs += [(p(d0, r0, c), p(d0, r1, c)), (p(d0, r0, c), p(d1, r0, c))]
    for r in range(r0 + 1, r1):              # front and right: row lines
        segs += [(p(d0, r, c0), p(d0, r, c1)), (p(d0, r, c1), p(d1, r, c1))]
    for d in range(d0 + 1, d1):              # top and right: depth lines
        segs += [(p(d, r0, c0), p(d, r0, c1)), (p(d, r0, c1), p(d, r1, c1))]
    return [Line(s, color, lw, dash=dash) for s in segs]


def painter(cells: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Voxels (d, r, c) sorted far to near for an Oblique view: deep first, low rows first, left columns first."""
    return sorted(cells, key=lambda v: (-v[0], -v[1], v[2]))
