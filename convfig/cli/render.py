"""`convfig render`: a catalogue of figures into a folder (parallel, cached).

    convfig render --catalogue figures.json --out build/figures
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from convfig.errors import ConvfigError


def run(args: argparse.Namespace) -> int:
    from convfig.render.batch import load_catalogue, normalise, render_catalogue

    if args.jobs is not None and args.jobs < 1:
        raise ConvfigError(f"--jobs {args.jobs}: must be >= 1")
    cat = load_catalogue(args.catalogue)
    if not isinstance(cat, (list, dict)):
        raise ConvfigError(f"--catalogue {args.catalogue}: expected a list of figures or "
                           '{"figures": [...]}')
    specs = normalise(cat)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConvfigError(f"--out {args.out}: exists and is not a directory")
    info = render_catalogue(specs, out, jobs=args.jobs, progress=not args.quiet, cache_dir=args.cache)
    files = sum(len(v["files"]) for v in info.values())
    print(f"rendered {len(info)} figures ({files} files) into {out}")
    return 0


def add_parser(sub: Any) -> None:
    r = sub.add_parser(
        "render", help="render a catalogue of figures into a folder (parallel, cached)",
        description="Render every figure of a catalogue (JSON list of {kind, params[, theme]}, or "
                    '{"figures": [...]}) in both themes into --out: GIF + poster PNG for animations, '
                    "PNG + SVG for diagrams, and a JSON file with alt text and step descriptions.")
    r.add_argument("--catalogue", required=True, metavar="FILE", help="catalogue file (.json; .yml with PyYAML)")
    r.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    r.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores; 1 = serial)")
    r.add_argument("--cache", metavar="DIR", default=None, help="cache folder (default .cache/convfig or "
                   "$CONVFIG_CACHE)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=run)
