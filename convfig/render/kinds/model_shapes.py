"""Model shapes: the per-sample shapes through a small Keras model (Input, then three Conv2D layers).

Every output shape is ``convfig.output_shape`` of the previous shape; parameter counts, Keras calls and
padding amounts come from the layer's ``convfig.ConvSpec``. Each column shows a tensor icon (card size
grows with the spatial size, more cards for more channels), the layer name and call, the shape, the
parameter count and the padding.

Keys (what tests read), ``i`` = column: 0 is the Input, 1..3 the Conv2D layers:

- ``("shape", i)``: box showing the shape with Keras's batch axis, e.g. ``(None, 26, 26, 8)``;
- ``("dims", i)``: the caption under the icon (``26×26 × 8 channels``); ``("tensor", i)``: the icon's front card;
- ``("params", i)`` (layers only): ``= 1,168``; ``("total",)``: the total parameter sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

import convfig
from convfig.render import fmt, parts
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line
from convfig.render.style import FONT_CAPTION, FONT_LABEL, FONT_SMALL, FONT_TITLE
from convfig.render.types import ConvfigError, FigureSpec

MODEL_LAYERS = ((8, 3, 1, "valid"), (16, 3, 2, "same"), (32, 3, 1, "valid"))   # (filters, kernel, strides, padding)
M = 16                 # figure margin
COL_W = 206            # one column per tensor
ICON_TOP, ICON_AREA = 96, 150


@dataclass(frozen=True)
class Dims:
    """A column's width, icon band (top, height, smallest and added card side), type (pt) of the dims caption,
    layer name, call (and its line pitch), shape chip, formula, parameter count and total; ``gap``: from the
    name to the 'output shape' line; ``page``: the muted extras (shape label, padding, last line) are drawn.
    The page's by default."""

    col_w: float = COL_W
    icon_top: float = ICON_TOP
    icon_area: float = ICON_AREA
    side: tuple[float, float] = (34, 86)
    dims_pt: float = FONT_SMALL + 1
    name_pt: float = FONT_LABEL
    call_pt: float = FONT_SMALL
    call_h: float = 14
    gap: float = 82
    chip_pt: float = FONT_LABEL + 1
    chip_h: float = 26
    formula_pt: float = FONT_SMALL + 1
    params_pt: float = FONT_LABEL
    total_pt: float = FONT_CAPTION
    title_pt: float = FONT_TITLE
    page: bool = True


# a slide: every keyed number in 13.5 pt or more (digits >= 24 px at the slide's ~1.9x), wider columns
SLIDE = Dims(248, 78, 150, (30, 74), 13.5, 15, 10.5, 16, 0, 15, 34, 12, 15, 13.5, 16, False)


@dataclass(frozen=True)
class Model:
    """The input sample shape and, per layer, its ConvSpec and the engine's output shape."""

    input_shape: tuple[int, ...]            # (height, width, channels)
    layers: list[convfig.ConvSpec]
    shapes: list[tuple[int, ...]]           # convfig.output_shape of each layer


def compute(spec: FigureSpec) -> Model:
    spatial, channels = tuple(spec.params["input"]), spec.params["channels"]
    if len(spatial) != 2:
        raise ConvfigError(f"input: the model-shapes figure draws a Conv2D model on an image (e.g. 28x28), "
                           f"got {fmt.shape(spatial)}")
    cur: tuple[int, ...] = spatial + (channels,)
    layers, shapes = [], []
    for f, k, s, pad in MODEL_LAYERS:
        try:
            out = convfig.output_shape(cur, k, filters=f, strides=s, padding=pad)
        except ConvfigError as e:
            raise ConvfigError(f"input: {fmt.shape(spatial)} is too small for the example model ({e})") from None
        layers.append(convfig.ConvSpec.make(cur[:-1], k, channels=cur[-1], filters=f, strides=s, padding=pad))
        shapes.append(out)
        cur = out
    return Model(spatial + (channels,), layers, shapes)


def _batched(shape: tuple[int, ...]) -> str:
    """The shape Keras prints, batch axis first: (None, 26, 26, 8)."""
    return "(None, " + ", ".join(str(v) for v in shape) + ")"


def _icon(x: float, y: float, side: float, cards: int, fill: str, key: tuple) -> list[Item]:
    """A stack of square cards, front card's top-left at (x, y): more channels, more cards (at most 8)."""
    k = min(8, 1 + int(np.ceil(np.log2(cards)))) if cards > 1 else 1
    return [Box(x + i * 5, y - i * 5, side, side, fill=fill, edge="fg", lw=0.9, key=key if i == 0 else None)
            for i in reversed(range(k))]


def _call_lines(x: float, y: float, i: int, m: Model, d: Dims) -> list[Item]:
    """The Keras call of column i, wrapped to the column (muted, monospaced)."""
    if i == 0:
        lines = ["keras.Input(", f"    shape={fmt.tuple_str(m.input_shape)})"]
        return [Label(x, y + d.call_h - 2 + d.call_h * j, s, d.call_pt, "muted", mono=True)
                for j, s in enumerate(lines)]
    call = m.layers[i - 1].keras_call().replace("keras.layers.", "")
    items, _ = parts.code_lines(x, y, call, d.col_w - 22, size=d.call_pt, line_h=d.call_h, color="muted")
    return items


