"""One canvas for every figure kind: draws Layout items as pixels (Pillow) or as SVG.

``Raster`` paints boxes, labels, lines and polygons onto an RGB image, optionally supersampled (``ss``)
and reduced for anti-aliasing; text comes from ``convfig.render.text``. ``scale`` draws the same Layout
N times larger (coordinates, line widths and text sizes all scaled, text rasterised at the target size:
crisp, not upscaled pixels); scale 1 is the Layout's own size. ``svg`` writes the same items as an SVG
document (text stays text). Colours are resolved against a theme (see ``layout.Mix``).

>>> from convfig.render.layout import Box, Layout
>>> from convfig.render.style import LIGHT
>>> r = Raster(40, 20, LIGHT)
>>> r.draw(Box(0, 0, 20, 20, fill="#ff0000"))
>>> r.array()[5, 5].tolist(), r.array()[5, 30].tolist()
([255, 0, 0], [255, 255, 255])
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from xml.sax.saxutils import escape

import numpy as np

from convfig.render import text as tx
from convfig.render.layout import Box, Colour, Image, Item, Label, Layout, Line, Mix, Poly
from convfig.render.style import Theme, hex_to_rgb

HATCH = 6          # px between hatch diagonals (1x)
DASH = (4, 3)      # dash, gap (in line widths)


def resolve(c: Colour, theme: Theme) -> str | None:
    """Theme field name / '#rrggbb' / Mix -> '#rrggbb' (None stays None)."""
    if c is None:
        return None
    if isinstance(c, Mix):
        a, b = np.array(hex_to_rgb(resolve(c.a, theme) or "#000000"), float), \
            np.array(hex_to_rgb(resolve(c.b, theme) or "#000000"), float)
        m = np.floor(a + c.t * (b - a) + 0.5).astype(int)
        return "#{:02x}{:02x}{:02x}".format(*m)
    if c.startswith("#"):
        return c.lower()
    return str(getattr(theme, c)).lower()


def colours(items: Iterable[Item], theme: Theme) -> list[str]:
    """Every colour the items use (fills, edges, text), resolved, in first-use order."""
    seen: dict[str, None] = {}
    for it in items:
        for name in ("fill", "edge", "color", "hatch", "plate"):
            c = resolve(getattr(it, name, None), theme)
            if c:
                seen[c] = None
    return list(seen)


def bbox(it: Item, levels: int = 0, scale: float = 1) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) that an item can touch in the image drawn at ``scale`` (1: the Layout's size)."""
    if isinstance(it, Box):   # an outline reaches past the box; a fill stays inside it; text may overflow it
        g = math.ceil(it.lw * scale / 2) + 1 if it.edge is not None else 0
        box = (math.floor(it.x * scale) - g, math.floor(it.y * scale) - g, math.ceil((it.x + it.w) * scale) + g,
               math.ceil((it.y + it.h) * scale) + g)
        if not it.text.strip():
            return box
        x0, y0, x1, y1 = _label_box(_box_text(it), scale, levels)
        return min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)
    if isinstance(it, Label):
        x0, y0, x1, y1 = _label_box(it, scale, levels)
        g = math.ceil(3 * scale)
        return x0 - g, y0 - g, x1 + g, y1 + g
    if isinstance(it, Image):
        return (math.floor(it.x * scale), math.floor(it.y * scale), math.ceil((it.x + it.w) * scale),
                math.ceil((it.y + it.h) * scale))
    pts = np.array(it.points, float) * scale
    gf = (it.lw + (it.head if isinstance(it, Line) and it.arrow else 0) + 1) * scale
    g = math.ceil(gf)
    return (math.floor(pts[:, 0].min() - g), math.floor(pts[:, 1].min() - g),
            math.ceil(pts[:, 0].max() + g), math.ceil(pts[:, 1].max() + g))


def _box_text(it: Box) -> Label:
    """The label a Box draws: its text centred in it (shifted down by text_dy)."""
    return Label(it.x + it.w / 2, it.y + it.h / 2 + it.text_dy, it.text, it.size, it.color, it.bold,
                 ha="center", va="center")


