"""`convfig gif`: one convolution animation as a GIF (for a slide).

    convfig gif --input 5x5 --kernel 3 --strides 2 --padding same -o conv.gif
"""

from __future__ import annotations

import argparse
from typing import Any

from convfig.cli.args import add_param_flags, out_path, raw_params
from convfig.cli.shape import ALL_KEYS, add_layer_flag, layer_params
from convfig.errors import ConvfigError
from convfig.layers import LAYER_KEYS, figure_for
from convfig.params import CONV_KEYS, conv_params, gif_kind

__all__ = ["add_parser", "gif_kind", "run"]

KEYS = (*CONV_KEYS, "seed", "example", "fps")


def run(args: argparse.Namespace) -> int:
    from convfig.render.cache import atomic_write
    from convfig.render.encode import encode_gif, poster_png
    from convfig.render.registry import check_size, make_spec, render

    if not str(args.output).lower().endswith(".gif"):
        raise ConvfigError(f"-o {args.output}: the animation is a GIF; give a file name ending in .gif")
    out = out_path("-o", args.output)
    poster = out_path("--poster", args.poster) if args.poster else None
    layer, _ = layer_params(args)              # refuses a flag the layer does not take
    if layer == "conv":
        raw = raw_params(args, KEYS)
        conv = conv_params({k: raw[k] for k in CONV_KEYS})
        kind = gif_kind(len(conv["input"]), conv["channels"], conv["filters"])
    else:                                      # transposed conv, pooling, depthwise, separable (issue 10)
        keys = (*LAYER_KEYS[layer], "seed", "fps") if layer not in ("depthwise", "separable") else (
            *LAYER_KEYS[layer], "seed")
        kind, raw = figure_for(layer, {k: getattr(args, k, None) for k in keys}, args.view)
    fig = make_spec(kind, raw, args.theme)     # every parameter through the registry (Keras rules included)
    check_size(kind, fig.params)               # refuse huge animations before drawing anything
    rendered = render(fig)
    data = encode_gif(rendered.frames, rendered.durations_ms, keep=rendered.palette_hint)
    try:
        atomic_write(out, data)
        if poster is not None:
            atomic_write(poster, poster_png(rendered))
    except OSError as exc:
        raise ConvfigError(f"-o {args.output}: cannot write ({exc.strerror})") from None
    print(f"wrote {out} ({len(rendered.frames)} frames, {rendered.width}×{rendered.height} px, "
          f"{len(data):,} bytes){f' and poster {poster}' if poster else ''}")
    if args.alt:
        print(rendered.alt)
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
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default light)")
    p.add_argument("--poster", metavar="PATH", help="also write the last frame as a PNG poster")
    p.add_argument("--alt", action="store_true", help="print the generated alt text")
    p.add_argument("-o", "--output", required=True, metavar="FILE.gif", help="where to write the GIF")
    p.set_defaults(func=run)
