"""1D convolution on a real signal: a moving average and a difference kernel; 'same' against 'causal'.

The signal is the first 3 s (240 samples at 80 Hz) of channel 0 of ``eeg.dat``, matplotlib's sample EEG
recording (``convfig.render.samples.eeg``). Every curve is ``convfig.conv`` of it (Conv1D, one channel,
one filter).

- ``padding="same"``: the signal; a k-tap moving average (weights 1/k: it smooths); the difference kernel
  [-1, 1] (x[t+1] - x[t]: large where the signal changes fast).
- ``padding="causal"``: the same moving average with 'same' (centred: it reads (k-1)/2 samples of the
  future) and with 'causal' (it reads only x[t-k+1..t]): the causal curve is the centred one delayed by
  (k - 1) // 2 samples, drawn dashed; the windows both read for one t are drawn under the plot.

Keys: ``("kernel", (name, i))`` weight chips; ``("curve", name)`` the legend label of each curve (its
Line is the item right before it); ``("lag", ())`` the lag sentence (samples and ms from the sample rate);
``("window", (mode, i))`` the cells a window reads in the bottom strip (causal figure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import convfig
from convfig.errors import ConvfigError
from convfig.render import fmt, parts, samples
from convfig.render import text as tx
from convfig.render.layout import Box, Item, Label, Layout, Line
from convfig.render.types import FigureSpec

N = 240             # samples shown (3 s)
M = 14
LEFT = 64           # room for the panel names
W = 600             # plot width
PANEL_H = 96
PANEL_GAP = 34
CHIP = 18


@dataclass(frozen=True)
class Curves:
    t: np.ndarray                        # sample index
    x: np.ndarray                        # the signal
    k: int
    padding: str
    curves: dict[str, np.ndarray]        # name -> output (same length as x)


@dataclass(frozen=True)
class Geo:
    """The sizes of one arrangement. The page's are the constants above; a slide (target "slide") has larger
    type (``f`` times), a wider plot and each panel's name on a line of its own above its curves."""

    slide: bool = False
    f: float = 1.0                       # type size and text spacing factor
    w: float = W                         # plot width
    ph: float = PANEL_H                  # plot height of a panel
    gap: float = PANEL_GAP
    chip: float = CHIP
    left: float = LEFT                   # gutter left of the plots (the strip's row names)
    chip_pt: float = 7.5                 # the kernel chips' numbers and their "× 1/k" note
    lag_pt: float = 8.5                  # the lag sentence (causal figure)

    def s(self, v: float) -> float:
        return v * self.f

    @property
    def head(self) -> float:
        """Height of the name line above a panel's curves (the page writes the name over the curves' corner)."""
        return self.s(24) if self.slide else 0


def geo(spec: FigureSpec, padding: str) -> Geo:
    if spec.target != "slide":
        return Geo()
    if padding == "causal":
        return Geo(True, 1.4, 820, 210, 14, 34, 1.4 * LEFT, chip_pt=13.5, lag_pt=13.5)
    return Geo(True, 1.4, 900, 92, 14, 34, 30, chip_pt=13.5)


def _conv1d(x: np.ndarray, w: np.ndarray, padding: str) -> np.ndarray:
    return convfig.conv(x[:, None], w[:, None, None], padding=padding)[:, 0]


def compute(spec: FigureSpec) -> Curves:
    padding = spec.params["padding"]
    k = spec.params["kernel"][0]
    if padding not in ("same", "causal"):
        raise ConvfigError(f"padding: signal figures show same or causal, got {padding!r}")
    if not 2 <= k <= 31:
        raise ConvfigError(f"kernel: the moving average takes 2 to 31 taps, got {k}")
    x = np.asarray(samples.eeg(0)[:N], float)
    avg = np.full(k, 1.0 / k)
    if padding == "same":
        curves = {"average": _conv1d(x, avg, "same"), "difference": _conv1d(x, np.array([-1.0, 1.0]), "same")}
    else:
        curves = {"same": _conv1d(x, avg, "same"), "causal": _conv1d(x, avg, "causal")}
    return Curves(np.arange(N), x, k, padding, curves)


