"""The `convfig` command line: `convfig shape` here, figure commands from convfig.cli_render.

Example: convfig shape --input 7x7 --channels 3 --filters 4 --kernel 3 --strides 2 --padding same
"""

from __future__ import annotations

import argparse
import json
import sys

from convfig.errors import ConvfigError
from convfig.spec import ConvSpec


class UsageError(Exception):
    """Bad command-line usage: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (no usage dump) and exit 2."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def parse_sizes(flag: str, text: str) -> tuple[int, ...]:
    """'5x5' -> (5, 5); '9' -> (9,). Each factor a positive int."""
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ConvfigError(f"{flag} {text!r}: expected positive integers joined by 'x', like 5 or 5x5 "
                           f"or 4x4x4") from None
    if not 1 <= len(sizes) <= 3 or min(sizes) < 1:
        raise ConvfigError(f"{flag} {text!r}: expected 1 to 3 positive integers joined by 'x', like 5x5")
    return sizes


def parse_axis_ints(flag: str, text: str, rank: int) -> int | tuple[int, ...]:
    """One int for all axes, or one per axis ('3x1') matching the rank of --input."""
    sizes = parse_sizes(flag, text)
    if len(sizes) == 1:
        return sizes[0]
    if len(sizes) != rank:
        raise ConvfigError(f"{flag} {text!r} gives {len(sizes)} values but --input has {rank} axes "
                           f"(give one int or {rank} joined by 'x')")
    return sizes


def parse_padding(text: str):
    """'valid' | 'same' | 'causal' | 'full' | a non-negative int."""
    t = str(text).lower()
    if t.lstrip("-").isdigit():
        value = int(t)
        if value < 0:
            raise ConvfigError(f"--padding {text}: an explicit padding must be >= 0")
        return value
    if t not in ("valid", "same", "causal", "full"):
        raise ConvfigError(f"--padding {text!r}: use valid, same, causal (1D only), full or an int")
    return t


def add_conv_flags(p: argparse.ArgumentParser, *, kernel_required: bool = True) -> None:
    """The flags that describe one conv layer (shared by `shape` and the figure commands)."""
    p.add_argument("--input", required=True, metavar="SIZE",
                   help="spatial size of one sample, e.g. 9 (Conv1D steps), 5x5 (Conv2D), 4x4x4 (Conv3D); "
                        "the number of factors is the rank; channels are separate")
    p.add_argument("--channels", type=int, default=1, help="input channels, the last axis of the input "
                   "(Keras infers it from the input shape; default 1)")
    p.add_argument("--filters", type=int, default=1, help="Keras `filters`: number of kernels = size of the "
                   "last output axis (default 1)")
    p.add_argument("--kernel", required=kernel_required, default="3", metavar="K",
                   help="Keras `kernel_size`: one int for every axis or one per axis, e.g. 3 or 3x1")
    p.add_argument("--strides", default="1", metavar="S", help="Keras `strides`: step of the window, one int "
                   "or one per axis (default 1)")
    p.add_argument("--padding", default="valid", metavar="P",
                   help="Keras `padding`: valid (none), same (output = ceil(input/strides), extra cell at the "
                        "end), causal (Conv1D only: pad the past); also full or an int for comparison with "
                        "PyTorch/ZeroPadding (default valid)")
    p.add_argument("--dilation", default="1", metavar="D", help="Keras `dilation_rate`: gap between kernel "
                   "taps, one int or one per axis (default 1; Keras refuses it with strides > 1)")
    p.add_argument("--groups", type=int, default=1, help="Keras `groups`: split channels and filters into "
                   "groups (both must divide by it; default 1)")


def spec_from_args(args) -> ConvSpec:
    """Build and validate a ConvSpec from parsed flags (ConvfigError names the flag's parameter)."""
    sizes = parse_sizes("--input", args.input)
    rank = len(sizes)
    return ConvSpec.make(sizes, parse_axis_ints("--kernel", args.kernel, rank), channels=args.channels,
                         filters=args.filters, strides=parse_axis_ints("--strides", args.strides, rank),
                         padding=parse_padding(args.padding),
                         dilation_rate=parse_axis_ints("--dilation", args.dilation, rank), groups=args.groups)


def shape_table(spec: ConvSpec) -> str:
    """Human-readable summary: shapes, padding per axis, params and the Keras call."""
    def fmt(t):
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


def cmd_shape(args) -> int:
    spec = spec_from_args(args)
    if args.json:
        print(json.dumps({"output_shape": list(spec.output_shape), "padding": [list(p) for p in spec.pads],
                          "params": spec.params}))
    else:
        print(shape_table(spec))
    return 0


def build_parser() -> Parser:
    parser = Parser(prog="convfig", description="Keras-exact convolution arithmetic and computed figures.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    p = sub.add_parser("shape", help="output shape, padding and params of one conv layer",
                       description="Print the output shape, the padding Keras adds on each axis, the "
                                   "parameter count and the Keras layer call for one conv layer.")
    add_conv_flags(p)
    p.add_argument("--json", action="store_true", help='print {"output_shape", "padding", "params"} as JSON')
    p.set_defaults(func=cmd_shape)
    try:
        from convfig import cli_render
    except ImportError:  # figure commands need the render extra (matplotlib)
        cli_render = None
    if cli_render is not None:
        cli_render.add_parsers(sub)
    return parser


def main(argv=None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 unexpected failure)."""
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except (UsageError, ConvfigError) as exc:
        print(f"convfig: error: {exc}" if isinstance(exc, ConvfigError) else f"{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
