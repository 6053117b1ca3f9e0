"""The figure registry: every kind, where its renderer lives, its parameters and their defaults.

This is data. ``make_spec(kind, params, theme)`` validates a request (strings like "5x5" accepted) and
returns a FigureSpec with every parameter filled in, in canonical form; errors are ConvfigError naming
the parameter. Kind modules (``convfig.render.kinds.<name>``) are imported only when a figure is drawn,
so importing this module stays cheap.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from convfig.errors import ConvfigError
from convfig.numbers import NUMBER_KEYS
from convfig.params import PARAMS, ParamError, check_numbers, conv_spec, parse
from convfig.render.style import THEMES
from convfig.render.types import FigureSpec

__all__ = ["ANIMATED_KINDS", "COMMON_KEYS", "CONV_DEFAULTS", "DIAGRAM_KINDS", "KINDS", "Kind", "canonical_params",
           "check_size", "conv_spec", "figure_for", "figure_name", "gif_words", "make_spec", "render"]

# keys every kind accepts; they never change pixels ("caption" belongs to the page, "stepper" asks the
# batch renderer for per-frame PNGs)
COMMON_KEYS: dict[str, Any] = {"caption": None, "stepper": 0}

# a conv layer's defaults, from the one parameter table (convfig.params.PARAMS)
CONV_DEFAULTS: dict[str, Any] = {k: PARAMS[k].default for k in
                                 ("input", "kernel", "strides", "padding", "dilation", "channels", "filters",
                                  "groups", "seed", "example", "fps", "values", "kernel_values", "bias")}


@dataclass(frozen=True)
class Kind:
    name: str
    animated: bool
    defaults: dict = field(hash=False)
    description: str = ""
    ranks: tuple[int, ...] = (1, 2, 3)      # input ranks this kind draws
    layer: str = "conv"                     # the layer it draws (convfig.layers): its Keras rules validate it

    @property
    def module(self) -> str:
        """The module that plans this kind (see convfig.render.protocol)."""
        return "convfig.render.kinds." + self.name.replace("-", "_")

    @property
    def keys(self) -> set[str]:
        return set(self.defaults) | set(COMMON_KEYS)


def _conv(rank_input: tuple[int, ...], **over: Any) -> dict[str, Any]:
    return {**CONV_DEFAULTS, "input": rank_input, **over}


_WINDOW = {"input": (7, 7), "kernel": 3, "strides": 1, "padding": "valid", "dilation": 1}
_TRANSPOSE = {"input": (3, 3), "kernel": 3, "strides": 2, "padding": "valid", "output_padding": None,
              "dilation": 1, "seed": PARAMS["seed"].default, "fps": PARAMS["fps"].default}
_DEPTHWISE = {"input": (4, 4), "channels": 2, "kernel": 3, "strides": 1, "padding": "valid",
              "seed": PARAMS["seed"].default, "fps": PARAMS["fps"].default}

KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("conv2d", True, _conv((5, 5)),
         "2D convolution sliding over a padded grid with the numbers", (2,)),
    Kind("conv1d", True, _conv((8,)),
         "1D convolution over a sequence, time left to right (causal shows only the past is read)", (1,)),
    Kind("conv3d", True, _conv((4, 4, 4)),
         "3D convolution: kernel cube moving through a voxel volume", (3,)),
    Kind("channels", True, _conv((4, 4), channels=3, filters=2),
         "C input channels x F filters: one output map per filter, filters = last dim", (1, 2)),
    # diagrams (PNG + SVG). Diagram authors: adjust the defaults of your kinds here if needed.
    Kind("padding-modes", False,
         {"input": (7,), "kernel": 3, "strides": 1, "dilation": 1, "seed": 6, "example": "random"},  # seed 0: w=0
         "valid / same / causal / full side by side with pads before/after", (1,)),
    Kind("coverage", False, {**_WINDOW, "padding": "same"},
         "how many windows read each input cell (edge-coverage heatmap)", (2,)),
    Kind("strides", False, {**_WINDOW, "strides": 2},
         "window positions with stride gaps", (2,)),
    Kind("dilation", False, {**_WINDOW, "dilation": 2},
         "dilated kernel: the gaps between the cells it reads", (2,)),
    Kind("receptive-field", False,
         {"kernels": (3, 3), "strides": (1,), "dilations": (1,)},
         "receptive field of stacked layers (two 3x3 = one 5x5)"),
    Kind("model-shapes", False,
         {"input": (28, 28), "channels": 1},
         "shapes flowing through a small Keras model"),
    Kind("dims", False,
         {},
         "1D vs 2D vs 3D convolution side by side"),
    # beyond Conv (issue 10): transposed convolution two ways, pooling, depthwise and separable
    Kind("transpose-stamps", True, {**_TRANSPOSE, "input": (2, 3)},
         "transposed conv: each input cell stamps value x kernel into the output; overlaps add up", (2,),
         "conv-transpose"),
    Kind("transpose-conv", True, _TRANSPOSE,
         "transposed conv as an ordinary conv of the zero-inserted, padded input (flipped kernel)", (2,),
         "conv-transpose"),
    Kind("pool", True, {"input": (6, 6), "pool": 2, "strides": None, "padding": "valid", "mode": "max",
                        "seed": PARAMS["seed"].default, "fps": PARAMS["fps"].default},
         "max or average pooling: the window, the winning cell (max) or the mean of the real cells", (2,),
         "max-pool"),
    Kind("depthwise", True, {**_DEPTHWISE, "depth_multiplier": 1},
         "depthwise conv (one kernel per channel, no mixing) next to an ordinary conv, with parameter counts",
         (2,), "depthwise"),
    Kind("separable", True, {**_DEPTHWISE, "filters": 3, "depth_multiplier": 1},
         "separable conv: depthwise, then a 1x1 pointwise conv; parameter counts against an ordinary conv",
         (2,), "separable"),
    # issue 11: real data and one layer feeding the next
    Kind("layer-chain", False, {},
         "two Conv2D layers with bias and ReLU: layer 1's maps are layer 2's input channels"),
    Kind("photo-kernels", False, {"padding": "same"},
         "the classic kernels (blur, sharpen, Sobel, Laplacian) on a real photo, with their numbers"),
    Kind("photo-borders", False, {"kernel": 15},
         "valid vs same on a real photo: a wide blur loses the border or darkens it"),
    Kind("feature-maps", False, {},
         "4 filters on a real photo: 4 signed feature maps stacked as the output's last axis"),
    Kind("signal", False, {"kernel": 9, "padding": "same"},
         "Conv1D on a real EEG signal: moving average and difference; same vs causal"),
]}

ANIMATED_KINDS = [k for k, v in KINDS.items() if v.animated]
DIAGRAM_KINDS = [k for k, v in KINDS.items() if not v.animated]
_RANK_WORDS = {(1,): "a 1D input (one size, e.g. 8)", (2,): "a 2D input (e.g. 5x5)",
               (3,): "a 3D input (e.g. 4x4x4)", (1, 2): "a 1D or 2D input (e.g. 5x5)"}


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise ConvfigError(f"kind: unknown figure kind {kind!r}; known kinds: {', '.join(KINDS)}")
    return KINDS[kind]


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_jsonable(i) for i in v]
    return v


def canonical_params(kind: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Fill the kind's defaults, check keys and values (raw strings welcome), return canonical
    JSON-friendly params. Parsing is convfig.params'; this adds the kind's keys, ranks and layer rules.

    >>> canonical_params("conv2d", {"input": "5x7", "kernel": "2x3", "strides": "1x2"})["strides"]
    [1, 2]
    """
    info = _kind(kind)
    given = dict(params or {})
    unknown = sorted(set(given) - info.keys)
    if unknown:
        raise ConvfigError(
            f"{unknown[0]}: not a parameter of {kind!r} figures (allowed: {', '.join(sorted(info.keys))})"
        )
    if "input" in info.defaults:
        rank = len(parse({"input": given.get("input", info.defaults["input"])})["input"])
        if rank not in info.ranks:
            raise ParamError("input", given.get("input", info.defaults["input"]),
                             f"{kind} needs {_RANK_WORDS[info.ranks]}")
    optional = {k for k, v in info.defaults.items() if v is None}        # None = the layer chooses
    out = parse({k: v for k, v in given.items() if not ((k in COMMON_KEYS or k in optional) and v is None)},
                {k: v for k, v in info.defaults.items() if k not in optional})
    out.update({k: None for k in optional if k not in out})
    if "kernels" in out:              # receptive-field: one stride and dilation per stacked layer
        n = len(out["kernels"])
        for key in ("strides", "dilations"):
            values = out[key] * n if len(out[key]) == 1 else out[key]
            if len(values) != n:
                raise ParamError(key, given.get(key, info.defaults[key]),
                                 f"needs one value per layer ({n} layers from kernels)")
            out[key] = values
    if any(given.get(k) is not None for k in NUMBER_KEYS):    # your own numbers: counts and rows vs the shapes
        out.update(check_numbers(out, given))
    return {k: _jsonable(v) for k, v in out.items()}