def _label_box(it: Label, ss: float, levels: int) -> tuple[int, int, int, int]:
    m = tx.mask(it.text, it.size, it.bold, it.mono, levels, ss)
    h, w = m.ink.shape
    if it.rotate:
        x0, y0 = round(it.x * ss - h / 2), round(it.y * ss - w / 2)
        return x0, y0, x0 + h, y0 + w
    x0, y0 = tx.place(m, it.x * ss, it.y * ss, it.ha, it.va)
    return x0, y0, x0 + w, y0 + h


def scaled_size(width: int, height: int, scale: float = 1) -> tuple[int, int]:
    """Pixel size of a ``width`` x ``height`` Layout drawn at ``scale``."""
    return (width, height) if scale == 1 else (max(1, round(width * scale)), max(1, round(height * scale)))


class Raster:
    """An RGB picture of a ``width`` x ``height`` Layout drawn at ``scale``, supersampled ``ss`` times;
    ``array()`` gives it box-reduced to ``scaled_size(width, height, scale)``. Boxes given to ``save``,
    ``restore`` and ``array`` are in those output pixels (the Layout's own pixels at scale 1)."""

    def __init__(self, width: int, height: int, theme: Theme, ss: int = 1, levels: int = 0,
                 background: str | None = None, scale: float = 1) -> None:
        from PIL import Image, ImageDraw

        self.theme, self.ss, self.levels = theme, ss, levels
        self.k: float = ss if scale == 1 else ss * scale     # Layout px -> supersampled px
        self.width, self.height = scaled_size(width, height, scale)
        self.image = Image.new("RGB", (self.width * ss, self.height * ss), self.rgb(background or "bg"))
        self.pen = ImageDraw.Draw(self.image)

    def rgb(self, c: Colour) -> tuple[int, int, int]:
        return hex_to_rgb(resolve(c, self.theme) or "#000000")

    def save(self, box: tuple[int, int, int, int]) -> object:
        """The pixels under the output box (x0, y0, x1, y1), to ``restore`` later (cheaper than a ``copy``)."""
        s = self.ss
        return self.image.crop((box[0] * s, box[1] * s, box[2] * s, box[3] * s))

    def restore(self, box: tuple[int, int, int, int], pixels: object) -> None:
        """Put back what ``save(box)`` returned."""
        self.image.paste(pixels, (box[0] * self.ss, box[1] * self.ss))  # type: ignore[arg-type]

    # -------------------------------------------------------------- items
    def draw(self, it: Item) -> None:
        if isinstance(it, Box):
            self._box(it)
        elif isinstance(it, Label):
            self._label(it)
        elif isinstance(it, Line):
            self._line(it)
        elif isinstance(it, Poly):
            self._poly(it)
        elif isinstance(it, Image):
            self._image(it)
        else:  # pragma: no cover - a new item type without a drawer
            raise TypeError(f"cannot draw {type(it).__name__}")

    def draw_all(self, items: Iterable[Item]) -> None:
        for it in items:
            self.draw(it)

    def _rect(self, x0: float, y0: float, x1: float, y1: float, colour: tuple[int, int, int]) -> None:
        """Fill the pixels [x0, x1) x [y0, y1) of the supersampled image (coordinates already scaled)."""
        a, b, c, d = round(x0), round(y0), round(x1), round(y1)
        if c > a and d > b:
            self.pen.rectangle((a, b, c - 1, d - 1), fill=colour)

    def _box(self, it: Box) -> None:
        s = self.k
        x0, y0, x1, y1 = it.x * s, it.y * s, (it.x + it.w) * s, (it.y + it.h) * s
        if it.fill is not None:
            self._rect(x0, y0, x1, y1, self.rgb(it.fill))
        if it.hatch is not None:
            self._hatch(x0, y0, x1, y1, self.rgb(it.hatch))
        if it.edge is not None:
            self._outline(x0, y0, x1, y1, it)
        if it.text:
            self._label(_box_text(it))

    def _outline(self, x0: float, y0: float, x1: float, y1: float, it: Box) -> None:
        t = max(1, round(it.lw * self.k))
        o = t // 2                      # centred on the edge: pixel column x1 is the next cell's first
        col = self.rgb(it.edge)
        L, T, R, B = round(x0) - o, round(y0) - o, round(x1) - o + t, round(y1) - o + t
        if it.dash:
            for a, b in _dashes(L, R, t):
                self._rect(a, T, b, T + t, col)
                self._rect(a, B - t, b, B, col)
            for a, b in _dashes(T, B, t):
                self._rect(L, a, L + t, b, col)
                self._rect(R - t, a, R, b, col)
            return
        self._rect(L, T, R, T + t, col)
        self._rect(L, B - t, R, B, col)
        arm = (B - T) if not it.arms else round(it.arms * self.k)
        for xa in (L, R - t):
            self._rect(xa, T, xa + t, min(B, T + arm), col)
            self._rect(xa, max(T, B - arm), xa + t, B, col)

    def _hatch(self, x0: float, y0: float, x1: float, y1: float, colour: tuple[int, int, int]) -> None:
        from PIL import Image

        a, b, c, d = round(x0), round(y0), round(x1), round(y1)
        if c <= a or d <= b:
            return
        yy, xx = np.mgrid[b:d, a:c]
        m = ((xx + yy) % (HATCH * self.k) < self.k).astype(np.uint8) * 255
        self.image.paste(colour, (a, b), Image.fromarray(m, "L"))

    def _label(self, it: Label) -> None:
        from PIL import Image

        if not it.text.strip():
            return
        m = tx.mask(it.text, it.size, it.bold, it.mono, self.levels, self.k)
        if m.ink.size == 0:
            return
        x0, y0, x1, y1 = _label_box(it, self.k, self.levels)
        if it.plate is not None:
            g = 2 * self.k
            self._rect(x0 - g, y0 - g, x1 + g, y1 + g, self.rgb(it.plate))
        ink = np.rot90(m.ink) if it.rotate else m.ink
        self.image.paste(self.rgb(it.color), (x0, y0), Image.fromarray(np.ascontiguousarray(ink), "L"))

    def _line(self, it: Line) -> None:
        s = self.k
        pts = [(x * s, y * s) for x, y in it.points]
        w = max(1, round(it.lw * s))
        col = self.rgb(it.color)
        if it.arrow and len(pts) >= 2:     # stop the shaft inside the head
            (xa, ya), (xb, yb) = pts[-2], pts[-1]
            n = math.hypot(xb - xa, yb - ya) or 1
            back = it.head * s * 0.7
            pts = pts[:-1] + [(xb - (xb - xa) / n * back, yb - (yb - ya) / n * back)]
        for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
            if it.dash:
                n = math.hypot(xb - xa, yb - ya) or 1
                for a, b in _dashes(0, n, w):
                    self.pen.line([(xa + (xb - xa) * a / n, ya + (yb - ya) * a / n),
                                   (xa + (xb - xa) * b / n, ya + (yb - ya) * b / n)], fill=col, width=w)
            else:
                self.pen.line([(xa, ya), (xb, yb)], fill=col, width=w)
        if it.arrow and len(it.points) >= 2:
            self.pen.polygon(_head(it.points[-2], it.points[-1], it.head, s), fill=col)

    def _poly(self, it: Poly) -> None:
        s = self.k
        pts = [(x * s, y * s) for x, y in it.points]
        fill = self.rgb(it.fill) if it.fill is not None else None
        edge = self.rgb(it.edge) if it.edge is not None else None
        self.pen.polygon(pts, fill=fill, outline=edge, width=max(1, round(it.lw * s)) if edge else 0)

    def _image(self, it: Image) -> None:
        from PIL import Image as PILImage

        s = self.k
        x0, y0 = round(it.x * s), round(it.y * s)
        w, h = round((it.x + it.w) * s) - x0, round((it.y + it.h) * s) - y0
        pic = _pil_image(it.pixels).convert("RGB").resize((w, h), PILImage.Resampling.NEAREST)
        self.image.paste(pic, (x0, y0))

    # -------------------------------------------------------------- output
    def array(self, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """RGB uint8 at the output size (ss-reduced), the whole picture or the output box (x0, y0, x1, y1)."""
        im = self.image
        if box is not None:
            s = self.ss
            im = im.crop((box[0] * s, box[1] * s, box[2] * s, box[3] * s))
        if self.ss > 1:
            im = im.reduce(self.ss)
        return np.asarray(im, dtype=np.uint8).copy()


def _pil_image(pixels: np.ndarray):  # type: ignore[no-untyped-def]
    from PIL import Image as PILImage

    arr = np.ascontiguousarray(np.asarray(pixels, dtype=np.uint8))
    return PILImage.fromarray(arr, "L" if arr.ndim == 2 else "RGB")


def png_data_uri(pixels: np.ndarray) -> str:
    """A uint8 grey or RGB array as a PNG data URI (deterministic bytes), for SVG <image>."""
    import base64
    import io

    buf = io.BytesIO()
    _pil_image(pixels).save(buf, "PNG", optimize=False, compress_level=9)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _dashes(a: float, b: float, t: float) -> list[tuple[float, float]]:
    on, off = DASH[0] * t, DASH[1] * t
    out, p = [], a
    while p < b:
        out.append((p, min(b, p + on)))
        p += on + off
    return out


def _head(p0: tuple[float, float], p1: tuple[float, float], size: float, s: float) -> list[tuple[float, float]]:
    (xa, ya), (xb, yb) = p0, p1
    n = math.hypot(xb - xa, yb - ya) or 1
    ux, uy = (xb - xa) / n, (yb - ya) / n
    bx, by = xb - ux * size, yb - uy * size
    w = size * 0.45
    return [(xb * s, yb * s), ((bx - uy * w) * s, (by + ux * w) * s), ((bx + uy * w) * s, (by - ux * w) * s)]


def items_at(layout: Layout, step: int | None = None) -> list[Item]:
    """What is drawn at ``step``: the static scene, every step's ``keep`` up to ``step`` and its ``show``."""
    items = list(layout.items)
    if step is not None:
        for st in layout.steps[:step + 1]:
            items += st.keep
        items += layout.steps[step].show
    return items


def raster(layout: Layout, theme: Theme, step: int | None = None, background: str | None = None,
           scale: float = 1) -> np.ndarray:
    """The layout as an RGB array at ``step`` (see ``items_at``), drawn at ``scale``."""
    r = Raster(layout.width, layout.height, theme, layout.ss, layout.levels, background, scale)
    r.draw_all(items_at(layout, step))
    return r.array()


# ------------------------------------------------------------------ SVG
def svg(layout: Layout, theme: Theme, step: int | None = None, scale: float = 1, background: str | None = None,
        view: tuple[float, float, float, float] | None = None) -> bytes:
    """The layout as a standalone SVG document (deterministic; text stays selectable text).

    ``view``: the viewBox (x, y, w, h; default the Layout's box), shown ``scale`` times its size;
    ``background``: a colour, ``"none"`` (transparent) or None (the theme's bg)."""
    items = items_at(layout, step)
    hatches = sorted(h for h in {resolve(getattr(it, "hatch", None), theme) for it in items} if h is not None)
    vx, vy, vw, vh = view or (0, 0, layout.width, layout.height)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{vw * scale:g}" height="{vh * scale:g}" '
           f'viewBox="{vx:g} {vy:g} {vw:g} {vh:g}" role="img">',
           f"<title>{escape(layout.alt)}</title>", "<defs>"]
    for i, h in enumerate(hatches):
        out.append(f'<pattern id="hatch{i}" width="{HATCH}" height="{HATCH}" patternUnits="userSpaceOnUse" '
                   f'patternTransform="rotate(45)"><rect width="1" height="{HATCH}" fill="{h}"/></pattern>')
    out.append("</defs>")
    if background != "none":
        fill = resolve(background or "bg", theme)
        out.append(f'<rect width="100%" height="100%" fill="{fill}"/>' if view is None else
                   f'<rect {_attrs(x=f"{vx:g}", y=f"{vy:g}", width=f"{vw:g}", height=f"{vh:g}", fill=fill)}/>')
    for it in items:
        out.append(_svg_item(it, theme, hatches))
    out.append("</svg>")
    return "\n".join(s for s in out if s).encode()


