"""coverage: a heatmap of how many windows read each input cell (a still diagram).

The counts are ``convfig.arithmetic.coverage_map`` (zero padding is not counted); pads, output shape and
window count come from ``ConvSpec``. With padding 'valid' or 'same' the corner and centre counts of the
other of the two are listed for comparison.

Keys:

- ``("coverage", (r, c))``: real input cell (r, c) (input coordinates, padding excluded), showing its count;
- ``("padding", (r, c))``: a padding cell, at (r, c) of the *padded* input;
- ``("fact", (name,))``: the value column of the facts panel (name: padding, windows, corner, edge,
  centre, most, never, other);
- ``("scale", (v,))``: the scale swatch of v reads (0 .. kernel cells).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig import arithmetic
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout
from convfig.render.registry import conv_spec
from convfig.render.style import FONT_CAPTION, FONT_CELL, FONT_SMALL
from convfig.render.types import ConvfigError, FigureSpec

M = 16


@dataclass(frozen=True)
class Dims:
    """Type (pt) of the cell counts and of the facts, the facts' key column and row pitch, heading sizes, the
    largest cell side and whether the two-line footnote is drawn: the page's by default."""

    cell_pt: float = FONT_CELL
    fact_pt: float = FONT_CAPTION
    key_w: float = 96         # facts panel: key column width
    row_h: float = 24
    title_pt: float = 12
    sub_pt: float = FONT_CAPTION
    side: float = 40
    feet: bool = True


# a slide: counts in 15 pt bold-able cells of up to 56 px, facts in 14 pt; no footnote (the teacher says it)
SLIDE = Dims(15, 14.5, 140, 34, 17, 13, 50, False)


@dataclass(frozen=True)
class Coverage:
    spec: convfig.ConvSpec
    counts: np.ndarray                      # input_shape ints
    other: tuple[str, np.ndarray] | None    # ('valid'|'same', counts) for comparison


def compute(spec: FigureSpec) -> Coverage:
    cs = conv_spec(spec.params)
    other = None
    if cs.padding in ("valid", "same"):
        alt = "same" if cs.padding == "valid" else "valid"
        try:
            other = (alt, np.asarray(arithmetic.coverage_map(conv_spec({**spec.params, "padding": alt}))))
        except ConvfigError:
            other = None
    return Coverage(cs, np.asarray(arithmetic.coverage_map(cs)), other)


def plan(spec: FigureSpec, data: Coverage) -> Layout:
    cs, cov = data.spec, data.counts
    hp, wp = cs.padded_shape
    d = SLIDE if spec.target == "slide" else Dims()
    n = max(hp, wp)
    c = d.side if n <= 9 else d.side * 0.8 if n <= 12 else d.side * 0.6
    kmax = int(np.prod(cs.kernel_size))
    strides = f", strides={fmt.per_axis(cs.strides)}" if max(cs.strides) > 1 else ""
    items, head_h = parts.heading(M, 8, f"Edge coverage: {fmt.shape(cs.input_shape)} input, "
                                  f"{fmt.shape(cs.kernel_size)} kernel, padding='{cs.padding_label}'{strides}",
                                  "number in each cell = how many windows read it (zero padding, hatched, is not "
                                  "counted)", size=d.title_pt, sub_size=d.sub_pt)
    gx, gy = M + 20, 84 if d.feet else int(head_h + 40)
    size = d.cell_pt + (1 if c >= 40 else 0) if d.feet else tx.fit(str(int(cov.max())), d.cell_pt, c - 8, True)
    items += _heatmap(cs, cov, gx, gy, c, kmax, size)
    tx0 = gx + wp * c + 36
    facts, fy, facts_w = _facts(cs, cov, data.other, tx0, gy + 6, kmax, d)
    items += facts
    feet = ["Without padding, border cells are read by fewer windows than the centre;",
            "padding adds windows that reach the border cells and evens this out."] if d.feet else []
    height = int(max(gy + hp * c + 66, fy + 50)) if d.feet else int(max(gy + hp * c, fy) + 2 * M)
    items += [Label(M, height - 36 + dy, t, FONT_CAPTION, "muted", va="center") for dy, t in zip((0, 18), feet)]
    width = int(max([tx0 + facts_w + M + 8, 680] + [2 * M + tx.width(t, FONT_CAPTION) for t in feet]))
    if not d.feet:          # a slide: the larger title may be the widest line
        width = max(width, int(parts.extent(items)[0] + M))
    corner, edge_mid, centre = _corner_edge_centre(cov)
    alt = (f"Edge-coverage heatmap for a {fmt.shape(cs.input_shape)} input, kernel_size="
           f"{fmt.shape(cs.kernel_size)}, strides={fmt.shape(cs.strides)}, padding='{cs.padding_label}' "
           f"({cs.describe_padding()}): each cell shows how many of the {cs.positions} windows read it. "
           f"Corner {corner}, middle of an edge {edge_mid}, centre {centre}, at most {kmax}.")
    return Layout(width, height, items, alt=alt, ss=2, levels=0)