def check_size(kind: str, params: Mapping[str, Any]) -> None:
    """Refuse a figure over the one size budget (convfig.limits) before any work: ConvfigError naming the
    parameter, the limit and a smaller input that fits. make_spec calls it, so every entry point does."""
    from convfig import limits

    info = _kind(kind)
    layer = info.layer
    window = None
    if layer != "conv" and "input" in params:
        from functools import partial

        from convfig.layers import as_conv

        window = partial(as_conv, layer)  # the sliding-window view (transposed: the equivalent conv)
    try:
        limits.check(kind, params, animated=info.animated, window=window)
    except limits.OverBudget as exc:
        raise ParamError(exc.key, exc.value, exc.rule) from None


def make_spec(kind: str, params: Mapping[str, Any] | None = None, theme: str = "light") -> FigureSpec:
    """Validate a figure request (raw strings welcome). Raises ConvfigError naming the parameter.

    >>> spec = make_spec("conv2d", {"input": "5x5", "strides": "2", "padding": "same"})
    >>> spec.name, spec.animated, spec.params["strides"]
    ('conv2d-i5x5-s2-psame', True, [2, 2])
    """
    if theme not in THEMES:
        raise ConvfigError(f"theme: must be one of {', '.join(THEMES)}, got {theme!r}")
    p = canonical_params(kind, params)
    if KINDS[kind].layer != "conv":
        from convfig.layers import summary

        summary(KINDS[kind].layer, p)   # the engine's Keras rules for that layer
    elif KINDS[kind].animated or "kernel" in p and "input" in p and "padding" in p:
        conv_spec(p)                  # the engine's Keras rules
    check_size(kind, p)               # the one size budget, before any work
    return FigureSpec(kind=kind, params=p, theme=theme, name=figure_name(kind, p), animated=KINDS[kind].animated)