def _attrs(**kw: object) -> str:
    return " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in kw.items() if v is not None)


def _svg_item(it: Item, theme: Theme, hatches: list[str]) -> str:
    if isinstance(it, Box):
        parts = []
        if it.fill is not None:
            parts.append(f'<rect {_attrs(x=it.x, y=it.y, width=it.w, height=it.h, fill=resolve(it.fill, theme))}/>')
        if it.hatch is not None:
            pid = hatches.index(resolve(it.hatch, theme))  # type: ignore[arg-type]
            parts.append(f'<rect {_attrs(x=it.x, y=it.y, width=it.w, height=it.h, fill=f"url(#hatch{pid})")}/>')
        if it.edge is not None:
            dash = f"{DASH[0] * it.lw} {DASH[1] * it.lw}" if it.dash else None
            parts.append(f'<rect {_attrs(x=it.x, y=it.y, width=it.w, height=it.h, fill="none")} '
                         f'{_attrs(stroke=resolve(it.edge, theme), stroke_width=it.lw, stroke_dasharray=dash)}/>')
        if it.text:
            parts.append(_svg_text(_box_text(it), theme))
        return "\n".join(parts)
    if isinstance(it, Label):
        return _svg_text(it, theme)
    if isinstance(it, Image):
        return (f'<image {_attrs(x=f"{it.x:g}", y=f"{it.y:g}", width=f"{it.w:g}", height=f"{it.h:g}")} '
                f'preserveAspectRatio="none" style="image-rendering:pixelated" href="{png_data_uri(it.pixels)}"/>')
    pts = " ".join(f"{x:g},{y:g}" for x, y in it.points)
    if isinstance(it, Poly):
        return (f'<polygon {_attrs(points=pts, fill=resolve(it.fill, theme) or "none")} '
                f'{_attrs(stroke=resolve(it.edge, theme), stroke_width=it.lw if it.edge else None)}/>')
    col = resolve(it.color, theme)
    dash = f"{DASH[0] * it.lw} {DASH[1] * it.lw}" if it.dash else None
    s = (f'<polyline {_attrs(points=pts, fill="none", stroke=col, stroke_width=it.lw)} '
         f'{_attrs(stroke_dasharray=dash)}/>')
    if it.arrow and len(it.points) >= 2:
        head = " ".join(f"{x:g},{y:g}" for x, y in _head(it.points[-2], it.points[-1], it.head, 1))
        s += f'\n<polygon points="{head}" fill="{col}"/>'
    return s


