"""A Layout as a one-page vector PDF (for LaTeX/beamer and print), drawn with matplotlib's PDF backend.

Every item becomes vector paths: boxes, outlines (dashed, or the kernel window's arms), hatching, lines
with arrow heads, polygons, and text in the same DejaVu faces as the pixels, embedded as TrueType
(``pdf.fonttype`` 42: selectable, searchable). One Layout pixel is ``scale`` PostScript points, so the
page has the size the figure has on screen at ``scale``. Text positions come from the same FreeType
metrics as the raster (``convfig.render.text``). Same Layout -> byte-identical file (no dates).

>>> from convfig.render.layout import Box, Layout
>>> from convfig.render.style import LIGHT
>>> pdf(Layout(60, 30, [Box(5, 5, 20, 20, fill="input_fill", edge="grid", text="7")]), LIGHT)[:5]
b'%PDF-'
"""

from __future__ import annotations

import io
import math
from typing import Any

from convfig.render import text as tx
from convfig.render.canvas import DASH, HATCH, _box_text, _head, _label_box, items_at, resolve
from convfig.render.layout import Box, Item, Label, Layout, Line, Poly
from convfig.render.style import Theme


class _Page:
    """Draws items onto one matplotlib Axes whose data units are Layout pixels (y down)."""

    def __init__(self, ax: Any, theme: Theme, scale: float) -> None:
        self.ax, self.theme, self.scale = ax, theme, scale

    def colour(self, c: Any) -> str | None:
        return resolve(c, self.theme)

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        from matplotlib.patches import Rectangle

        self.ax.add_patch(Rectangle((x, y), w, h, facecolor=fill, edgecolor="none", linewidth=0))

    def path(self, pts: list[tuple[float, float]], colour: str, lw: float, dash: bool = False,
             closed: bool = False, fill: str | None = None) -> None:
        from matplotlib.patches import Polygon

        style: Any = (0, DASH) if dash else "solid"
        self.ax.add_patch(Polygon(pts, closed=closed, facecolor=fill or "none", edgecolor=colour,
                                  linewidth=lw * self.scale, linestyle=style, joinstyle="miter",
                                  capstyle="butt" if dash else "projecting"))

    def draw(self, it: Item) -> None:
        if isinstance(it, Box):
            self.box(it)
        elif isinstance(it, Label):
            self.label(it)
        elif isinstance(it, Line):
            self.line(it)
        elif isinstance(it, Poly):
            fill, edge = self.colour(it.fill), self.colour(it.edge)
            self.path(list(it.points), edge or "none", it.lw if edge else 0, closed=True, fill=fill or "none")
        elif hasattr(it, "pixels"):        # a picture item: nearest-neighbour blocks, as in the raster
            self.ax.imshow(it.pixels, extent=(it.x, it.x + it.w, it.y + it.h, it.y), interpolation="nearest",
                           cmap="gray", vmin=0, vmax=255, aspect="auto")
        else:  # pragma: no cover - a new item type without a drawer
            raise TypeError(f"cannot draw {type(it).__name__}")

    def box(self, it: Box) -> None:
        if it.fill is not None:
            self.rect(it.x, it.y, it.w, it.h, self.colour(it.fill) or "none")
        if it.hatch is not None:
            self.hatch(it)
        if it.edge is not None:
            col = self.colour(it.edge) or "none"
            x0, y0, x1, y1 = it.x, it.y, it.x + it.w, it.y + it.h
            if it.arms:           # the kernel window: top and bottom edges, arms down the sides
                a = min(it.arms, it.h)
                self.path([(x0, y0 + a), (x0, y0), (x1, y0), (x1, y0 + a)], col, it.lw)
                self.path([(x0, y1 - a), (x0, y1), (x1, y1), (x1, y1 - a)], col, it.lw)
            else:
                self.path([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], col, it.lw, it.dash, closed=True)
        if it.text:
            self.label(_box_text(it))

    def hatch(self, it: Box) -> None:
        """Diagonal lines x + y = multiple of HATCH, clipped to the box (the raster's pattern)."""
        col = self.colour(it.hatch) or "none"
        x0, y0, x1, y1 = it.x, it.y, it.x + it.w, it.y + it.h
        c = math.ceil((x0 + y0) / HATCH) * HATCH
        while c <= x1 + y1:
            xa, xb = max(x0, c - y1), min(x1, c - y0)
            if xb > xa:
                self.path([(xa, c - xa), (xb, c - xb)], col, 1)
            c += HATCH

    def line(self, it: Line) -> None:
        col = self.colour(it.color) or "none"
        pts = list(it.points)
        if it.arrow and len(pts) >= 2:          # stop the shaft inside the head, as the raster does
            (xa, ya), (xb, yb) = pts[-2], pts[-1]
            n = math.hypot(xb - xa, yb - ya) or 1
            back = it.head * 0.7
            pts[-1] = (xb - (xb - xa) / n * back, yb - (yb - ya) / n * back)
        self.path(pts, col, it.lw, it.dash)
        if it.arrow and len(it.points) >= 2:
            self.path(_head(it.points[-2], it.points[-1], it.head, 1), col, 0, closed=True, fill=col)

    def label(self, it: Label) -> None:
        from matplotlib.font_manager import FontProperties

        if not it.text.strip():
            return
        if it.plate is not None:
            x0, y0, x1, y1 = _label_box(it, 1, 0)
            self.rect(x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4, self.colour(it.plate) or "none")
        m = tx.mask(it.text, it.size, it.bold, it.mono)
        font = FontProperties(fname=tx.font_path(it.bold, it.mono), size=tx.px(it.size) * self.scale)
        kw: dict[str, Any] = {"fontproperties": font, "color": self.colour(it.color), "va": "baseline"}
        if it.rotate:
            self.ax.text(it.x + m.cap / 2, it.y, it.text, rotation=90, rotation_mode="anchor", ha="center", **kw)
            return
        y = {"baseline": it.y, "center": it.y + m.cap / 2, "top": it.y + m.ascent, "bottom": it.y - m.descent}[it.va]
        self.ax.text(it.x, y, it.text, ha=it.ha, **kw)


def pdf(layout: Layout, theme: Theme, step: int | None = None, scale: float = 1, background: str | None = None,
        view: tuple[float, float, float, float] | None = None) -> bytes:
    """One-page vector PDF of the layout at ``step`` (see ``canvas.svg`` for ``view`` and ``background``)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure

    vx, vy, vw, vh = view or (0, 0, layout.width, layout.height)
    with matplotlib.rc_context({"pdf.fonttype": 42, "pdf.compression": 6, "svg.hashsalt": "convfig"}):
        fig = Figure(figsize=(vw * scale / 72, vh * scale / 72), dpi=72)
        FigureCanvasPdf(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(vx, vx + vw)
        ax.set_ylim(vy + vh, vy)
        fig.patch.set_alpha(0)
        ax.patch.set_alpha(0)
        page = _Page(ax, theme, scale)
        if background != "none":
            page.rect(vx, vy, vw, vh, resolve(background or "bg", theme) or "none")
        for it in items_at(layout, step):
            page.draw(it)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Producer": "convfig",
                                                 "Creator": "convfig"})
    return buf.getvalue()
