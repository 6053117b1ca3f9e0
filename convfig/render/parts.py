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
from convfig.render.layout import Box, Colour, Image, Item, Label, Line, Mix, Poly


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
    """A bold title line and an optional muted line under it; returns (items, height).

    Line spacing grows with the sizes (the defaults give baselines at y + 14 and y + 29, height 32).
    """
    items: list[Item] = [Label(x, y + round(14 * size / 11), title, size, "fg", bold=True)]
    h = float(round(18 * size / 11))
    if sub:
        items.append(Label(x, y + h + round(11 * sub_size / 9), sub, sub_size, "muted"))
        h += round(14 * sub_size / 9)
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


def input_cell(x: float, y: float, side: float, text: str = "", *, pad: bool = False, fill: Colour = "input_fill",
               edge: Colour = "grid", lw: float = 1.0, size: float = 11, key: tuple | None = None) -> Box:
    """One input cell; a padding cell (``pad``) gets the padding look: pad_fill, hatch, dashed edge, muted text."""
    if pad:
        return Box(x, y, side, side, fill="pad_fill", edge=edge, lw=lw, dash=True, hatch="pad_hatch", text=text,
                   color="muted", size=size, key=key)
    return Box(x, y, side, side, fill=fill, edge=edge, lw=lw, text=text, size=size, key=key)


def bracket(x0: float, x1: float, y: float, *, color: Colour = "weight", taps: Iterable[float] | None = None,
            label: str = "", size: float = 9, lw: float = 1.8, left: bool = False,
            key: tuple | None = None) -> list[Item]:
    """A bracket along y from x0 to x1, ticks hanging down at ``taps`` (default: both ends), and a bold label
    beside it (right of x1, or left of x0 when ``left``)."""
    items: list[Item] = [Line(((x0, y), (x1, y)), color, lw)]
    items += [Line(((t, y - lw / 2), (t, y + 7)), color, lw) for t in (taps if taps is not None else (x0, x1))]
    if label:
        items.append(Label(x0 - 6 if left else x1 + 6, y, label, size, color, bold=True,
                           ha="right" if left else "left", va="center", key=key))
    return items


def ramp(frac: float) -> tuple[Colour, Colour]:
    """(fill, text colour) of a sequential scale at ``frac`` in 0..1 (0: the background), in either theme.

    Lower half: background -> accent with the theme's text colour; upper half: accent -> text colour with
    the background colour as text. Lightness runs one way in both themes and every step keeps text
    contrast >= 4.5:1 (the middle tints where neither text colour would are skipped).
    """
    if frac <= 0:
        return "bg", "fg"
    if frac <= 0.5:
        return Mix("bg", "accent", round(0.12 + 0.8 * frac, 3)), "fg"
    return Mix("accent", "fg", round(1.2 * (frac - 0.5), 3)), "bg"


def swatch(x: float, y: float, label: str, *, fill: Colour, edge: Colour = "grid", pad: bool = False,
           side: float = 16, size: float = 10, key: tuple | None = None) -> tuple[list[Item], float]:
    """A legend entry: a small square centred on y (padding look when ``pad``) and its label to the right;
    returns (items, width)."""
    sq = (input_cell(x, y - side / 2, side, pad=True, edge=edge) if pad
          else Box(x, y - side / 2, side, side, fill=fill, edge=edge))
    return [sq, Label(x + side + 8, y, label, size, "fg", va="center", key=key)], side + 8 + tx.width(label, size)