def _polyline(g: Geo, t: np.ndarray, v: np.ndarray, x0: float, y_mid: float, scale: float, colour: str, lw: float,
              dash: bool = False) -> Line:
    dx = g.w / (N - 1)
    return Line(tuple((round(x0 + float(i) * dx, 2), round(y_mid - float(val) * scale, 2)) for i, val in zip(t, v)),
                colour, lw, dash)


def _chips(g: Geo, x_end: float, y: float, name: str, weights: list[str], note: str = "") -> list[Item]:
    """The kernel's weights as chips ending at x_end (its note after them), on the panel's name line (slide) or
    just above the panel (page)."""
    step = g.chip + g.s(5)
    room = (g.s(10) + tx.width(note, g.chip_pt, bold=True) if g.slide else 40) if note else 0
    x = x_end - (len(weights) * step + room)
    y = y + g.s(10) - g.chip / 2 if g.slide else y - 14
    items: list[Item] = [Box(x + i * step, y, g.chip, g.chip, fill="window_fill", edge="grid", text=w, color="weight",
                             bold=True, size=g.chip_pt, key=("kernel", (name, i))) for i, w in enumerate(weights)]
    if note:
        items.append(Label(x + len(weights) * step + g.s(5), y + g.chip / 2, note,
                           g.chip_pt if g.slide else g.s(8), "weight", bold=True,
                           va="center"))
    return items


