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


def _polyline(t: np.ndarray, v: np.ndarray, x0: float, y_mid: float, scale: float, colour: str, lw: float,
              dash: bool = False) -> Line:
    dx = W / (N - 1)
    return Line(tuple((round(x0 + float(i) * dx, 2), round(y_mid - float(val) * scale, 2)) for i, val in zip(t, v)),
                colour, lw, dash)


def _chips(x: float, y: float, name: str, weights: list[str], note: str = "") -> list[Item]:
    items: list[Item] = [Box(x + i * (CHIP + 5), y, CHIP, CHIP, fill="window_fill", edge="grid", text=w, color="weight",
                             bold=True, size=7.5, key=("kernel", (name, i))) for i, w in enumerate(weights)]
    if note:
        items.append(Label(x + len(weights) * (CHIP + 5) + 5, y + CHIP / 2, note, 8, "weight", bold=True, va="center"))
    return items


def _axis(x0: float, y: float) -> list[Item]:
    items: list[Item] = [Line(((x0, y), (x0 + W, y)), "grid", 1)]
    dx = W / (N - 1)
    for s in range(0, N + 1, samples.EEG_RATE // 2):
        sx = x0 + min(s, N - 1) * dx
        items.append(Line(((sx, y), (sx, y + 4)), "grid", 1))
        items.append(Label(sx, y + 13, f"{s / samples.EEG_RATE:g} s", 7.5, "muted", ha="center", va="center"))
    return items


def _panel(y: float, title: str, sub: str) -> list[Item]:
    return [Label(M, y + 10, title, 9, "fg", bold=True, va="center"), Label(M, y + 24, sub, 7.5, "muted",
                                                                             va="center"),
            Line(((M + LEFT, y + PANEL_H / 2), (M + LEFT + W, y + PANEL_H / 2)), "grid", 0.6, dash=True)]


def _legend(x: float, y: float, entries: list[tuple[str, str, bool, str]]) -> list[Item]:
    items: list[Item] = []
    for name, colour, dash, text in entries:
        items.append(Line(((x, y), (x + 22, y)), colour, 2.2, dash))
        items.append(Label(x + 28, y, text, 8, "fg", va="center", key=("curve", name)))
        x += 28 + len(text) * 5.6 + 18
    return items


def plan(spec: FigureSpec, data: Curves) -> Layout:
    x0 = M + LEFT
    k = data.k
    items: list[Item] = []
    y = M
    scale = (PANEL_H / 2 - 4) / float(np.max(np.abs(data.x)))
    ones = ["1"] * min(k, 9) + (["…"] if k > 9 else [])
    if data.padding == "same":
        d = data.curves["difference"]
        rows = [("signal", "x: EEG channel 0", [("signal", data.x, "fg", False, 1.2)]),
                ("average", f"{k}-tap moving average", [("signal", data.x, "future", False, 1.0),
                                                         ("average", data.curves["average"], "accent", False, 2.2)]),
                ("difference", "kernel [−1, 1]", [("difference", d, "window", False, 1.4)])]
        for i, (title, sub, lines) in enumerate(rows):
            items += _panel(y, title, sub)
            for _name, v, colour, dash, lw in lines:
                items.append(_polyline(data.t, v, x0, y + PANEL_H / 2, scale, colour, lw, dash))
            if i == 1:
                items += _chips(x0 + W - (len(ones) * (CHIP + 5) + 40), y - 14, "average", ones, f"× 1/{k}")
            if i == 2:
                items += _chips(x0 + W - 2 * (CHIP + 5), y - 14, "difference", [fmt.num(-1), "1"])
            y += PANEL_H + PANEL_GAP
        items += _axis(x0, y - PANEL_GAP + 4)
        y += 6
        items += _legend(x0, y, [("signal", "fg", False, "signal"), ("average", "accent", False, "moving average"),
                                 ("difference", "window", False, "difference (change per sample)")])
        y += 20
        calls = [f"average = convfig.conv(x, np.full(({k}, 1, 1), 1/{k}), padding='same')",
                 "difference = convfig.conv(x, np.array([-1, 1]).reshape(2, 1, 1), padding='same')"]
    else:
        lag = (k - 1) // 2
        y += 10
        items += _panel(y, "average", f"{k} taps, same vs causal")
        items.append(_polyline(data.t, data.x, x0, y + PANEL_H / 2, scale, "future", 1.0))
        items.append(_polyline(data.t, data.curves["same"], x0, y + PANEL_H / 2, scale, "accent", 2.2))
        items.append(_polyline(data.t, data.curves["causal"], x0, y + PANEL_H / 2, scale, "window", 2.2, True))
        items += _chips(x0 + W - (len(ones) * (CHIP + 5) + 40), y - 14, "average", ones, f"× 1/{k}")
        y += PANEL_H + 4
        items += _axis(x0, y)
        y += 30
        items += _legend(x0, y, [("signal", "future", False, "signal"), ("same", "accent", False, "'same' (centred)"),
                                 ("causal", "window", True, "'causal' (past only)")])
        y += 18
        ms = 1000 * lag / samples.EEG_RATE
        items.append(Label(x0, y + 6, f"'causal' = 'same' delayed by {lag} samples ({ms:g} ms at "
                           f"{samples.EEG_RATE} Hz): the output at t never reads a later sample", 8.5, "fg",
                           va="center", key=("lag", ())))
        y += 22
        items += _windows(x0, y, k)
        y += 2 * 24 + 8
        calls = [f"same = convfig.conv(x, w, padding='same')       # reads x[t-{lag} .. t+{k - 1 - lag}]",
                 f"causal = convfig.conv(x, w, padding='causal')   # reads x[t-{k - 1} .. t]"]
    for i, c in enumerate(calls):
        items.append(Label(M, y + 10 + 15 * i, c, 8, "fg", mono=True))
    w, h = parts.extent(items)
    width, height = int(max(w, x0 + W)) + M, int(h) + M
    alt = ("Conv1D on 3 s of a real EEG recording (matplotlib's eeg.dat, 80 Hz): "
           + (f"a {k}-tap moving average smooths it; the difference kernel [−1, 1] is large where it changes fast."
              if data.padding == "same" else
              f"a {k}-tap moving average with padding 'same' (centred) and 'causal' (past only); the causal curve "
              f"is the same curve delayed by {(k - 1) // 2} samples."))
    return Layout(width + width % 2, height + height % 2, items, alt=alt, ss=2)


def _windows(x0: float, y: float, k: int) -> list[Item]:
    """The samples one output t reads: centred ('same') and past-only ('causal'), t marked."""
    items: list[Item] = []
    span = 2 * k + 1
    t = k                              # cell index of "now"
    for row, (mode, first) in enumerate((("same", t - (k - 1) // 2), ("causal", t - k + 1))):
        yy = y + row * 24
        items.append(Label(x0 - 8, yy + 9, mode, 8, "fg", ha="right", va="center"))
        for i in range(span):
            reads = first <= i < first + k
            items.append(Box(x0 + i * 16, yy, 16, 18, fill="window_fill" if reads else "bg",
                             edge="window" if i == t else "grid", lw=2 if i == t else 1,
                             text="t" if i == t else "", size=7.5, color="fg", key=("window", (mode, i))))
    items.append(Label(x0 + span * 16 + 10, y + 21, f"filled: the {k} samples output t reads", 8, "muted",
                       va="center"))
    return items