def _fmt(v: Any) -> str:
    if isinstance(v, list):
        if v and all(isinstance(i, list) for i in v):
            return "_".join(f"{a}-{b}" for a, b in v)
        return "x".join(str(i) for i in v)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(v))


_SHORT = {"input": "i", "kernel": "k", "strides": "s", "padding": "p", "dilation": "d", "channels": "c",
          "filters": "f", "groups": "g", "seed": "seed", "fps": "fps", "kernels": "k", "dilations": "d",
          "output_padding": "op", "pool": "pool", "mode": "", "depth_multiplier": "m", "values": "v",
          "kernel_values": "kv", "bias": "b"}


@functools.cache
def _defaults(kind: str) -> Mapping[str, Any]:
    """A kind's canonical defaults, parsed once (read-only)."""
    return types.MappingProxyType(canonical_params(kind, {}))


def figure_name(kind: str, params: Mapping[str, Any]) -> str:
    """File-safe name spelling the parameters that differ from the kind's defaults.

    ``conv2d-i5x5-k3-s2-psame``. Canonical params give the same name whatever the input spelling;
    ``caption`` is not part of the name (it does not change pixels).
    """
    info = KINDS[kind]
    canon_defaults = _defaults(kind)
    parts = [kind]
    for key in list(info.defaults):
        if key not in params:
            continue
        v = params[key]
        if key == "input" or v != canon_defaults.get(key):
            if PARAMS[key].parse == "axis" and isinstance(v, list) and len(set(v)) == 1:
                v = v[0]
            parts.append(_SHORT.get(key, key) + _fmt(v))
    if params.get("stepper"):
        parts.append("step")
    name = "-".join(parts)
    if len(name) > 100:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
        name = name[:88] + "-" + digest
    return name


