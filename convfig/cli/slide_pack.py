"""`convfig slide-pack`: every animation of a catalogue as GIF + MP4 on a 1920 x 1080 slide, zipped with a
README (the command behind each file, the licence). Cached like the site's figures.

    convfig slide-pack --catalogue figures.json -o slide-pack.zip
"""

from __future__ import annotations

import argparse
from typing import Any

from convfig.cli.args import out_dir, out_path
from convfig.cli.render import add_catalogue_flags
from convfig.errors import ConvfigError


def run(args: argparse.Namespace) -> int:
    from convfig.render.batch import load_catalogue, normalise
    from convfig.render.export import Options, check_format
    from convfig.render.slides import build_slide_pack

    if not str(args.output).lower().endswith(".zip"):
        raise ConvfigError(f"-o {args.output}: the slide pack is a zip; give a file name ending in .zip")
    if args.jobs is not None and args.jobs < 1:
        raise ConvfigError(f"--jobs {args.jobs}: must be >= 1")
    out = out_path("-o", args.output)
    cache = out_dir("--cache", args.cache) if args.cache is not None else None
    specs = [s for s in normalise(load_catalogue(args.catalogue)) if s.animated]
    if not specs:
        raise ConvfigError(f"--catalogue {args.catalogue}: no animated figures in it; nothing to pack")
    check_format("mp4", True, Options(slide=True), "")      # imageio-ffmpeg installed?
    try:
        info = build_slide_pack(specs, out, cache=cache, jobs=args.jobs)
    except OSError as exc:
        raise ConvfigError(f"cannot write {exc.filename or args.output} ({exc.strerror or exc})") from None
    n = info["figures"]
    print(f"wrote {out} ({n} animation{'s' if n != 1 else ''} as GIF and MP4 at 1920×1080, {info['bytes']:,} bytes)")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "slide-pack", help="every animation of a catalogue as GIF + MP4 at slide size, in one zip",
        description="Render every animated figure of a catalogue (JSON list of {kind, params}, or "
                    '{"figures": [...]}) as a GIF and an H.264 MP4 on a 16:9 1920x1080 slide, and zip them with a '
                    "README listing the `convfig figure` command behind each file and the licence.")
    add_catalogue_flags(p)
    p.add_argument("-o", "--output", required=True, metavar="PACK.zip", help="the zip to write")
    p.set_defaults(func=run)
