"""`convfig shape`: output shape, padding, params and the Keras call of one conv layer.

    convfig shape --input 7x7 --channels 3 --filters 4 --kernel 3 --strides 2 --padding same [--json]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from convfig.cli.args import add_param_flags, raw_params
from convfig.params import CONV_KEYS, conv_params, conv_spec
from convfig.spec import ConvSpec


def shape_table(spec: ConvSpec) -> str:
    """Human-readable summary: shapes, padding per axis, params and the Keras call."""
    def fmt(t: tuple[int, ...]) -> str:
        return "(" + ", ".join(str(v) for v in t) + ")"

    rows = [("input shape", fmt(spec.input_shape + (spec.channels,)) + "  (per sample; batch adds None)"),
            ("kernel", f"{'×'.join(map(str, spec.kernel_size))}, dilated span "
                       f"{'×'.join(map(str, spec.effective_kernel))}")]
    for axis, (b, a) in enumerate(spec.pads):
        rows.append((f"padding axis {axis}", f"{b} before / {a} after ({spec.padding_label})"))
    rows += [("output shape", fmt(spec.output_shape)),
             ("params", f"{spec.params:,}  (= {'·'.join(map(str, spec.kernel_size))}·{spec.channels // spec.groups}"
                        f"·{spec.filters} weights + {spec.filters} biases)"),
             ("keras", spec.keras_call())]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def run(args: argparse.Namespace) -> int:
    spec = conv_spec(conv_params(raw_params(args, CONV_KEYS)))
    if args.json:
        out: dict[str, Any] = {"output_shape": list(spec.output_shape), "padding": [list(p) for p in spec.pads],
                               "params": spec.params}
        print(json.dumps(out))
    else:
        print(shape_table(spec))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("shape", help="output shape, padding and params of one conv layer",
                       description="Print the output shape, the padding Keras adds on each axis, the "
                                   "parameter count and the Keras layer call for one conv layer.")
    add_param_flags(p, CONV_KEYS, required=("input", "kernel"))
    p.add_argument("--json", action="store_true", help='print {"output_shape", "padding", "params"} as JSON')
    p.set_defaults(func=run)
