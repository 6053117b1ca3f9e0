"""What every `convfig` command shares: the parser class, the flags of the parameter table, raw values
for the registry, output paths, and the error -> one line on stderr + exit 2 rule."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from convfig.errors import ConvfigError
from convfig.params import PARAMS, ParamError


class UsageError(Exception):
    """Bad command-line usage: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (no usage dump) and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def add_param_flags(p: argparse.ArgumentParser, keys: Iterable[str], required: Iterable[str] = ()) -> None:
    """One flag per parameter of the table (convfig.params.PARAMS): its flag, help and default.

    Values stay raw strings (ints for counts, so argparse names a non-number); the registry parses them.
    """
    need = set(required)
    for key in keys:
        param = PARAMS[key]
        assert param.flag is not None, key
        metavar = {"input": "SIZE", "kernel": "K", "strides": "S", "padding": "P", "dilation": "D"}.get(key)
        default = "" if key in need else f" (default {_spelled(param.default)})"
        p.add_argument(param.flag, dest=key, required=key in need, default=None, metavar=metavar,
                       type=int if param.parse in ("int", "count") else str, help=param.help + default)


def _spelled(value: Any) -> str:
    return "x".join(map(str, value)) if isinstance(value, tuple) else str(value)


def raw_params(args: argparse.Namespace, keys: Iterable[str]) -> dict[str, Any]:
    """The given flags' raw values, table defaults for the rest (named by parameter, not by flag)."""
    return {k: getattr(args, k) if getattr(args, k) is not None else PARAMS[k].default for k in keys}


def out_path(flag: str, value: str) -> Path:
    """A file to write: refuse a directory, a missing or read-only parent."""
    path = Path(value)
    if path.is_dir():
        raise ConvfigError(f"{flag} {value}: is a directory; give a file name like conv.gif")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ConvfigError(f"{flag} {value}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ConvfigError(f"{flag} {value}: directory {parent} is not writable")
    return path


def out_dir(flag: str, value: str) -> Path:
    """A folder to write into (created later if missing): refuse a file, a path under a file, a read-only
    folder. Nothing is created here, so a refused command leaves nothing behind."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise ConvfigError(f"{flag} {value}: exists and is not a directory")
    base = path
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise ConvfigError(f"{flag} {value}: {base} is a file, not a directory")
    if not os.access(base, os.W_OK):
        raise ConvfigError(f"{flag} {value}: directory {base} is not writable")
    return path


def error_line(exc: BaseException) -> str:
    """The one stderr line for a usage or input error (parameter errors name the flag typed)."""
    if isinstance(exc, ParamError):
        return f"convfig: error: {exc.for_cli()}"
    if isinstance(exc, ConvfigError):
        return f"convfig: error: {exc}"
    return str(exc)
