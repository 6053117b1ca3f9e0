"""Figure commands of the `convfig` CLI: `convfig gif` (one animation for a slide) and `convfig render`
(a catalogue of figures into a folder). ``convfig.cli`` calls ``add_parsers(subparsers)``.

    convfig gif --input 5x5 --kernel 3 --strides 2 --padding same -o conv.gif
    convfig render --catalogue figures.json --out build/figures
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from convfig.errors import ConvfigError

# parameter names in render errors -> the flag a user typed
_FLAG = {"input": "--input", "kernel": "--kernel", "strides": "--strides", "padding": "--padding",
         "dilation": "--dilation", "channels": "--channels", "filters": "--filters", "groups": "--groups",
         "seed": "--seed", "fps": "--fps", "theme": "--theme"}


def _flagged(exc: ConvfigError) -> ConvfigError:
    """'fps: must be ...' -> '--fps: must be ...' (render errors name params; the CLI names flags)."""
    msg = str(exc)
    m = re.match(r"([a-z_]+):", msg)
    if m and m.group(1) in _FLAG:
        msg = _FLAG[m.group(1)] + msg[len(m.group(1)):]
    return ConvfigError(msg)


def _out_path(flag: str, value: str) -> Path:
    path = Path(value)
    if path.is_dir():
        raise ConvfigError(f"{flag} {value}: is a directory; give a file name like conv.gif")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ConvfigError(f"{flag} {value}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ConvfigError(f"{flag} {value}: directory {parent} is not writable")
    return path


def gif_kind(rank: int, channels: int, filters: int) -> str:
    """conv1d / conv2d / conv3d by rank; 2D with several channels or filters -> 'channels'."""
    if rank == 1:
        return "conv1d"
    if rank == 3:
        return "conv3d"
    return "channels" if channels > 1 or filters > 1 else "conv2d"


def cmd_gif(args) -> int:
    from convfig.cli import spec_from_args
    from convfig.render.cache import atomic_write
    from convfig.render.registry import check_size, make_spec

    if not 1 <= args.fps <= 50:
        raise ConvfigError(f"--fps {args.fps}: must be between 1 and 50 frames per second")
    if args.seed < 0:
        raise ConvfigError(f"--seed {args.seed}: must be >= 0")
    if not str(args.output).lower().endswith(".gif"):
        raise ConvfigError(f"-o {args.output}: the animation is a GIF; give a file name ending in .gif")
    out = _out_path("-o", args.output)
    poster = _out_path("--poster", args.poster) if args.poster else None
    spec = spec_from_args(args)           # validates every conv flag (Keras rules)
    kind = gif_kind(spec.rank, spec.channels, spec.filters)
    params = {"input": list(spec.input_shape), "kernel": list(spec.kernel_size), "strides": list(spec.strides),
              "padding": spec.padding if not isinstance(spec.padding, tuple) else [list(p) for p in spec.padding],
              "dilation": list(spec.dilation_rate), "channels": spec.channels, "filters": spec.filters,
              "groups": spec.groups, "seed": args.seed, "fps": args.fps}
    try:
        fig = make_spec(kind, params, args.theme)
        check_size(kind, fig.params)      # refuse huge animations before drawing anything
    except ConvfigError as exc:
        raise _flagged(exc) from None

    from convfig.render.encode import encode_gif, poster_png
    from convfig.render.registry import render

    try:
        rendered = render(fig)
    except ConvfigError as exc:
        raise _flagged(exc) from None
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


def cmd_render(args) -> int:
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


def add_parsers(sub) -> None:
    """Register `gif` and `render` on the CLI's subparsers."""
    from convfig.cli import add_conv_flags

    p = sub.add_parser(
        "gif", help="one convolution animation as a GIF (for slides)",
        description="Render an animation of one conv layer with the real numbers: the kernel window moves "
                    "over the (padded) input, each frame shows the products and their sum, the output "
                    "fills in. The rank of --input picks Conv1D/2D/3D; 2D with --channels or --filters > 1 "
                    "draws every channel and filter. Same flags and seed -> byte-identical file.")
    add_conv_flags(p, kernel_required=False)
    p.add_argument("--seed", type=int, default=0, help="seed of the example numbers (default 0)")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default light)")
    p.add_argument("--fps", type=int, default=2, help="frames per second, 1-50 (default 2; the last frame "
                   "is held longer)")
    p.add_argument("--poster", metavar="PATH", help="also write the last frame as a PNG poster")
    p.add_argument("--alt", action="store_true", help="print the generated alt text")
    p.add_argument("-o", "--output", required=True, metavar="FILE.gif", help="where to write the GIF")
    p.set_defaults(func=cmd_gif)

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
    r.set_defaults(func=cmd_render)


def main(argv=None) -> int:  # pragma: no cover - convenience for `python -m convfig.cli_render`
    from convfig.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