def render(spec: FigureSpec) -> Any:
    """Render a FigureSpec (no cache) -> Rendered, through the one driver (convfig.render.protocol)."""
    from convfig.render.protocol import render as render_protocol

    return render_protocol(spec)


# ------------------------------------------------------------------ layers other than conv
def figure_for(layer: str, raw: Mapping[str, Any], view: str = "conv") -> tuple[str, dict[str, Any]]:
    """(figure kind, its raw params) that draws a layer other than conv; None values (flags not given) are
    left out so the kind's defaults apply. conv-transpose: view 'conv' (zero-inserted input) or 'stamps'.

    >>> figure_for("average-pool", {"input": "6x6", "pool": 3, "strides": None})
    ('pool', {'input': '6x6', 'pool': 3, 'padding': 'valid', 'mode': 'average'})
    """
    from convfig.layers import defaults

    if layer == "conv-transpose":
        kind, extra = ("transpose-stamps" if view == "stamps" else "transpose-conv"), {}
    elif layer in ("max-pool", "average-pool"):
        kind, extra = "pool", {"mode": layer.split("-")[0]}
    elif layer in ("depthwise", "separable"):
        kind, extra = layer, {}
    else:
        raise ConvfigError(f"layer: {layer!r} is drawn by the conv kinds (conv1d, conv2d, conv3d, channels)")
    # a flag not given means the table's (Keras') default, as for `convfig shape`, not the figure kind's
    table = {k: v for k, v in defaults(layer).items() if v is not None and k in KINDS[kind].defaults}
    return kind, {**table, **{k: v for k, v in raw.items() if v is not None}, **extra}


def gif_words(kind: str, params: Mapping[str, Any]) -> list[str] | None:
    """The `convfig gif` flags that draw this transposed-conv, pooling, depthwise or separable figure (canonical
    params), defaults left out (but --kernel, which depthwise and separable require); None for other kinds.

    >>> gif_words("pool", {"input": [6, 6], "pool": [3, 3], "strides": None, "padding": "same", "mode": "average",
    ...                    "seed": 0, "fps": 2})
    ['--layer', 'average-pool', '--input', '6x6', '--pool', '3', '--padding', 'same']
    """
    from convfig.params import cli_words

    if kind not in ("transpose-conv", "transpose-stamps", "pool", "depthwise", "separable"):
        return None
    layer = {"pool": f"{params.get('mode')}-pool", "depthwise": kind, "separable": kind}.get(kind, "conv-transpose")
    view = ["--view", "stamps"] if kind == "transpose-stamps" else []
    words = cli_words({k: v for k, v in params.items() if v is not None and k not in ("mode", "caption", "stepper")},
                      {"kernel": None} if kind in ("depthwise", "separable") else None)
    return None if words is None else ["--layer", layer, *view, *words]