def _svg_text(it: Label, theme: Theme) -> str:
    if not it.text.strip():
        return ""
    m = tx.mask(it.text, it.size, it.bold, it.mono)
    y = {"baseline": it.y, "center": it.y + m.cap / 2, "top": it.y + m.ascent, "bottom": it.y - m.descent}[it.va]
    anchor = {"left": "start", "center": "middle", "right": "end"}[it.ha]
    family = "DejaVu Sans Mono, monospace" if it.mono else "DejaVu Sans, Verdana, sans-serif"
    rot = f"rotate(-90 {it.x:g} {it.y:g})" if it.rotate else None
    if it.rotate:
        y, anchor = it.y + m.cap / 2, "middle"
    plate = ""
    if it.plate is not None:
        x0, y0, x1, y1 = _label_box(it, 1, 0)
        box = _attrs(x=x0 - 2, y=y0 - 2, width=x1 - x0 + 4, height=y1 - y0 + 4, fill=resolve(it.plate, theme))
        plate = f"<rect {box}/>\n"
    at = _attrs(x=f"{it.x:g}", y=f"{y:g}", font_family=family, font_size=f"{tx.px(it.size):.2f}px",
                font_weight="bold" if it.bold else None, text_anchor=anchor, fill=resolve(it.color, theme),
                transform=rot)
    return plate + f"<text {at}>{escape(it.text)}</text>"