def _column(i: int, m: Model, n_max: int, d: Dims) -> list[Item]:
    """Icon, dims, name, call, shape box and (for layers) parameters and padding of column i."""
    x0 = M + i * d.col_w
    shape = m.input_shape if i == 0 else m.shapes[i - 1]
    fill = "input_fill" if i == 0 else "output_fill"
    side = round(d.side[0] + d.side[1] * (max(shape[:-1]) / n_max))
    ybase = d.icon_top + d.icon_area - 16
    items = _icon(x0 + 6, ybase - side, side, shape[-1], fill, ("tensor", i))
    k = d.name_pt / FONT_LABEL           # spacing grows with the type
    y = d.icon_top + d.icon_area + round(22 * k)
    chans = f"{shape[-1]} channel{'s' if shape[-1] != 1 else ''}"
    y2 = y + d.gap
    items += [Label(x0 + 6, ybase + round(14 * k), f"{fmt.shape(shape[:-1])} {fmt.TIMES} {chans}", d.dims_pt,
                    "muted", va="center", key=("dims", i)),
              Label(x0 + 6, y, "Input" if i == 0 else f"layer {i}", d.name_pt, bold=True, va="center"),
              *_call_lines(x0 + 6, y + round(13 * k), i, m, d)]
    if d.page:
        items.append(Label(x0 + 6, y2, "input shape" if i == 0 else "output shape", FONT_SMALL + 1, "muted",
                           va="center"))
    items.append(parts.chip(x0 + 2, y2 + 25 if d.page else y2, _batched(shape), fill=fill, size=d.chip_pt, pad=5,
                            height=d.chip_h, key=("shape", i)))
    if i:
        sp = m.layers[i - 1]
        kk = fmt.TIMES.join(str(v) for v in sp.kernel_size)
        mid = d.icon_top + d.icon_area / 2 + 10
        y3 = y2 + 54 if d.page else y2 + d.chip_h / 2 + round(18 * k)
        items += [Label(x0 + 6, y3, f"params {kk}{fmt.TIMES}{sp.channels}{fmt.TIMES}{sp.filters} + {sp.filters}",
                        d.formula_pt, "muted", va="center"),
                  Label(x0 + 6, y3 + round(19 * k), f"= {sp.params:,}", d.params_pt, bold=True, va="center",
                        key=("params", i))]
        if d.page:
            items.append(Label(x0 + 6, y2 + 94, sp.describe_padding(), FONT_SMALL, "muted", va="center"))
        items.append(Line(((x0 - 40, mid), (x0 - 6, mid)), "muted", 1.4, arrow=True, head=10))
    return items


def plan(spec: FigureSpec, m: Model) -> Layout:
    spatial = m.input_shape[:-1]
    d = Dims()
    if spec.target == "slide":       # the shape chips sit under the longest call
        adv = tx.mono_advance(SLIDE.call_pt)
        lines = max(len(fmt.wrap_call(sp.keras_call().replace("keras.layers.", ""),
                                      max(20, int((SLIDE.col_w - 22) // adv)))) for sp in m.layers)
        d = replace(SLIDE, gap=round(13 * SLIDE.name_pt / FONT_LABEL + (max(2, lines) + 0.5) * SLIDE.call_h
                                     + SLIDE.chip_h / 2))
    items, _ = parts.heading(M, 8, "Shapes through a small Conv2D model (computed by convfig)",
                             f"one sample is {len(spatial) + 1}-D: {len(spatial)} axes the kernel slides over "
                             "(height, width) + channels; Keras adds the batch axis (None)",
                             size=d.title_pt, sub_size=FONT_CAPTION if d.page else FONT_CAPTION + 2)
    n_max = max(spatial)
    for i in range(len(m.layers) + 1):
        items += _column(i, m, n_max, d)
    total = sum(sp.params for sp in m.layers)
    text = f"Total parameters: {total:,}. Each layer's filters become the next layer's channels"
    if d.page:
        h = ICON_TOP + ICON_AREA + 22 + 82 + 160
        items += [Label(M, h - 36, text + " (the last dim).", FONT_CAPTION, bold=True, va="center", key=("total",)),
                  Label(M, h - 16, f"padding='same' keeps the grid (divided by the stride); 'valid' shrinks it by "
                        f"k{fmt.MINUS}1.", FONT_CAPTION, "muted", va="center")]
    else:
        bottom = parts.extent(items)[1]
        items.append(Label(M, bottom + 36, text + ".", d.total_pt, bold=True, va="center", key=("total",)))
        h = int(parts.extent(items)[1] + 2 * M)
    w = max(M * 2 + (len(m.layers) + 1) * d.col_w, parts.extent(items)[0] + M)
    desc = "; ".join(f"{sp.keras_call().replace('keras.layers.', '')} {fmt.ARROW} {_batched(shape)}, {sp.params} params"
                     for sp, shape in zip(m.layers, m.shapes))
    alt = (f"Shapes through a small Keras model on input {fmt.tuple_str(m.input_shape)} (height, width, channels): "
           f"{desc}. Total {total} parameters.")
    return Layout(int(np.ceil(w)), int(h), items, alt=alt, ss=2, levels=0)
