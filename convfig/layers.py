"""One layer of any type from parsed parameters: its engine spec, output shape, padding, params and Keras call.

The CLI (`convfig shape --layer ...`, `convfig gif --layer ...`) and the figure registry name layers by
these words and read their parameters from the one table (convfig.params.PARAMS).

>>> s = summary("conv-transpose", {"input": (3, 3), "kernel": (3, 3), "strides": (2, 2), "padding": "same"})
>>> s.output_shape, s.pads, s.params
((6, 6, 1), ((2, 1), (2, 1)), 10)
>>> summary("max-pool", {"input": (7, 7), "channels": 3}).output_shape     # pool 2, strides = pool
(3, 3, 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from convfig.depthwise import DepthwiseSpec, depthwise_params, separable_params
from convfig.errors import ConvfigError
from convfig.params import PARAMS, conv_spec, parse
from convfig.pooling import PoolSpec
from convfig.spec import ConvSpec
from convfig.transpose import TransposeSpec

# each layer's parameters, in CLI order (names of convfig.params.PARAMS)
LAYER_KEYS: dict[str, tuple[str, ...]] = {
    "conv": ("input", "channels", "filters", "kernel", "strides", "padding", "dilation", "groups"),
    "conv-transpose": ("input", "channels", "filters", "kernel", "strides", "padding", "output_padding", "dilation"),
    "max-pool": ("input", "channels", "pool", "strides", "padding"),
    "average-pool": ("input", "channels", "pool", "strides", "padding"),
    "depthwise": ("input", "channels", "kernel", "strides", "padding", "dilation", "depth_multiplier"),
    "separable": ("input", "channels", "filters", "kernel", "strides", "padding", "dilation", "depth_multiplier"),
}
LAYERS = tuple(LAYER_KEYS)


@dataclass(frozen=True)
class Summary:
    """What `convfig shape` prints for one layer."""

    layer: str
    spec: Any                                    # ConvSpec | TransposeSpec | PoolSpec | DepthwiseSpec
    input_shape: tuple[int, ...]                 # per sample, channels last
    output_shape: tuple[int, ...]
    pads: tuple[tuple[int, int], ...]
    params: int
    params_text: str                             # how the count is made
    keras: str
    window: str                                  # kernel / pool description


def _compact(t: tuple[int, ...]) -> str:
    return str(t[0]) if len(set(t)) == 1 else str(t)


def _args(p: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    """Keras keyword arguments for the non-default values among ``keys``."""
    names = {"kernel": "kernel_size", "dilation": "dilation_rate", "pool": "pool_size"}
    out = []
    for key in keys:
        v = p.get(key)
        if v is None:
            continue
        if isinstance(v, (tuple, list)):
            v = tuple(v)
            if key != "kernel" and key != "pool" and key != "output_padding" and set(v) == {1}:
                continue
            out.append(f"{names.get(key, key)}={_compact(v)}")
        elif key == "padding":
            if v in ("same", "causal"):
                out.append(f"padding='{v}'")
        elif key == "depth_multiplier" and v == 1:
            continue
        else:
            out.append(f"{names.get(key, key)}={v}")
    return out


def _t(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def transpose_spec(p: Mapping[str, Any]) -> TransposeSpec:
    pad = p.get("padding", "valid")
    if isinstance(pad, list):
        pad = tuple(tuple(q) for q in pad)
    op = p.get("output_padding")
    return TransposeSpec.make(tuple(p["input"]), tuple(p["kernel"]), channels=p.get("channels", 1),
                              filters=p.get("filters", 1), strides=_t(p.get("strides", 1)), padding=pad,
                              output_padding=None if op is None else tuple(op),
                              dilation_rate=_t(p.get("dilation", 1)))


def pool_spec(p: Mapping[str, Any]) -> PoolSpec:
    strides = p.get("strides")
    return PoolSpec.make(tuple(p["input"]), _t(p.get("pool", 2)), channels=p.get("channels", 1),
                         strides=_t(strides), padding=p.get("padding", "valid"))


def depthwise_spec(p: Mapping[str, Any]) -> DepthwiseSpec:
    pad = p.get("padding", "valid")
    if isinstance(pad, list):
        pad = tuple(tuple(q) for q in pad)
    return DepthwiseSpec.make(tuple(p["input"]), tuple(p["kernel"]), channels=p.get("channels", 1),
                              depth_multiplier=p.get("depth_multiplier", 1), strides=_t(p.get("strides", 1)),
                              padding=pad, dilation_rate=_t(p.get("dilation", 1)))


def _transpose_call(s: TransposeSpec, p: Mapping[str, Any]) -> str:
    args = _args({**p, "padding": s.padding if isinstance(s.padding, str) else None},
                 ("filters", "kernel", "strides", "padding", "output_padding", "dilation"))
    if isinstance(s.padding, str):
        return f"keras.layers.{s.layer_name}({', '.join(args)})"
    # PyTorch's padding p crops p cells off each side of the full output: Keras valid + Cropping
    if s.output_padding is None and any(st > ke for st, ke in zip(s.strides, s.effective_kernel)):
        args.append("output_padding=0")      # else Keras' 'valid' would give (n - 1) * s + max(k, s)
    call = f"keras.layers.{s.layer_name}({', '.join(args)})"
    flat = {v for pair in s.padding for v in pair}
    if flat == {0}:
        return call
    crop = flat.pop() if len(flat) == 1 else s.padding[0] if s.rank == 1 else s.padding
    return f"{call} then keras.layers.Cropping{s.rank}D(cropping={crop})"


def summary(layer: str, p: Mapping[str, Any]) -> Summary:
    """The engine's answer for one layer given parsed parameters (convfig.params.parse)."""
    if layer not in LAYER_KEYS:
        raise ConvfigError(f"layer: must be one of {', '.join(LAYERS)}, got {layer!r}")
    inp = tuple(p["input"]) + (p.get("channels", 1),)
    if layer == "conv":
        cs = conv_spec(p)
        ke = "×".join(map(str, cs.effective_kernel))
        return Summary(layer, cs, inp, cs.output_shape, cs.pads, cs.params,
                       f"{'·'.join(map(str, cs.kernel_size))}·{cs.channels // cs.groups}·{cs.filters} weights + "
                       f"{cs.filters} biases", cs.keras_call(), f"kernel {'×'.join(map(str, cs.kernel_size))}, "
                                                                  f"dilated span {ke}")
    if layer == "conv-transpose":
        ts = transpose_spec(p)
        return Summary(layer, ts, inp, ts.output_shape, ts.pads, ts.params,
                       f"{'·'.join(map(str, ts.kernel_size))}·{ts.channels}·{ts.filters} weights + {ts.filters} "
                       "biases", _transpose_call(ts, p),
                       f"kernel {'×'.join(map(str, ts.kernel_size))}; the zero-inserted input "
                       f"{'×'.join(map(str, ts.zero_inserted_shape))} is padded as below")
    if layer in ("max-pool", "average-pool"):
        ps = pool_spec(p)
        mode = "max" if layer == "max-pool" else "average"
        args = _args({**p, "strides": None if p.get("strides") is None or tuple(p["strides"]) == ps.pool_size
                      else p["strides"]}, ("pool", "strides", "padding"))
        return Summary(layer, ps, inp, ps.output_shape, ps.pads, 0, "no weights",
                       f"keras.layers.{ps.layer_name(mode)}({', '.join(args)})",
                       f"pool {'×'.join(map(str, ps.pool_size))}, strides {'×'.join(map(str, ps.strides))}")
    ds = depthwise_spec(p)
    k, c, m = ds.kernel_size, ds.channels, ds.depth_multiplier
    ks = "·".join(map(str, k))
    if layer == "depthwise":
        args = _args(p, ("kernel", "strides", "padding", "depth_multiplier", "dilation"))
        return Summary(layer, ds, inp, ds.output_shape, ds.pads, ds.params,
                       f"{ks}·{c}·{m} weights + {c * m} biases (one kernel per channel, no mixing)",
                       f"keras.layers.{ds.layer_name}({', '.join(args)})", f"kernel {'×'.join(map(str, k))}")
    f = p.get("filters", 1)
    args = _args(p, ("filters", "kernel", "strides", "padding", "depth_multiplier", "dilation"))
    name = f"SeparableConv{ds.rank}D"
    ordinary = ConvSpec(ds.conv.input_shape, c, f, k, ds.conv.strides, ds.conv.padding, ds.conv.dilation_rate, 1)
    return Summary(layer, ds, inp, ds.output_shape[:-1] + (f,), ds.pads, separable_params(k, c, f, m),
                   f"depthwise {ks}·{c}·{m} + pointwise {c * m}·{f} weights + {f} biases "
                   f"(an ordinary Conv{ds.rank}D: {ordinary.params:,})",
                   f"keras.layers.{name}({', '.join(args)})", f"kernel {'×'.join(map(str, k))}")


