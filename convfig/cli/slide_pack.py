"""`convfig slide-pack`: every animation of a catalogue as GIF + MP4 on a 1920 x 1080 slide, zipped with a
README (the command behind each file, the licence). Cached like the site's figures.

    convfig slide-pack --catalogue figures.json -o slide-pack.zip
    convfig slide-pack --docs docs -o site/downloads/convfig-slide-pack.zip   # every ```convfig fence of a site
"""

from __future__ import annotations

import argparse
from typing import Any

from convfig.cli.args import out_dir, out_path
from convfig.cli.render import add_catalogue_flags
from convfig.errors import ConvfigError


def run(args: argparse.Namespace) -> int:
    from convfig.render.batch import load_catalogue, normalise
    from convfig.render.cache import atomic_write
    from convfig.render.export import Options, check_format
    from convfig.render.slides import build_slide_pack, cached_slide_pack, pack_specs

    if not str(args.output).lower().endswith(".zip"):
        raise ConvfigError(f"-o {args.output}: the slide pack is a zip; give a file name ending in .zip")
    if args.jobs is not None and args.jobs < 1:
        raise ConvfigError(f"--jobs {args.jobs}: must be >= 1")
    out = out_path("-o", args.output)
    cache = out_dir("--cache", args.cache) if args.cache is not None else None
    source = f"--docs {args.docs}" if args.docs is not None else f"--catalogue {args.catalogue}"
    specs = [s for s in (_site_specs(args.docs, cache) if args.docs is not None else
                         normalise(load_catalogue(args.catalogue))) if s.animated]
    if not specs:
        raise ConvfigError(f"{source}: no animated figures in it; nothing to pack")
    check_format("mp4", True, Options(slide=True), "")      # imageio-ffmpeg installed?
    try:
        if args.docs is not None:       # into the cache first: the site build links that very file
            info = {"figures": len(pack_specs(specs))}
            data = cached_slide_pack(specs, cache, args.jobs).read_bytes()
            atomic_write(out, data)
            info["bytes"] = len(data)
        else:
            info = build_slide_pack(specs, out, cache=cache, jobs=args.jobs)
    except OSError as exc:
        raise ConvfigError(f"cannot write {exc.filename or args.output} ({exc.strerror or exc})") from None
    n = info["figures"]
    print(f"wrote {out} ({n} animation{'s' if n != 1 else ''} as GIF and MP4 at 1920×1080, {info['bytes']:,} bytes)")
    return 0


def _site_specs(docs: str, cache: Any) -> list:
    """Every figure the ```convfig fences of a docs folder ask for (as the MkDocs plugin finds them)."""
    from pathlib import Path

    from convfig.mkdocs.core import FigureSite, Settings
    from convfig.mkdocs.fence import FenceError
    from convfig.render.cache import Cache

    folder = Path(docs)
    if not folder.is_dir():
        raise ConvfigError(f"--docs {docs}: not a folder (give the docs folder of a site, e.g. docs)")
    site = FigureSite(Settings(folder, Cache(cache).root))
    try:
        site.scan()
    except FenceError as exc:
        raise ConvfigError(str(exc)) from None
    return site.wanted()


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "slide-pack", help="every animation of a catalogue as GIF + MP4 at slide size, in one zip",
        description="Render every animated figure of a catalogue (JSON list of {kind, params}, or "
                    '{"figures": [...]}) or of the ```convfig fences in a docs folder as a GIF and an H.264 MP4 on a '
                    "16:9 1920x1080 slide, and zip them with a README listing the `convfig figure` command behind "
                    "each file and the licence.")
    source = p.add_mutually_exclusive_group(required=True)
    add_catalogue_flags(p, source)
    source.add_argument("--docs", metavar="DIR", help="a site's docs folder: every animation its ```convfig fences "
                        "ask for (what the MkDocs plugin's slide_pack: separate links)")
    p.add_argument("-o", "--output", required=True, metavar="PACK.zip", help="the zip to write")
    p.set_defaults(func=run)
