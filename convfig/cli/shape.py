"""`convfig shape`: output shape, padding, params and the Keras call of one layer.

    convfig shape --input 7x7 --channels 3 --filters 4 --kernel 3 --strides 2 --padding same [--json]
    convfig shape --layer conv-transpose --input 3x3 --kernel 3 --strides 2 --padding same --output-padding 1
    convfig shape --layer max-pool --input 7x7 --channels 3 --pool 2
    convfig shape --layer separable --input 7x7 --channels 32 --filters 64 --kernel 3 --depth-multiplier 1
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from convfig.cli.args import UsageError, add_param_flags
from convfig.layers import LAYER_KEYS, LAYERS, Summary, parse_layer, summary
from convfig.params import PARAMS

# every flag any layer takes, in table order (a flag a layer does not take is refused by name)
ALL_KEYS = tuple(dict.fromkeys(k for keys in LAYER_KEYS.values() for k in keys))


def shape_table(s: Summary) -> str:
    """Human-readable summary: shapes, padding per axis, params and the Keras call."""
    def fmt(t: tuple[int, ...]) -> str:
        return "(" + ", ".join(str(v) for v in t) + ")"

    spec = getattr(s.spec, "conv", s.spec)          # a depthwise layer's padding is its grouped conv's
    label = spec.padding_label if hasattr(spec, "padding_label") else spec.padding
    rows = [("input shape", fmt(s.input_shape) + "  (per sample; batch adds None)"), ("window", s.window)]
    where = "around the zero-inserted input" if s.layer == "conv-transpose" else ""
    for axis, (b, a) in enumerate(s.pads):
        rows.append((f"padding axis {axis}", f"{b} before / {a} after ({label}){' ' + where if where else ''}"))
    rows += [("output shape", fmt(s.output_shape)),
             ("params", f"{s.params:,}  (= {s.params_text})"),
             ("keras", s.keras)]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def layer_params(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """(layer, parsed params) from the flags; a flag the layer does not take is a usage error."""
    layer = args.layer
    keys = LAYER_KEYS[layer]
    for key in ALL_KEYS:
        if key not in keys and getattr(args, key, None) is not None:
            raise UsageError(f"convfig {args.command}: {PARAMS[key].flag} is not a parameter of --layer {layer} "
                             f"(it takes {', '.join(str(PARAMS[k].flag) for k in keys)})")
    if "kernel" in keys and getattr(args, "kernel", None) is None and args.command == "shape":
        raise UsageError(f"convfig {args.command}: the following arguments are required: --kernel "
                         f"(for --layer {layer})")
    return layer, parse_layer(layer, {k: getattr(args, k, None) for k in keys})


def as_json(s: Summary) -> str:
    return json.dumps({"output_shape": list(s.output_shape), "padding": [list(p) for p in s.pads],
                       "params": s.params})


def run(args: argparse.Namespace) -> int:
    s = summary(*layer_params(args))
    print(as_json(s) if args.json else shape_table(s))
    return 0


def add_layer_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--layer", choices=LAYERS, default="conv",
                   help="the Keras layer: conv (ConvND), conv-transpose (ConvNDTranspose), max-pool / average-pool "
                        "(Max/AveragePoolingND), depthwise (DepthwiseConvND), separable (SeparableConvND); "
                        "default conv")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("shape", help="output shape, padding and params of one layer",
                       description="Print the output shape, the padding Keras adds on each axis, the "
                                   "parameter count and the Keras layer call for one layer (conv by default; "
                                   "--layer picks transposed conv, pooling, depthwise or separable).")
    add_layer_flag(p)
    add_param_flags(p, ALL_KEYS, required=("input",))
    p.add_argument("--json", action="store_true", help='print {"output_shape", "padding", "params"} as JSON')
    p.set_defaults(func=run)
