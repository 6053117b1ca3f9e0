"""The `convfig` command line: one module per command (shape, gif, render), shared flags in ``args``.

    convfig shape --input 7x7 --channels 3 --filters 4 --kernel 3 --strides 2 --padding same
    convfig gif --input 5x5 --kernel 3 --strides 2 --padding same -o conv.gif
    convfig figure conv2d --input 5x5 --padding same --slide -o conv.mp4
    convfig render --catalogue figures.json --out build/figures
    convfig slide-pack --catalogue figures.json -o slide-pack.zip

Exit codes: 0 ok, 2 bad usage or input (one line on stderr, no traceback), 1 unexpected failure.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from convfig import __version__
from convfig.cli import figure, gif, render, shape, slide_pack
from convfig.cli.args import Parser, UsageError, error_line, os_error_line
from convfig.errors import ConvfigError

__all__ = ["build_parser", "main"]


def build_parser() -> Parser:
    parser = Parser(prog="convfig", description="Keras-exact convolution arithmetic and computed figures.")
    parser.add_argument("--version", action="version", version=f"convfig {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for command in (shape, gif, figure, render, slide_pack):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 unexpected failure)."""
    try:
        args = build_parser().parse_args(argv)
        code: int = args.func(args)
        return code
    except (UsageError, ConvfigError) as exc:
        print(error_line(exc), file=sys.stderr)
        return 2
    except SystemExit as exc:      # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except OSError as exc:         # a path the system refuses (name too long, no permission, disk full...)
        print(os_error_line(exc, sys.argv[1:] if argv is None else argv), file=sys.stderr)
        return 2
