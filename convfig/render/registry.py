"""The figure registry: every kind, where its renderer lives, its parameters and their defaults.

This is data. ``make_spec(kind, params, theme)`` validates a request (strings like "5x5" accepted) and
returns a FigureSpec with every parameter filled in, in canonical form; errors are ConvfigError naming
the parameter. Render functions are imported lazily (``get_renderer``), so importing this module stays
cheap and does not pull matplotlib in.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from convfig.render.style import THEMES
from convfig.render.types import ConvfigError, FigureSpec

# keys every kind accepts; they never change pixels ("caption" belongs to the page, "stepper" asks the
# batch renderer for per-frame PNGs)
COMMON_KEYS = {"caption": None, "stepper": 0}

CONV_DEFAULTS = {
    "input": (5, 5),
    "kernel": 3,
    "strides": 1,
    "padding": "valid",
    "dilation": 1,
    "channels": 1,
    "filters": 1,
    "groups": 1,
    "seed": 0,
    "fps": 2,
}


@dataclass(frozen=True)
class Kind:
    name: str
    module: str
    function: str
    animated: bool
    defaults: dict = field(hash=False)
    description: str = ""

    @property
    def keys(self) -> set[str]:
        return set(self.defaults) | set(COMMON_KEYS)


def _conv(rank_input):
    d = dict(CONV_DEFAULTS)
    d["input"] = rank_input
    return d


KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("conv2d", "convfig.render.anim2d", "render_conv2d", True, _conv((5, 5)),
         "2D convolution sliding over a padded grid with the numbers"),
    Kind("conv1d", "convfig.render.anim1d", "render_conv1d", True, _conv((8,)),
         "1D convolution over a sequence, time left to right (causal shows only the past is read)"),
    Kind("conv3d", "convfig.render.anim3d", "render_conv3d", True, _conv((4, 4, 4)),
         "3D convolution: kernel cube moving through a voxel volume"),
    Kind("channels", "convfig.render.channels", "render_channels", True,
         {**_conv((4, 4)), "channels": 3, "filters": 2},
         "C input channels x F filters: one output map per filter, filters = last dim"),
    # diagrams (PNG + SVG). Diagram authors: adjust the defaults of your kinds here if needed.
    Kind("padding-modes", "convfig.render.diagrams", "render_padding_modes", False,
         {"input": (7,), "kernel": 3, "strides": 1, "dilation": 1, "seed": 0},
         "valid / same / causal / full side by side with pads before/after"),
    Kind("coverage", "convfig.render.diagrams", "render_coverage", False,
         {"input": (7, 7), "kernel": 3, "strides": 1, "padding": "same", "dilation": 1},
         "how many windows read each input cell (edge-coverage heatmap)"),
    Kind("strides", "convfig.render.diagrams", "render_strides", False,
         {"input": (7, 7), "kernel": 3, "strides": 2, "padding": "valid", "dilation": 1},
         "window positions with stride gaps"),
    Kind("dilation", "convfig.render.diagrams", "render_dilation", False,
         {"input": (7, 7), "kernel": 3, "strides": 1, "padding": "valid", "dilation": 2},
         "dilated kernel: the gaps between the cells it reads"),
    Kind("receptive-field", "convfig.render.diagrams", "render_receptive_field", False,
         {"kernels": (3, 3), "strides": (1,), "dilations": (1,)},
         "receptive field of stacked layers (two 3x3 = one 5x5)"),
    Kind("model-shapes", "convfig.render.diagrams", "render_model_shapes", False,
         {"input": (28, 28), "channels": 1},
         "shapes flowing through a small Keras model"),
    Kind("dims", "convfig.render.diagrams", "render_dims", False,
         {},
         "1D vs 2D vs 3D convolution side by side"),
]}

ANIMATED_KINDS = [k for k, v in KINDS.items() if v.animated]
DIAGRAM_KINDS = [k for k, v in KINDS.items() if not v.animated]

# which keys hold what
_SHAPE_KEYS = {"input"}                                   # spatial size: "5x5", 5, [5, 5]
_AXIS_KEYS = {"kernel", "strides", "dilation"}            # int or one per axis
_INT_KEYS = {"channels", "filters", "groups", "seed", "fps", "stepper"}
_PADDING_WORDS = ("valid", "same", "causal", "full")


def _err(key: str, rule: str, value) -> ConvfigError:
    return ConvfigError(f"{key}: {rule}, got {value!r}")


def _parse_int(key: str, v, minimum: int = 0) -> int:
    if isinstance(v, bool):
        raise _err(key, "must be an integer", v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*-?\d+\s*", v):
        v = int(v)
    if not isinstance(v, int):
        raise _err(key, "must be an integer", v)
    if v < minimum:
        raise _err(key, f"must be >= {minimum}", v)
    return v


def parse_ints(key: str, v, minimum: int = 1) -> tuple[int, ...]:
    """'5x5' / '5' / 5 / [5, 5] / '3,3' -> tuple of ints (each >= minimum)."""
    if isinstance(v, (list, tuple)):
        items = list(v)
    elif isinstance(v, str):
        s = v.strip().lower().replace("×", "x")
        items = [p for p in re.split(r"[x,\s]+", s) if p != ""]
        if not items:
            raise _err(key, "must be an integer or integers separated by 'x' (e.g. 5x5)", v)
    else:
        items = [v]
    try:
        out = tuple(_parse_int(key, i, minimum) for i in items)
    except ConvfigError:
        raise _err(key, f"must be integers >= {minimum} separated by 'x' (e.g. 5x5)", v) from None
    if not out:
        raise _err(key, "must not be empty", v)
    return out


def parse_padding(v, rank: int | None = None):
    """'same' / 1 / '1' / [[0, 1], [1, 1]] / '0:1,1:1' -> canonical padding (str, int or tuple of pairs)."""
    key = "padding"
    if isinstance(v, str):
        s = v.strip().lower()
        if s in _PADDING_WORDS:
            return s
        if re.fullmatch(r"\d+", s):
            return int(s)
        m = re.findall(r"(\d+)\s*[:/]\s*(\d+)", s)
        if m and re.fullmatch(r"(\s*\d+\s*[:/]\s*\d+\s*[,x;]?)+", s):
            pairs = tuple((int(a), int(b)) for a, b in m)
            return _check_pairs(pairs, rank, v)
        raise _err(key, "must be valid, same, causal, full, an integer >= 0 or before:after pairs per axis",
                   v)
    if isinstance(v, bool):
        raise _err(key, "must be valid, same, causal, full or an integer >= 0", v)
    if isinstance(v, int):
        if v < 0:
            raise _err(key, "must be >= 0", v)
        return v
    if isinstance(v, (list, tuple)):
        try:
            pairs = tuple((_parse_int(key, a), _parse_int(key, b)) for a, b in v)
        except (TypeError, ValueError):
            raise _err(key, "pairs must be (before, after) integers >= 0 per axis", v) from None
        return _check_pairs(pairs, rank, v)
    raise _err(key, "must be valid, same, causal, full or an integer >= 0", v)


def _check_pairs(pairs, rank, raw):
    if rank is not None and len(pairs) != rank:
        raise _err("padding", f"needs one (before, after) pair per axis ({rank})", raw)
    return pairs


def _axis(key: str, v, rank: int) -> tuple[int, ...]:
    t = parse_ints(key, v, 1)
    if len(t) == 1:
        t = t * rank
    if len(t) != rank:
        raise _err(key, f"needs one integer or one per axis ({rank} for a {rank}D input)", v)
    return t


def _jsonable(v):
    if isinstance(v, tuple):
        return [_jsonable(i) for i in v]
    return v


def canonical_params(kind: str, params: dict | None) -> dict:
    """Fill defaults, check keys and values, return canonical JSON-friendly params."""
    if kind not in KINDS:
        raise ConvfigError(f"kind: unknown figure kind {kind!r}; known kinds: {', '.join(KINDS)}")
    info = KINDS[kind]
    params = dict(params or {})
    unknown = sorted(set(params) - info.keys)
    if unknown:
        raise ConvfigError(
            f"{unknown[0]}: not a parameter of {kind!r} figures (allowed: {', '.join(sorted(info.keys))})"
        )
    merged = {**info.defaults, **{k: v for k, v in params.items() if k in info.defaults}}
    out: dict = {}
    rank = None
    if "input" in merged:
        shape = parse_ints("input", merged["input"], 1)
        rank = len(shape)
        if kind in ("conv1d", "padding-modes") and rank != 1:
            raise _err("input", f"{kind} needs a 1D input (one size, e.g. 8)", merged["input"])
        if kind == "channels" and rank not in (1, 2):
            raise _err("input", "channels needs a 1D or 2D input (e.g. 5x5)", merged["input"])
        if kind in ("conv2d", "coverage", "strides", "dilation") and rank != 2:
            raise _err("input", f"{kind} needs a 2D input (e.g. 5x5)", merged["input"])
        if kind == "conv3d" and rank != 3:
            raise _err("input", "conv3d needs a 3D input (e.g. 4x4x4)", merged["input"])
        if rank > 3:
            raise _err("input", "at most 3 spatial axes", merged["input"])
        out["input"] = shape
    for key, v in merged.items():
        if key == "input":
            continue
        if key in _AXIS_KEYS and rank is not None:
            out[key] = _axis(key, v, rank)
        elif key == "padding":
            out[key] = parse_padding(v, rank)
        elif key in ("kernels", "strides", "dilations"):   # per-layer lists (receptive-field)
            out[key] = parse_ints(key, v, 1)
        elif key in _INT_KEYS:
            out[key] = _parse_int(key, v, 0 if key in ("seed",) else 1)
        else:
            out[key] = v
    if "fps" in out and not 1 <= out["fps"] <= 50:
        raise _err("fps", "must be between 1 and 50", out["fps"])
    if kind == "receptive-field":
        n = len(out["kernels"])
        for key in ("strides", "dilations"):
            if len(out[key]) == 1:
                out[key] = out[key] * n
            if len(out[key]) != n:
                raise _err(key, f"needs one value per layer ({n} layers from kernels)", out[key])
    for key in COMMON_KEYS:
        if key in params:
            if key == "stepper":
                out[key] = _parse_int(key, params[key], 0)
            elif params[key] is not None:
                out[key] = str(params[key])
    return {k: _jsonable(v) for k, v in out.items()}


def conv_spec(params: dict):
    """Engine ConvSpec for canonical conv params (raises the engine's ConvfigError)."""
    from convfig import ConvSpec

    pad = params.get("padding", "valid")
    if isinstance(pad, list):
        pad = tuple(tuple(p) for p in pad)
    return ConvSpec.make(
        input_shape=tuple(params["input"]), channels=params.get("channels", 1),
        filters=params.get("filters", 1), kernel_size=tuple(params["kernel"]),
        strides=tuple(params.get("strides", (1,))), padding=pad,
        dilation_rate=tuple(params.get("dilation", (1,))), groups=params.get("groups", 1),
    )


# limits: refuse before rendering anything
MAX_FRAMES = 1500
MAX_PIXELS = 4_000_000


def check_size(kind: str, params: dict) -> None:
    """Raise ConvfigError if the animation would be huge (too many frames or megapixels per frame)."""
    from convfig.render.style import CELL_PX

    if kind not in KINDS or not KINDS[kind].animated:
        return
    spec = conv_spec(params)
    frames = 1
    for n in spec.out_spatial:
        frames *= n
    cell = CELL_PX
    if spec.rank == 2:   # input grid, kernel and output side by side, plus labels and caption
        reps = spec.channels + spec.filters if kind == "channels" else 1
        w = (spec.padded_shape[1] + spec.kernel_size[1] + spec.out_spatial[1]) * cell * reps + 200
        h = max(spec.padded_shape[0], spec.out_spatial[0]) * cell + 220
        pixels = w * h
    else:
        padded = 1
        for n in spec.padded_shape:
            padded *= n
        pixels = (padded + frames) * cell * cell * 2 * max(1, spec.channels)
    size = "x".join(str(n) for n in spec.input_shape)
    if frames > MAX_FRAMES:
        raise ConvfigError(
            f"input: {size} gives {frames} frames (one per output position), more than {MAX_FRAMES}; "
            "use a smaller input (e.g. 7x7) or larger strides"
        )
    if pixels > MAX_PIXELS:
        raise ConvfigError(
            f"input: {size} would draw frames of about {pixels / 1e6:.1f} megapixels, more than "
            f"{MAX_PIXELS / 1e6:.0f}; use a smaller input or fewer channels"
        )


def make_spec(kind: str, params: dict | None = None, theme: str = "light") -> FigureSpec:
    """Validate a figure request. Raises ConvfigError naming the parameter."""
    if theme not in THEMES:
        raise ConvfigError(f"theme: must be one of {', '.join(THEMES)}, got {theme!r}")
    p = canonical_params(kind, params)
    if KINDS[kind].animated or "kernel" in p and "input" in p and "padding" in p:
        try:
            conv_spec(p)
        except ImportError:  # pragma: no cover - engine not there yet
            pass
    return FigureSpec(kind=kind, params=p, theme=theme)


def _fmt(v) -> str:
    if isinstance(v, list):
        if v and all(isinstance(i, list) for i in v):
            return "_".join(f"{a}-{b}" for a, b in v)
        return "x".join(str(i) for i in v)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(v))