def _axis(g: Geo, x0: float, y: float) -> list[Item]:
    items: list[Item] = [Line(((x0, y), (x0 + g.w, y)), "grid", 1)]
    dx = g.w / (N - 1)
    for s in range(0, N + 1, samples.EEG_RATE // 2):
        sx = x0 + min(s, N - 1) * dx
        items.append(Line(((sx, y), (sx, y + g.s(4))), "grid", 1))
        items.append(Label(sx, y + g.s(13), f"{s / samples.EEG_RATE:g} s", g.s(7.5), "muted", ha="center",
                           va="center"))
    return items


def _panel(g: Geo, y: float, title: str, sub: str) -> tuple[list[Item], float]:
    """A panel's name and description, its zero line; returns (items, y of the zero line)."""
    mid = y + g.head + g.ph / 2
    line = Line(((M + g.left, mid), (M + g.left + g.w, mid)), "grid", 0.6, dash=True)
    if g.slide:
        return [Label(M, y + g.s(10), title, g.s(9), "fg", bold=True, va="center"),
                Label(M + tx.width(title, g.s(9), bold=True) + g.s(10), y + g.s(10), sub, g.s(7.5), "muted",
                      va="center"), line], mid
    return [Label(M, y + 10, title, 9, "fg", bold=True, va="center"), Label(M, y + 24, sub, 7.5, "muted",
                                                                            va="center"), line], mid


def _legend(g: Geo, x: float, y: float, entries: list[tuple[str, str, bool, str]]) -> list[Item]:
    items: list[Item] = []
    for name, colour, dash, text in entries:
        items.append(Line(((x, y), (x + g.s(22), y)), colour, 2.2, dash))
        items.append(Label(x + g.s(28), y, text, g.s(8), "fg", va="center", key=("curve", name)))
        x += g.s(28) + (tx.width(text, g.s(8)) if g.slide else len(text) * 5.6) + g.s(18)
    return items


def plan(spec: FigureSpec, data: Curves) -> Layout:
    g = geo(spec, data.padding)
    x0 = M + g.left
    k = data.k
    items: list[Item] = []
    y: float = M
    scale = (g.ph / 2 - 4) / float(np.max(np.abs(data.x)))
    ones = ["1"] * min(k, 9) + (["…"] if k > 9 else [])
    if data.padding == "same":
        d = data.curves["difference"]
        rows = [("signal", "x: EEG channel 0", [("signal", data.x, "fg", False, 1.2)]),
                ("average", f"{k}-tap moving average", [("signal", data.x, "future", False, 1.0),
                                                         ("average", data.curves["average"], "accent", False, 2.2)]),
                ("difference", "kernel [−1, 1]", [("difference", d, "window", False, 1.4)])]
        for i, (title, sub, lines) in enumerate(rows):
            panel, mid = _panel(g, y, title, sub)
            items += panel
            for _name, v, colour, dash, lw in lines:
                items.append(_polyline(g, data.t, v, x0, mid, scale, colour, lw, dash))
            if i == 1:
                items += _chips(g, x0 + g.w, y, "average", ones, f"× 1/{k}")
            if i == 2:
                items += _chips(g, x0 + g.w, y, "difference", [fmt.num(-1), "1"])
            y += g.head + g.ph + g.gap
        items += _axis(g, x0, y - g.gap + 4)
        y += g.s(6) + (g.s(20) if g.slide else 0)
        items += _legend(g, x0, y, [("signal", "fg", False, "signal"), ("average", "accent", False, "moving average"),
                                    ("difference", "window", False, "difference (change per sample)")])
        y += g.s(20)
        calls = [f"average = convfig.conv(x, np.full(({k}, 1, 1), 1/{k}), padding='same')",
                 "difference = convfig.conv(x, np.array([-1, 1]).reshape(2, 1, 1), padding='same')"]
    else:
        lag = (k - 1) // 2
        y += 10
        panel, mid = _panel(g, y, "average", f"{k} taps, same vs causal")
        items += panel
        items.append(_polyline(g, data.t, data.x, x0, mid, scale, "future", 1.0))
        items.append(_polyline(g, data.t, data.curves["same"], x0, mid, scale, "accent", 2.2))
        items.append(_polyline(g, data.t, data.curves["causal"], x0, mid, scale, "window", 2.2, True))
        items += _chips(g, x0 + g.w, y, "average", ones, f"× 1/{k}")
        y += g.head + g.ph + 4
        items += _axis(g, x0, y)
        y += g.s(30)
        items += _legend(g, x0, y, [("signal", "future", False, "signal"),
                                    ("same", "accent", False, "'same' (centred)"),
                                    ("causal", "window", True, "'causal' (past only)")])
        y += g.s(18)
        ms = 1000 * lag / samples.EEG_RATE
        why = "" if g.slide else ": the output at t never reads a later sample"   # a slide: the strip shows it
        items.append(Label(x0, y + g.s(6), f"'causal' = 'same' delayed by {lag} samples ({ms:g} ms at "
                           f"{samples.EEG_RATE} Hz){why}", g.lag_pt, "fg", va="center", key=("lag", ())))
        y += g.s(22)
        items += _windows(g, x0, y, k)
        y += 2 * g.s(24) + g.s(8)
        calls = [f"same = convfig.conv(x, w, padding='same')       # reads x[t-{lag} .. t+{k - 1 - lag}]",
                 f"causal = convfig.conv(x, w, padding='causal')   # reads x[t-{k - 1} .. t]"]
    for i, c in enumerate(calls):
        items.append(Label(M, y + g.s(10) + g.s(15) * i, c, g.s(8), "fg", mono=True))
    w, h = parts.extent(items)
    width, height = int(max(w, x0 + g.w)) + M, int(h) + M
    alt = ("Conv1D on 3 s of a real EEG recording (matplotlib's eeg.dat, 80 Hz): "
           + (f"a {k}-tap moving average smooths it; the difference kernel [−1, 1] is large where it changes fast."
              if data.padding == "same" else
              f"a {k}-tap moving average with padding 'same' (centred) and 'causal' (past only); the causal curve "
              f"is the same curve delayed by {(k - 1) // 2} samples."))
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=2)


def _windows(g: Geo, x0: float, y: float, k: int) -> list[Item]:
    """The samples one output t reads: centred ('same') and past-only ('causal'), t marked."""
    items: list[Item] = []
    span = 2 * k + 1
    t = k                              # cell index of "now"
    label = f"filled: the {k} samples output t reads"
    cw = min(g.s(16), (g.w - tx.width(label, g.s(8)) - g.s(10)) / span) if g.slide else 16
    for row, (mode, first) in enumerate((("same", t - (k - 1) // 2), ("causal", t - k + 1))):
        yy = y + row * g.s(24)
        items.append(Label(x0 - 8, yy + g.s(9), mode, g.s(8), "fg", ha="right", va="center"))
        for i in range(span):
            reads = first <= i < first + k
            items.append(Box(x0 + i * cw, yy, cw, g.s(18), fill="window_fill" if reads else "bg",
                             edge="window" if i == t else "grid", lw=2 if i == t else 1,
                             text="t" if i == t else "", size=min(g.s(7.5), cw * 0.55), color="fg",
                             key=("window", (mode, i))))
    items.append(Label(x0 + span * cw + g.s(10), y + g.s(21), label, g.s(8), "muted", va="center"))
    return items
