"""`convfig figure`: any figure kind in the format and size a slide or a printed page needs.

    convfig figure conv2d --input 5x5 --padding same --slide -o conv.mp4
    convfig figure conv2d --input 4x4 --values "0,0,1,1;0,0,1,1;0,0,1,1;0,0,1,1" --kernel-values sobel-x -o edge.gif
    convfig figure padding-modes --input 7 -o padding.pdf
    convfig figure conv1d --input 9 --scale 2 --frames steps/

The format comes from the output's extension (.gif .webp .apng .mp4 .png .svg .pdf; an animation to
.png/.svg/.pdf gives its last frame, the poster); ``--frames DIR`` writes one PNG per frame. The
parameters are the page syntax's (``convfig.params.PARAMS``); ``convfig gif`` shares the output flags.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from convfig.cli.args import add_param_flags, frames_dir, out_path
from convfig.errors import ConvfigError
from convfig.params import PARAMS

__all__ = ["add_output_flags", "add_parser", "options", "run", "write_figure"]

NOT_FLAGS = ("caption", "stepper")          # keys of the page, not of the picture


def _figure_keys() -> list[str]:
    """Every parameter some figure kind takes, in the table's order."""
    from convfig.render.registry import KINDS

    keys = set().union(*(k.keys for k in KINDS.values()))
    return [k for k in PARAMS if k in keys and k not in NOT_FLAGS]


def flag_of(key: str) -> str:
    return PARAMS[key].flag or "--" + key.replace("_", "-")


def add_output_flags(p: argparse.ArgumentParser, output_help: str, required: bool = False) -> None:
    """Size, background, timing and output flags (shared by `figure` and `gif`)."""
    p._negative_number_matcher = re.compile(r"^-\.?\d")     # --values -1,0,1 is a value, not a flag
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default light)")
    size = p.add_argument_group("size (default: the figure's own size, as on the site)")
    size.add_argument("--scale", type=float, metavar="N", help="draw N times larger (text and lines drawn at that "
                      "size: crisp, not upscaled pixels), e.g. 2")
    size.add_argument("--width", type=int, metavar="PX", help="output width in pixels (height follows; with "
                      "--height: the figure is centred on a page of that size)")
    size.add_argument("--height", type=int, metavar="PX", help="output height in pixels")
    size.add_argument("--slide", action="store_true", help="a 16:9 slide: 1920x1080 page (or --width wide), the "
                      "figure as large as fits")
    size.add_argument("--background", choices=("theme", "white", "transparent"), default="theme",
                      help="the theme's background (default), white, or transparent (.png .webp .apng .svg .pdf)")
    timing = p.add_argument_group("timing (animations)")
    timing.add_argument("--hold-last", type=float, metavar="SECONDS", help="how long the last frame stays")
    timing.add_argument("--loop", default=None, metavar="N|forever", help="play N times or forever (default); "
                        "an MP4 holds the frames N times (slide software loops a video itself)")
    p.add_argument("-o", "--output", metavar="FILE", required=required, help=output_help)
    p.add_argument("--frames", metavar="DIR", help="also (or only) write every frame as a numbered PNG into DIR "
                   "(a new or empty folder), for click-through builds")
    p.add_argument("--alt", action="store_true", help="print the generated alt text")


def options(args: argparse.Namespace) -> Any:
    """The export Options of the parsed flags (checked)."""
    from convfig.render.export import Options, parse_loop

    opts = Options(scale=args.scale, width=args.width, height=args.height, slide=args.slide,
                   background=args.background, hold_last=args.hold_last,
                   plays=parse_loop(args.loop) if args.loop is not None else 0)
    opts.check()
    return opts


def write_figure(spec: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Write the figure where the flags say (-o and/or --frames) and print one line about it."""
    from convfig.render.export import write
    from convfig.render.registry import check_size

    if not args.output and not args.frames:
        raise ConvfigError("-o: give an output file (-o out.gif, .webp, .apng, .mp4, .png, .svg, .pdf) "
                           "or --frames DIR")
    opts = options(args)
    out = out_path("-o", args.output) if args.output else None
    frames = frames_dir("--frames", args.frames) if args.frames else None
    if out is not None and frames is not None and out.resolve() == frames.resolve():
        raise ConvfigError(f"--frames {args.frames}: the same path as -o; give the frames their own folder")
    check_size(spec.kind, spec.params)       # refuse huge figures before drawing anything
    try:
        info = write(spec, out, opts, frames)
    except OSError as exc:
        raise ConvfigError(f"-o {args.output or args.frames}: cannot write ({exc.strerror or exc})") from None
    what = [f"{info['frames']} frame{'s' if info['frames'] != 1 else ''}", f"{info['width']}×{info['height']} px"]
    if "video_frames" in info:
        what.append(f"{info['video_frames']} video frames at {spec.params.get('fps', 2)} fps")
    if "bytes" in info:
        what.append(f"{info['bytes']:,} bytes")
    print(f"wrote {out or ''}{' and ' if out and frames else ''}{f'{frames}/' if frames else ''} ({', '.join(what)})")
    if args.alt:
        print(info["alt"])
    return info


def run(args: argparse.Namespace) -> int:
    from convfig.render.registry import KINDS, make_spec

    info = KINDS[args.kind]
    keys = _figure_keys()
    stray = [k for k in keys if getattr(args, k) is not None and k not in info.keys]
    if stray:
        allowed = ", ".join(flag_of(k) for k in keys if k in info.keys) or "none"
        raise ConvfigError(f"{flag_of(stray[0])}: not a parameter of {args.kind} figures (its parameters: "
                           f"{allowed})")
    raw = {k: getattr(args, k) for k in keys if getattr(args, k) is not None}
    write_figure(make_spec(args.kind, raw, args.theme), args)
    return 0


def add_parser(sub: Any) -> None:
    from convfig.render.registry import KINDS

    p = sub.add_parser(
        "figure", help="any figure kind as GIF, WebP, APNG, MP4, PNG, SVG or PDF, at slide size",
        description="Render one figure of any kind (the parameters are the page syntax's) in the format of the "
                    "output's extension: animations as .gif, .webp, .apng, .mp4 (H.264) or --frames DIR; "
                    "diagrams (and an animation's last frame) as .png, .svg or .pdf (vector). --slide, "
                    "--width and --scale redraw it crisply at that size. Your own numbers: --values, "
                    "--kernel-values (or sobel-x, sobel-y, blur, sharpen, laplacian, identity), --bias.",
        epilog="kinds: " + "; ".join(f"{k.name}: {k.description}" for k in KINDS.values()))
    p.add_argument("kind", choices=list(KINDS), metavar="KIND", help="figure kind: " + ", ".join(KINDS))
    keys = _figure_keys()
    add_param_flags(p, [k for k in keys if PARAMS[k].flag])
    for key in keys:
        if not PARAMS[key].flag:
            p.add_argument(flag_of(key), dest=key, default=None, help=PARAMS[key].help)
    add_output_flags(p, "output file: .gif .webp .apng .mp4 (animations), .png .svg .pdf (a diagram, or an "
                        "animation's last frame)")
    p.set_defaults(func=run)
