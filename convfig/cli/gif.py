"""`convfig gif`: one convolution animation as a GIF (for a slide) -- or, by the output's extension,
as WebP, APNG, MP4, or its last frame as PNG/SVG/PDF, with `convfig figure`'s size and timing flags.

    convfig gif --input 5x5 --kernel 3 --strides 2 --padding same -o conv.gif
    convfig gif --input 5x5 --padding same --slide --kernel-values sobel-x -o conv.mp4
"""

from __future__ import annotations

import argparse
from typing import Any

from convfig.cli.args import add_param_flags, out_path, raw_params
from convfig.cli.figure import add_output_flags, options, write_figure
from convfig.cli.shape import ALL_KEYS, add_layer_flag, layer_params
from convfig.errors import ConvfigError
from convfig.layers import LAYER_KEYS
from convfig.params import CONV_KEYS, conv_params, gif_kind
from convfig.render.registry import figure_for

__all__ = ["add_parser", "gif_kind", "run"]

KEYS = (*CONV_KEYS, "seed", "example", "fps", "values", "kernel_values", "bias")


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from convfig.render.export import STILL_FORMATS, format_of, write
    from convfig.render.registry import make_spec

    format_of(args.output)
    out_path("-o", args.output)
    poster = out_path("--poster", args.poster) if args.poster else None
    if poster is not None and poster.suffix.lower().lstrip(".") not in STILL_FORMATS:
        raise ConvfigError(f"--poster {poster}: a poster is one picture; give a .png, .svg or .pdf file")
    layer, _ = layer_params(args)              # refuses a flag the layer does not take
    if layer == "conv":
        raw = raw_params(args, KEYS)
        conv = conv_params({k: raw[k] for k in CONV_KEYS})
        kind = gif_kind(len(conv["input"]), conv["channels"], conv["filters"])
    else:                                      # transposed conv, pooling, depthwise, separable (issue 10)
        keys = (*LAYER_KEYS[layer], "seed", "fps")
        kind, raw = figure_for(layer, {k: getattr(args, k, None) for k in keys}, args.view)
    fig = make_spec(kind, raw, args.theme)     # every parameter through the registry (Keras rules included)
    opts = options(args)
    write_figure(fig, args)                    # size budget, format and options checked before drawing
    if poster is not None:                     # the last frame, at the same size
        write(fig, poster, replace(opts, hold_last=None, plays=0))
        print(f"and poster {poster}")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "gif", help="one convolution animation as a GIF (for slides)",
        description="Render an animation of one conv layer with the real numbers: the kernel window moves "
                    "over the (padded) input, each frame shows the products and their sum, the output "
                    "fills in. The rank of --input picks Conv1D/2D/3D; 2D with --channels or --filters > 1 "
                    "draws every channel and filter. Same flags and seed -> byte-identical file.")
    add_layer_flag(p)
    p.add_argument("--view", choices=("conv", "stamps"), default="conv",
                   help="--layer conv-transpose: conv (an ordinary conv of the zero-inserted, padded input; "
                        "default) or stamps (each input cell adds value x kernel into the output)")
    add_param_flags(p, (*KEYS, *(k for k in ALL_KEYS if k not in KEYS)), required=("input",))
    p.add_argument("--poster", metavar="PATH", help="also write the last frame as a PNG poster")
    add_output_flags(p, "where to write it: .gif (default use), .webp, .apng, .mp4, or the last frame as .png, "
                        ".svg, .pdf", required=True)
    p.set_defaults(func=run)