def mono_slots(x: float, y: float, frames: Sequence[Sequence[str]], size: float, *, line_h: float = 18,
               color: Colour = "fg", name: str = "equation") -> tuple[list[Item], list[list[Item]]]:
    """Monospaced lines that change from frame to frame, one Label per character on a grid of
    ``text.mono_advance(size)`` px (first baseline at y), keyed (name, (line, column)).

    Returns (static, per_frame): characters equal in every frame are drawn once, the others in their frame only,
    so the same glyph always lands on the same pixels and a frame redraws only what changes (small GIFs).

    >>> static, per = mono_slots(0, 10, [["a = 1"], ["a = 2"]], 9)
    >>> "".join(it.text for it in static), [[it.text for it in f] for f in per]
    ('a=', [['1'], ['2']])
    """
    adv = tx.mono_advance(size)
    n_lines = max(len(f) for f in frames)
    rows = [[(list(f[i]) if i < len(f) else []) for i in range(n_lines)] for f in frames]
    static: list[Item] = []
    per: list[list[Item]] = [[] for _ in frames]
    for i in range(n_lines):
        for col in range(max(len(f[i]) for f in rows)):
            chars = [f[i][col] if col < len(f[i]) else " " for f in rows]
            place = (x + col * adv, y + i * line_h)
            if all(ch == chars[0] for ch in chars):
                if chars[0] != " ":
                    static.append(Label(*place, chars[0], size, color, mono=True, key=(name, (i, col))))
                continue
            for k, ch in enumerate(chars):
                if ch != " ":
                    per[k].append(Label(*place, ch, size, color, mono=True, key=(name, (i, col))))
    return static, per


def frame(x: float, y: float, w: float, h: float, color: Colour = "fg", lw: float = 1.4,
          dash: bool = False) -> list[Item]:
    """The outline of a rectangle as four lines (square corners): unlike an outlined Box it covers only the
    pixels along its edges, so the cells inside stay readable on their own."""
    e = lw / 2
    return [Line(((x - e, y), (x + w + e, y)), color, lw, dash), Line(((x - e, y + h), (x + w + e, y + h)), color, lw,
                                                                     dash),
            Line(((x, y), (x, y + h)), color, lw, dash), Line(((x + w, y), (x + w, y + h)), color, lw, dash)]


def layered(cells: Sequence[Box], between: Sequence[Item] = ()) -> list[Item]:
    """Cells drawn in two layers: every cell's fill and edge, then ``between`` (outlines, frames), then each
    unhatched cell's text on an inset copy of its fill that carries the key. The picture is the same as the
    cells alone, but a keyed box covers only its own cell (nothing drawn later touches it), so what the
    Layout says a cell shows is exactly what its pixels show."""
    under: list[Item] = [c if c.hatch is not None else Box(c.x, c.y, c.w, c.h, fill=c.fill, edge=c.edge, lw=c.lw,
                                                             dash=c.dash) for c in cells]
    over: list[Item] = [Box(c.x + 1, c.y + 1, c.w - 2, c.h - 2, fill=c.fill, lw=0, text=c.text, color=c.color,
                            size=c.size, bold=c.bold, text_dy=c.text_dy, key=c.key)
                        for c in cells if c.hatch is None and (c.text or c.key)]
    return under + list(between) + over



def extent(items: Iterable[Item]) -> tuple[float, float]:
    """(right, bottom) in px of everything the items cover, labels measured in their font: size a Layout
    to fit its content (add the margin yourself).

    >>> extent([Box(10, 5, 20, 30), Label(0, 50, "wide label", 10)])       # the label is 70 px wide
    (70, 50)
    """
    right = bottom = 0.0
    for it in items:
        if isinstance(it, Image):
            x1, y1 = it.x + it.w, it.y + it.h
        elif isinstance(it, Box):
            x1, y1 = it.x + it.w + it.lw / 2, it.y + it.h + it.lw / 2
        elif isinstance(it, Label):
            m = tx.mask(it.text, it.size, it.bold, it.mono)
            h, w = m.ink.shape
            if it.rotate:
                x1, y1 = it.x + h / 2, it.y + w / 2
            else:
                x0, y0 = tx.place(m, it.x, it.y, it.ha, it.va)
                x1, y1 = x0 + w, y0 + h
        else:
            g = it.lw + (it.head if isinstance(it, Line) and it.arrow else 0)
            x1, y1 = max(p[0] for p in it.points) + g, max(p[1] for p in it.points) + g
        right, bottom = max(right, x1), max(bottom, y1)
    return right, bottom


def chip(x: float, y: float, text: str, *, fill: Colour, edge: Colour = "grid", size: float = 10, bold: bool = True,
         pad: float = 6, height: float = 24, key: tuple | None = None) -> Box:
    """A box fitted around one line of text, its left edge at x and centred on y: a shape or a count that the
    reader should find at a glance (keyed, so tests read it back)."""
    return Box(x, y - height / 2, tx.width(text, size, bold) + 2 * pad, height, fill=fill, edge=edge, text=text,
               size=size, bold=bold, key=key)