def _corner_edge_centre(cov: np.ndarray) -> tuple[int, int, int]:
    n0, n1 = cov.shape
    return int(cov[0, 0]), int(cov[0, n1 // 2]), int(cov[n0 // 2, n1 // 2])


def _heatmap(cs, cov: np.ndarray, gx: float, gy: float, c: float, kmax: int, size: float) -> list[Item]:
    (pt, _), (pl, _) = cs.pads
    hp, wp = cs.padded_shape
    n0, n1 = cs.input_shape
    top = int(cov.max())
    cells: list[Box] = []
    zeros: list[Item] = []
    for r in range(hp):
        for q in range(wp):
            x, y, ir, iq = gx + q * c, gy + r * c, r - pt, q - pl
            if not (0 <= ir < n0 and 0 <= iq < n1):
                cells.append(parts.input_cell(x, y, c, pad=True, key=("padding", (r, q))))
                continue
            v = int(cov[ir, iq])
            fill, ink = parts.ramp(v / kmax)
            cells.append(Box(x, y, c, c, fill=fill, edge="grid", text=str(v), color=ink, size=size,
                             bold=v == top, key=("coverage", (ir, iq))))
            if v == 0:
                zeros.append(Box(x + 3, y + 3, c - 6, c - 6, edge="window", lw=1.2, dash=True))
    return parts.layered(cells, parts.frame(gx + pl * c, gy + pt * c, n1 * c, n0 * c, lw=1.6)) + zeros


def _facts(cs, cov: np.ndarray, other, x: float, y: float, kmax: int, d: Dims) -> tuple[list[Item], float, float]:
    """The key/value panel and the 0..kmax scale; returns (items, bottom y, width)."""
    corner, edge_mid, centre = _corner_edge_centre(cov)
    pad_text = cs.describe_padding().split(", ")
    rows = [("padding", pad_text[0], "padding")] + [("", t, "padding") for t in pad_text[1:]]
    rows += [("windows", f"{cs.positions} (output {fmt.shape(cs.out_spatial)})", "windows"),
             ("corner cell", f"read {corner}{fmt.TIMES}", "corner"),
             ("edge centre", f"read {edge_mid}{fmt.TIMES}", "edge"),
             ("centre cell", f"read {centre}{fmt.TIMES}", "centre"),
             ("most", f"{int(cov.max())}{fmt.TIMES} (at most {fmt.shape(cs.kernel_size)} = {kmax})", "most")]
    zeros = int((cov == 0).sum())
    if zeros:
        rows.append(("never read", f"{zeros} cell{'s' if zeros != 1 else ''} (dashed)", "never"))
    if other is not None:
        oc = other[1]
        o_corner, _, o_centre = _corner_edge_centre(oc)
        rows.append((f"if '{other[0]}'", f"corner {o_corner}{fmt.TIMES}, centre {o_centre}{fmt.TIMES}", "other"))
    items: list[Item] = []
    seen: set[str] = set()
    for key, val, name in rows:
        items.append(Label(x, y, key, d.fact_pt, "muted", va="center"))
        items.append(Label(x + d.key_w, y, val, d.fact_pt, va="center",
                           key=None if name in seen else ("fact", (name,))))
        seen.add(name)
        y += d.row_h
    width = d.key_w + max(tx.width(v, d.fact_pt) for _, v, _ in rows)
    k = d.row_h / 24                     # the scale and legend grow with the rows
    y += 12 * k
    items.append(Label(x, y, "scale (reads)", d.fact_pt, "muted", va="center"))
    sw = min(26 * k, 200 * k / (kmax + 1))
    for v in range(kmax + 1):
        items.append(Box(x + v * sw, y + 12 * k, sw, 16 * k, fill=parts.ramp(v / kmax)[0], edge="grid", lw=0.6,
                         key=("scale", (v,))))
    small = FONT_SMALL + 1 if d.feet else d.fact_pt - 1
    items += [Label(x, y + 40 * k, "0", small, "muted", va="center"),
              Label(x + (kmax + 1) * sw, y + 40 * k, str(kmax), small, "muted", ha="right", va="center")]
    y += 52 * k
    if any(b or a for b, a in cs.pads):
        legend, _ = parts.swatch(x, y + 8 * k, "zero padding (not counted)", fill="pad_fill", pad=True,
                                 side=16 * k, size=d.fact_pt)
        items += legend
        y += (d.row_h + 8) * k
    return items, y, width
