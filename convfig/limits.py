"""The one size budget: what convfig agrees to trace or draw, checked before any work starts.

Every entry point asks here first: the API (``convfig.trace``, ``convfig.trace_example``), the figure
registry (``make_spec`` / ``check_size``, so the CLI, the catalogue and the page syntax too). A request
over the budget is refused with a one-line :class:`~convfig.errors.ConvfigError` that names the
parameter, the limit and a smaller input that fits.

The numbers are estimates computed from the parameters alone (no trace, no pixels); they are
calibrated so that the largest accepted figure of every kind renders in <= 10 s and <= 1 GiB on a
2-core machine (``make bench`` prints the table, ``bench/bench_limits.py``).

>>> BUDGET.frames
1000
>>> estimate("conv2d", {"input": [5, 5], "kernel": [3, 3], "strides": [1, 1], "padding": "valid",
...                     "dilation": [1, 1], "channels": 1, "filters": 1, "groups": 1}).frames
9
>>> try:
...     check("conv2d", {"input": [60, 60], "kernel": [3, 3]}, animated=True)
... except OverBudget as e:
...     print(e.key, e.value, e.rule)  # doctest: +NORMALIZE_WHITESPACE
input 60x60 the conv2d figure would draw 3,364 frames, over the budget of 1,000 frames;
use a smaller input such as 25x25 or larger strides
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import prod
from typing import Any, cast

from convfig import arithmetic as ar
from convfig.errors import ConvfigError
from convfig.spec import ConvSpec

MiB = 1 << 20


class OverBudget(ConvfigError):
    """A request over the budget: ``key`` is the parameter to make smaller, ``rule`` says by how much
    (the registry re-raises it as a ParamError, so the CLI names the flag)."""

    def __init__(self, key: str, value: object, rule: str) -> None:
        self.key, self.value, self.rule = key, value, rule
        super().__init__(f"{key}: {rule}, got {value!r}")

    def __reduce__(self) -> tuple[type, tuple[str, object, str]]:
        return OverBudget, (self.key, self.value, self.rule)


@dataclass(frozen=True)
class Budget:
    """The limits. ``cells`` and ``pixels`` count one picture (one frame); ``cell_frames`` and
    ``pixel_frames`` the whole animation (what drawing and encoding cost grows with)."""

    cells: int = 6_000                    # cells drawn in one picture (every panel, channel and padding cell)
    cell_frames: int = 1_000_000          # cells x frames
    frames: int = 1_000                   # animation frames (one per output position)
    pixels: int = 12_000_000              # pixels of one frame as drawn (supersampled diagrams count 4x)
    pixel_frames: int = 1_200_000_000     # pixels x frames
    memory: int = 900 * MiB               # estimated peak memory of one figure or one trace

    def rows(self) -> list[tuple[str, str]]:
        """(what, limit) for docs and error messages."""
        return [("cells per picture", f"{self.cells:,}"), ("cells x frames", f"{self.cell_frames:,}"),
                ("frames", f"{self.frames:,}"), ("pixels per frame", f"{self.pixels:,}"),
                ("pixels x frames", f"{self.pixel_frames:,}"), ("estimated memory", f"{self.memory // MiB} MiB")]


BUDGET = Budget()

CELL_PX = 34            # pixels per drawn cell (convfig.render.style.CELL_PX; a test keeps them equal)
BASE_MEMORY = 64 * MiB  # interpreter, numpy, Pillow, fonts
STEP_BYTES = 2048       # one recorded window of a trace (Step object, index arrays), besides its numbers
VOXEL_ITEMS = 8         # a drawn voxel counts as this many cells
# kinds drawn from a window view whose frames hold more per cell than a conv2d frame (measured: bench_limits)
CELL_WEIGHT = {"pool": 4, "transpose-conv": 3}


@dataclass(frozen=True)
class Estimate:
    """What a request would cost: cells per picture, frames, pixels per frame, peak memory (bytes)."""

    cells: int
    frames: int
    pixels: int
    memory: int

    def over(self, budget: Budget = BUDGET) -> str | None:
        """The first limit this estimate breaks, as words; None when it fits."""
        tests = [
            (self.frames, budget.frames, f"{self.frames:,} frames", "frames"),
            (self.cells, budget.cells, f"{self.cells:,} cells in one picture", "cells per picture"),
            (self.cells * self.frames, budget.cell_frames,
             f"{self.frames:,} frames x {self.cells:,} cells = {self.cells * self.frames:,} cells",
             "cells over all frames"),
            (self.pixels, budget.pixels, f"frames of {self.pixels / 1e6:.1f} megapixels",
             "pixels per frame"),
            (self.pixels * self.frames, budget.pixel_frames,
             f"{self.frames:,} frames x {self.pixels / 1e6:.1f} megapixels", "pixels over all frames"),
            (self.memory, budget.memory, f"about {self.memory / MiB:,.0f} MiB", "MiB"),
        ]
        for value, limit, what, unit in tests:
            if value > limit:
                shown = f"{limit // MiB:,}" if unit == "MiB" else f"{limit:,}"
                return f"{what}, over the budget of {shown} {unit}"
        return None


def _trace_bytes(spec: ConvSpec) -> int:
    k = prod(spec.kernel_size)
    per_step = STEP_BYTES + 8 * k * (spec.channels + 2 * (spec.channels // spec.groups) * spec.filters)
    return spec.positions * per_step + 8 * prod(spec.padded_shape) * spec.channels * 2


def _memory(cells: int, frames: int, pixels: int, traced: int = 0) -> int:
    """Peak bytes: the canvas and its copies, the frames' changed patches, the planned items, the trace."""
    return BASE_MEMORY + 8 * pixels + pixels * frames // 10 + 200 * cells * frames + traced