def as_conv(layer: str, p: Mapping[str, Any]) -> ConvSpec:
    """The sliding-window view of a layer (what an animation steps over), for size checks."""
    if layer == "conv":
        return conv_spec(p)
    if layer == "conv-transpose":
        return transpose_spec(p).equivalent_conv()
    if layer in ("max-pool", "average-pool"):
        return pool_spec(p).windows()
    return depthwise_spec(p).conv


def defaults(layer: str) -> dict[str, Any]:
    """The table's defaults for a layer's parameters (pool strides: None = the pool size)."""
    out = {k: PARAMS[k].default for k in LAYER_KEYS[layer]}
    if layer in ("max-pool", "average-pool"):
        out["strides"] = None
    return out


def parse_layer(layer: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A layer's parameters from raw values (None = not given: the table's default; pool strides = pool).

    >>> parse_layer("average-pool", {"input": "6x6", "pool": "3"})
    {'input': (6, 6), 'channels': 1, 'pool': (3, 3), 'padding': 'valid'}
    """
    if layer not in LAYER_KEYS:
        raise ConvfigError(f"layer: must be one of {', '.join(LAYERS)}, got {layer!r}")
    merged = {**defaults(layer), **{k: v for k, v in raw.items() if v is not None}}
    if merged.get("strides") is None:
        merged.pop("strides", None)
    return parse(merged, {})


__all__ = ["LAYERS", "LAYER_KEYS", "Summary", "as_conv", "defaults", "depthwise_params", "depthwise_spec",
           "parse_layer",
           "pool_spec", "summary", "transpose_spec"]
