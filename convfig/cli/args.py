"""What every `convfig` command shares: the parser class, the flags of the parameter table, raw values
for the registry, output paths, and the error -> one line on stderr + exit 2 rule."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Sequence
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

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # argparse drops a lone '--' value (`--out=--`), leaving an empty list where a string belongs
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            self.error(f"argument {'/'.join(action.option_strings)}: expected a value, got '--'")
        return super()._get_values(action, arg_strings)


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
    """A file to write: refuse a directory, a missing or read-only parent, a name the system refuses."""
    path = Path(value)
    _usable(flag, path)
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
    _usable(flag, path)
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


def frames_dir(flag: str, value: str) -> Path:
    """A folder for one PNG per frame: new, or existing and empty, in a writable place; never the current
    folder or one of its parents (the frames replace the folder)."""
    path = Path(value)
    _usable(flag, path)
    if path.exists():
        if not path.is_dir():
            raise ConvfigError(f"{flag} {value}: exists and is not a directory")
        if Path.cwd().resolve().is_relative_to(path.resolve()):
            raise ConvfigError(f"{flag} {value}: is the current folder or holds it; name a folder for the frames")
        if any(path.iterdir()):
            raise ConvfigError(f"{flag} {value}: is not an empty folder; give a new or empty one")
        if not os.access(path.resolve().parent, os.W_OK):
            raise ConvfigError(f"{flag} {value}: directory {path.resolve().parent} is not writable")
        return path
    return out_path(flag, str(path))


def _usable(flag: str, path: Path) -> None:
    """Refuse an empty path or one the system cannot even look up (a name too long, a NUL byte)."""
    if not str(path).strip():
        raise ConvfigError(f"{flag} {str(path)!r}: give a path")
    try:
        os.stat(path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        if not isinstance(exc, NotADirectoryError | PermissionError):
            raise ConvfigError(f"{flag} {_short(str(path))}: {getattr(exc, 'strerror', None) or exc}") from None


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def os_error_line(exc: OSError, argv: Sequence[str]) -> str:
    """One line for an OSError, naming the option whose value is the path the system refused."""
    name = str(exc.filename or "")
    flag = None
    words = list(argv)
    for i, w in enumerate(words):
        opt, eq, val = w.partition("=")
        if not eq and i + 1 < len(words):
            val = words[i + 1]
        if opt.startswith("-") and val and name.startswith(val):
            flag = opt
    where = f"{flag} {_short(name)}" if flag else _short(name) or "a file"
    return f"convfig: error: {where}: {exc.strerror or exc}"


def error_line(exc: BaseException) -> str:
    """The one stderr line for a usage or input error (parameter errors name the flag typed)."""
    if isinstance(exc, ParamError):
        return f"convfig: error: {exc.for_cli()}"
    if isinstance(exc, ConvfigError):
        return f"convfig: error: {exc}"
    return str(exc)