def _figure(cells: int, frames: int, width: float, height: float, ss: int = 1, traced: int = 0) -> Estimate:
    pixels = int(width * height) * ss * ss
    return Estimate(cells, frames, pixels, _memory(cells, frames, pixels, traced))


def _conv2d(s: ConvSpec) -> Estimate:
    (ph, pw), (oh, ow), (kh, kw) = s.padded_shape, s.out_spatial, s.kernel_size
    cells = ph * pw + 2 * kh * kw + oh * ow
    return _figure(cells, oh * ow, CELL_PX * (pw + kw + ow) + 200, CELL_PX * max(ph, oh) + 220,
                   traced=_trace_bytes(s))


def _conv1d(s: ConvSpec) -> Estimate:
    (n,), (o,), (k,) = s.padded_shape, s.out_spatial, s.kernel_size
    c, f = s.channels, s.filters
    cells = n * c + o * f + 2 * k * (c // s.groups) * f
    return _figure(cells, o, CELL_PX * n + 200, 320 + 160 * (c + f - 2), traced=_trace_bytes(s))


def _conv3d(s: ConvSpec) -> Estimate:
    (pd, ph, pw), (od, oh, _) = s.padded_shape, s.out_spatial
    # a voxel: three faces, their edges and its number
    cells = VOXEL_ITEMS * (prod(s.padded_shape) * s.channels + prod(s.out_spatial) * s.filters
                 + prod(s.kernel_size) * (s.channels // s.groups) * s.filters)
    return _figure(cells, s.positions, CELL_PX * (pw + pd) + 300, CELL_PX * (ph + pd + oh + od) + 300,
                   traced=_trace_bytes(s))


def _channels(s: ConvSpec) -> Estimate:
    ph, pw = (1, *s.padded_shape) if s.rank == 1 else s.padded_shape
    c, f = s.channels, s.filters
    # every frame redraws each filter's weights, products and partial sums
    cells = prod(s.padded_shape) * c + prod(s.out_spatial) * f + 6 * prod(s.kernel_size) * (c // s.groups) * f
    return _figure(cells, s.positions, CELL_PX * pw * c + 200, CELL_PX * ph * (max(c, f) + 1) + 300,
                   traced=_trace_bytes(s))


def _animation(s: ConvSpec) -> Estimate:
    """A sliding-window animation of any layer, by the rank of its window view."""
    return (_conv1d, _conv2d, _conv3d)[s.rank - 1](s) if s.channels == s.filters == 1 else _channels(s)


def _padding_modes(s: ConvSpec) -> Estimate:
    n = s.padded_shape[0]         # s has padding 'full': the widest of the four rows
    return _figure(8 * n, 1, CELL_PX * n + 200, 800, ss=2, traced=4 * _trace_bytes(s))


def _grid(s: ConvSpec, panels: int = 1) -> Estimate:
    """A diagram of `panels` input grids side by side (2D; a 1D input is one row)."""
    ph, pw = (1, *s.padded_shape) if s.rank == 1 else s.padded_shape[-2:]
    cells = panels * prod(s.padded_shape) * s.channels + s.positions * s.filters
    return _figure(cells, 1, max(760, panels * (CELL_PX * pw + 100) + 200), max(510, CELL_PX * ph + 300), ss=2,
                   traced=panels * _trace_bytes(s))


def _receptive_field(p: Mapping[str, Any]) -> Estimate:
    layers = list(zip(p["kernels"], p["strides"], p["dilations"]))
    size, jump = cast(tuple[int, int], ar.receptive_field(layers))     # one axis: (size, jump)
    side = size + 2 * jump
    cells = side * side * (len(layers) + 2)
    return _figure(cells, 1, CELL_PX * side * (len(layers) + 2) + 400, CELL_PX * side + 400, ss=2)


def _constant() -> Estimate:
    return _figure(300, 1, 1000, 700, ss=2)


# figure kinds with their own cost model (the window view ConvSpec in, the estimate out); any other kind
# with an input is estimated from its window view: an animation by rank, a diagram as two grids
BY_KIND: dict[str, Callable[[ConvSpec], Estimate]] = {
    "conv2d": _conv2d, "conv1d": _conv1d, "conv3d": _conv3d, "channels": _channels,
    "padding-modes": _padding_modes, "coverage": _grid, "strides": _grid,
    "dilation": lambda s: _grid(s, 2),
}
_CONV_DEFAULTS = {"kernel": [3], "strides": [1], "padding": "valid", "dilation": [1], "channels": 1, "filters": 1,
                  "groups": 1}


def _window_view(params: Mapping[str, Any], padding: str | None = None) -> ConvSpec:
    p = {**_CONV_DEFAULTS, **params}
    if p.get("strides") is None:
        p["strides"] = [1]
    for key in ("kernel", "strides", "dilation"):      # one value for every axis
        if len(p[key]) == 1:
            p[key] = list(p[key]) * len(p["input"])
    pad = padding or p["padding"]
    return ConvSpec.make(tuple(p["input"]), tuple(p["kernel"]), channels=p["channels"], filters=p["filters"],
                         strides=tuple(p["strides"]), padding=pad if isinstance(pad, (str, int)) else
                         tuple(tuple(x) for x in pad), dilation_rate=tuple(p["dilation"]), groups=p["groups"])


def _input_only(params: Mapping[str, Any]) -> Estimate:
    """When the parameters give no window view (the kind explains why): the input grid alone."""
    sizes = list(params["input"]) or [1]
    ph, pw = ([1] + sizes)[-2:]
    return _figure(prod(sizes) * int(params.get("channels", 1)), 1, CELL_PX * pw + 200, CELL_PX * ph + 300, ss=2)


def estimate(kind: str, params: Mapping[str, Any], *, animated: bool = False,
             window: Callable[[Mapping[str, Any]], ConvSpec] | None = None) -> Estimate:
    """The cost of a figure from its canonical parameters. ``window(params)``: the sliding-window view of
    its layer (a ConvSpec; built from the conv parameters when not given); ``animated`` for kinds without
    a cost model of their own."""
    if "kernels" in params:
        return _receptive_field(params)
    if "input" not in params or kind == "model-shapes":    # a fixed drawing whatever the sizes
        return _constant()
    try:
        s = window(params) if window is not None else _window_view(params, "full" if kind == "padding-modes" else None)
    except ConvfigError:
        if animated:
            raise
        return _input_only(params)
    if kind in BY_KIND:
        return BY_KIND[kind](s)
    est = _animation(s) if animated else _grid(s, 2)
    w = CELL_WEIGHT.get(kind, 1)
    return Estimate(est.cells * w, est.frames, est.pixels, est.memory + 200 * (w - 1) * est.cells * est.frames)


Window = Callable[[Mapping[str, Any]], ConvSpec]


def _fits(kind: str, params: Mapping[str, Any], budget: Budget, animated: bool, window: Window | None) -> bool:
    try:
        return estimate(kind, params, animated=animated, window=window).over(budget) is None
    except ConvfigError:
        return False


def _smaller(kind: str, params: Mapping[str, Any], budget: Budget, animated: bool,
             window: Window | None) -> str | None:
    """The largest smaller input (same shape ratio) that fits the budget, as '23x23'; None if none does."""
    sizes = list(params.get("input") or ())
    if not sizes:
        return None
    lo, hi = 0.0, 1.0
    best = None
    for _ in range(20):
        mid = (lo + hi) / 2
        trial = [max(1, int(n * mid)) for n in sizes]
        if _fits(kind, {**params, "input": trial}, budget, animated, window):
            lo, best = mid, trial
        else:
            hi = mid
    return "x".join(map(str, best)) if best else None


# when no smaller input fits: the parameters that may make a figure big, and their small values
OTHER_CULPRITS = (("padding", "valid"), ("channels", 1), ("filters", 1), ("kernel", [1]), ("dilation", [1]),
                  ("depth_multiplier", 1))


def check(kind: str, params: Mapping[str, Any], *, animated: bool = False, window: Window | None = None,
          budget: Budget = BUDGET) -> Estimate:
    """Refuse (OverBudget naming the parameter) a figure over the budget; return its estimate otherwise.

    ``window(params)``: the sliding-window view of the kind's layer when it is not a conv (see estimate)."""
    est = estimate(kind, params, animated=animated, window=window)
    why = est.over(budget)
    if why is None:
        return est
    what = f"the {kind} figure would draw {why}"
    if "kernels" in params:
        raise OverBudget("kernels", params["kernels"], f"{what}; use fewer or smaller kernels")
    smaller = _smaller(kind, params, budget, animated, window)
    if smaller is None:
        for key, small in OTHER_CULPRITS:
            if key in params and params[key] != small and _fits(kind, {**params, key: small}, budget, animated,
                                                                 window):
                raise OverBudget(key, params[key], f"{what}; use a smaller {key}")
    hint = f"use a smaller input such as {smaller}" if smaller else "use a smaller input"
    if animated and max(params.get("strides") or [1]) == 1:
        hint += " or larger strides"
    shown = "x".join(map(str, params.get("input") or ()))
    raise OverBudget("input", shown, f"{what}; {hint}")


def check_trace(spec: ConvSpec, name: str = "x", budget: Budget = BUDGET) -> None:
    """Refuse a trace (every window recorded) whose memory estimate is over the budget; ``name`` is the
    argument that sets the input's size."""
    need = BASE_MEMORY + _trace_bytes(spec)
    if need > budget.memory:
        shape = "x".join(map(str, spec.input_shape))
        raise ConvfigError(
            f"{name}: tracing a {shape} input records {spec.positions:,} windows, about {need / MiB:,.0f} MiB, "
            f"over the memory budget of {budget.memory // MiB:,} MiB; use a smaller input or larger strides "
            f"(convfig.conv computes the output alone)")
