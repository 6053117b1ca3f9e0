"""`convfig render`: a catalogue of figures into a folder (parallel, cached).

    convfig render --catalogue figures.json --out build/figures
"""

from __future__ import annotations

import argparse
from typing import Any

from convfig.cli.args import out_dir
from convfig.errors import ConvfigError


def run(args: argparse.Namespace) -> int:
    from convfig.render.batch import load_catalogue, normalise, render_catalogue

    if args.jobs is not None and args.jobs < 1:
        raise ConvfigError(f"--jobs {args.jobs}: must be >= 1")
    specs = normalise(load_catalogue(args.catalogue))      # every entry checked (size budget too) first
    out = out_dir("--out", args.out)
    cache = out_dir("--cache", args.cache) if args.cache is not None else None
    try:
        info = render_catalogue(specs, out, jobs=args.jobs, progress=not args.quiet, cache_dir=cache)
    except OSError as exc:
        raise ConvfigError(f"cannot write {exc.filename or args.out} ({exc.strerror or exc}); "
                           "free some space or choose another --out / --cache") from None
    files = sum(len(v["files"]) for v in info.values())
    print(f"rendered {len(info)} figures ({files} files) into {out}")
    return 0


def add_catalogue_flags(p: Any, source: Any = None) -> None:
    """--catalogue (into the ``source`` group when given, else required), --jobs and --cache (render, slide-pack)."""
    (source or p).add_argument("--catalogue", required=source is None, metavar="FILE",
                               help="catalogue file (.json; .yml with PyYAML)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores; 1 = serial)")
    p.add_argument("--cache", metavar="DIR", default=None, help="cache folder (default .cache/convfig or "
                   "$CONVFIG_CACHE)")


def add_parser(sub: Any) -> None:
    r = sub.add_parser(
        "render", help="render a catalogue of figures into a folder (parallel, cached)",
        description="Render every figure of a catalogue (JSON list of {kind, params[, theme]}, or "
                    '{"figures": [...]}) in both themes into --out: GIF + poster PNG for animations, '
                    "PNG + SVG for diagrams, and a JSON file with alt text and step descriptions.")
    add_catalogue_flags(r)
    r.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=run)
