"""Oblique voxel pictures for 3D figures (kinds/conv3d.py): the padded input volume, the kernel cube over
the voxels it reads, the output volume filling in. Items only (parts.Oblique does the projection)."""

from __future__ import annotations

import itertools

from convfig.render import parts
from convfig.render.layout import Item, Line, Mix
from convfig.spec import ConvSpec


def input_volume(cs: ConvSpec, ob: parts.Oblique) -> list[Item]:
    """The padded input volume: padding voxels dashed and hatched, the real input inside them outlined."""
    shape = cs.padded_shape
    out: list[Item] = []
    real_fills = ("input_fill", Mix("input_fill", "bg", 0.5), Mix("input_fill", "grid", 0.2))
    if shape != cs.input_shape:
        out += (parts.box_faces(ob, (0, 0, 0), shape, ("pad_fill", "pad_fill", Mix("pad_fill", "pad_hatch", 0.25)),
                                edge="pad_hatch") + parts.face_grid(ob, (0, 0, 0), shape, "pad_hatch", dash=True))
    lo = tuple(b for b, _a in cs.pads)
    hi = tuple(b + n for b, n in zip(lo, cs.input_shape))
    out += parts.box_faces(ob, lo, hi, real_fills, edge="grid") + parts.face_grid(ob, lo, hi, "grid")
    if shape != cs.input_shape:
        out += [Line(s, "fg", 1.2) for s in parts.box_edges(ob, lo, hi)[0]]
    return out


def kernel_cube(cs: ConvSpec, ob: parts.Oblique, win: list[list[int]]) -> list[Item]:
    """The kernel cube in the input view: the voxels read (flat shaded faces), then its outline."""
    shades = (Mix("window_fill", "window", 0.15), Mix("window_fill", "bg", 0.45), Mix("window_fill", "window", 0.4))
    items: list[Item] = [face for v in parts.painter(itertools.product(*win))
                         for face in parts.box_faces(ob, v, tuple(a + 1 for a in v), shades, edge="window")]
    lo, hi = tuple(w[0] for w in win), tuple(w[-1] + 1 for w in win)
    vis, hid = parts.box_edges(ob, lo, hi)
    if max(cs.dilation_rate) > 1:
        return items + [Line(s, "window", 1.4, dash=True) for s in vis + hid]
    return items + [Line(s, "window", 2.4) for s in vis]


def output_volume(ob: parts.Oblique, done: list[tuple[int, int, int]]) -> list[Item]:
    """The output voxels written so far (far to near), the current one highlighted and outlined (x-ray)."""
    cur = done[-1]
    filled = ("output_fill", Mix("output_fill", "bg", 0.4), Mix("output_fill", "fg", 0.12))
    items: list[Item] = [face for v in parts.painter(done) for face in parts.box_faces(
        ob, v, tuple(a + 1 for a in v), ("output_new",) * 3 if v == cur else filled,
        edge="window" if v == cur else "fg", lw=2 if v == cur else 1)]
    vis, hid = parts.box_edges(ob, cur, tuple(a + 1 for a in cur))
    return items + [Line(s, "window", 1.2, dash=True) for s in hid] + [Line(s, "window", 2.4) for s in vis]
