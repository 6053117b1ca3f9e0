"""'valid' against 'same' on a real photo: where the border goes.

A k x k box blur (``kernel``, default 15, so the effect is wide enough to see) over the grey 150x128 photo
(matplotlib's sample ``grace_hopper.jpg``, public domain). 'valid' keeps only the windows that fit: the map
is (k - 1) pixels smaller per axis and is drawn where its pixels belong, inside a dashed frame of the
photo's size. 'same' pads with zeros (Keras pads ``(k - 1) // 2`` before and the rest after), so the
windows at the border average in black: a dark rim ``(k - 1) // 2`` pixels wide.

Keys: ``("input", ())``, ``("map", "valid")``, ``("map", "same")`` (Images); ``("shape", name)`` their
shape labels; ``("pads", "same")`` the padding sentence (pads from ``ConvSpec.pads``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.errors import ConvfigError
from convfig.render import fmt, parts, samples
from convfig.render.layout import Image, Item, Label, Layout, Line
from convfig.render.types import FigureSpec

REDUCE = 4
M = 14
GAP = 40
MAX_K = 41


@dataclass(frozen=True)
class Borders:
    photo: np.ndarray
    k: int
    maps: dict[str, np.ndarray]
    specs: dict[str, convfig.ConvSpec]


def compute(spec: FigureSpec) -> Borders:
    ks = spec.params["kernel"]
    if len(set(ks)) != 1 or not 3 <= ks[0] <= MAX_K:
        raise ConvfigError(f"kernel: photo-borders takes one odd or even size from 3 to {MAX_K}, got {ks}")
    k = ks[0]
    img = samples.photo(REDUCE)
    box = np.full((k, k, 1, 1), 1.0 / (k * k))
    maps, specs = {}, {}
    for pad in ("valid", "same"):
        maps[pad] = convfig.conv(img[..., None], box, padding=pad)[..., 0]
        specs[pad] = convfig.ConvSpec.make(img.shape, k, padding=pad)
    return Borders(img, k, maps, specs)


def plan(spec: FigureSpec, data: Borders) -> Layout:
    ph, pw = data.photo.shape
    k = data.k
    items: list[Item] = []
    y0 = M + 34
    heads = [("input", f"photo {fmt.tuple_str((ph, pw, 1))}", "grey, " + samples.PHOTO_FILE),
             ("valid", "padding='valid'", f"{k}×{k} box blur: no zeros"),
             ("same", "padding='same'", f"{k}×{k} box blur: zeros around")]
    for i, (name, title, sub) in enumerate(heads):
        x = M + i * (pw + GAP)
        items.append(Label(x, M + 10, title, 9.5, "fg", bold=True, va="center"))
        items.append(Label(x, M + 26, sub, 8, "muted", va="center"))
        if name == "input":
            items.append(Image(x, y0, pw, ph, samples.grey(data.photo), key=("input", ())))
            items.append(parts.chip(x, y0 + ph + 14, fmt.tuple_str((ph, pw, 1)), fill="bg", size=8.5, height=18,
                                    pad=4, key=("shape", "input")))
            continue
        m = data.maps[name]
        mh, mw = m.shape
        (pt, pb), (pl, pr) = data.specs[name].pads
        ox, oy = (pw - mw) / 2, (ph - mh) / 2
        items += parts.frame(x, y0, pw, ph, "window", 1.2, dash=True)
        items.append(Image(x + ox, y0 + oy, mw, mh, samples.grey(m), key=("map", name)))
        items.append(parts.chip(x, y0 + ph + 14, fmt.tuple_str((mh, mw, 1)), fill="bg", size=8.5, height=18,
                                pad=4, key=("shape", name)))
        if name == "valid":
            lost = f"{k - 1} rows and columns lost"
            items.append(Label(x, y0 + ph + 34, lost, 8, "muted", va="center", key=("lost", name)))
        else:
            items.append(Label(x, y0 + ph + 34, f"pads {pt} before / {pb} after", 8, "muted", va="center",
                               key=("pads", name)))
            items.append(Label(x, y0 + ph + 48, "the border averages in 0s (dark rim)", 8, "muted", va="center"))
    for i in range(2):
        xa = M + (i + 1) * (pw + GAP) - GAP
        items.append(Line(((xa + 6, y0 + ph / 2), (xa + GAP - 6, y0 + ph / 2)), "fg", 1.4, arrow=True, head=7))
    w, h = parts.extent(items)
    width, height = int(w) + M, int(h) + M
    alt = (f"A {k}×{k} box blur on a grey 150×128 photo. With padding='valid' the map shrinks to "
           f"{fmt.shape(data.maps['valid'].shape)} and sits inside the original frame; with padding='same' it "
           f"keeps {fmt.shape(data.maps['same'].shape)}, and a dark rim shows where the window averaged in the "
           "zero padding.")
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=1, levels=3)