_SHORT = {"input": "i", "kernel": "k", "strides": "s", "padding": "p", "dilation": "d", "channels": "c",
          "filters": "f", "groups": "g", "seed": "seed", "fps": "fps", "kernels": "k", "dilations": "d"}


def figure_name(kind: str, params: dict) -> str:
    """File-safe name spelling the parameters that differ from the kind's defaults.

    ``conv2d-i5x5-k3-s2-psame``. Canonical params give the same name whatever the input spelling;
    ``caption`` is not part of the name (it does not change pixels).
    """
    info = KINDS[kind]
    canon_defaults = canonical_params(kind, {})
    parts = [kind]
    for key in list(info.defaults):
        if key not in params:
            continue
        v = params[key]
        if key == "input" or v != canon_defaults.get(key):
            if key in _AXIS_KEYS and isinstance(v, list) and len(set(v)) == 1:
                v = v[0]
            parts.append(_SHORT.get(key, key) + _fmt(v))
    if params.get("stepper"):
        parts.append("step")
    name = "-".join(parts)
    if len(name) > 100:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
        name = name[:88] + "-" + digest
    return name


def get_renderer(kind: str) -> Callable:
    """Import and return ``render_<kind>(params, theme) -> Rendered``."""
    if kind not in KINDS:
        raise ConvfigError(f"kind: unknown figure kind {kind!r}; known kinds: {', '.join(KINDS)}")
    info = KINDS[kind]
    module = importlib.import_module(info.module)
    return getattr(module, info.function)


def render(spec: FigureSpec):
    """Render a FigureSpec (no cache) -> Rendered."""
    try:   # transitional: kinds already moved to convfig.render.kinds go through the protocol driver
        from convfig.render.protocol import kind_module, render as render_protocol

        kind_module(spec.kind)
    except ModuleNotFoundError:
        return get_renderer(spec.kind)(dict(spec.params), spec.theme)
    return render_protocol(spec)
