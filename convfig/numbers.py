"""Your own numbers for a convolution figure: the input (``values``), the kernel (``kernel_values`` or a
named kernel) and the bias (``bias``), as the CLI, the page syntax and the catalogue give them.

Raw forms: ``"0,0,1;0,1,1;1,1,1"`` (rows split by ``;`` or new lines, numbers by ``,``, spaces or ``x``),
one number (fills every cell), a list of numbers or of rows, a ``.npy`` or ``.csv`` file, and for the
kernel a name from ``NAMED_KERNELS``. ``parse_numbers`` gives the canonical JSON form (a flat list of
numbers in C order, whole numbers as ints, or a kernel name) plus the row length when rows were given;
``check_numbers`` validates them against the layer's shapes; ``arrays`` gives the engine's arrays.
Layouts: input ``(*input, channels)``, kernel Keras' ``(*kernel, channels // groups, filters)``, bias
``(filters,)``, each in C order.

>>> parse_numbers("values", "0,1;2,3")
([0, 1, 2, 3], 2)
>>> parse_numbers("kernel_values", "Sobel-X")
('sobel-x', None)
>>> arrays_for((3,), 1, 1, (3,), 1, values=[1, 2, 3], kernel_values="sobel-x", bias=[1])[1][:, 0, 0].tolist()
[-1.0, 0.0, 1.0]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from convfig.errors import ConvfigError

NUMBER_KEYS = ("values", "kernel_values", "bias")

# 3x3 kernels every image-processing text uses; blur is the 1-2-1 binomial (Gaussian) divided by 16
NAMED_KERNELS: dict[str, list[list[float]]] = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "blur": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
}
# the same ideas along one axis (1D figures); sobel-y has no 1D meaning
NAMED_KERNELS_1D: dict[str, list[float]] = {
    "identity": [0, 1, 0], "sobel-x": [-1, 0, 1], "blur": [0.25, 0.5, 0.25], "sharpen": [-1, 3, -1],
    "laplacian": [1, -2, 1],
}
MAX_NUMBERS = 100_000


class NumbersError(ConvfigError):
    """Bad numbers: ``values '1,a' is not a number``; convfig.params turns it into a ParamError (which names
    the flag on the command line). ``rule`` may mention the input as ``{input}``."""

    def __init__(self, key: str, value: object, rule: str) -> None:
        self.key, self.value, self.rule = key, value, rule
        super().__init__(f"{key} {value!r} {rule.format(input='input')}")

    def __reduce__(self) -> tuple[type, tuple[str, object, str]]:
        return NumbersError, (self.key, self.value, self.rule)


def _error(key: str, value: object, rule: str) -> NumbersError:
    shown = value
    if isinstance(value, (list, tuple)):      # the numbers as typed, the first few of a long list
        shown = ",".join(str(v) for v in value[:6]) + (",…" if len(value) > 6 else "")
    return NumbersError(key, shown, rule)


def _number(key: str, text: object) -> float | int:
    try:
        v = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        named = f" nor a named kernel ({', '.join(NAMED_KERNELS)})" if key == "kernel_values" else ""
        raise _error(key, text, f"is {'neither' if named else 'not'} a number{named}") from None
    if not math.isfinite(v):
        raise _error(key, text, "is not a finite number")
    if abs(v) > 1e6:
        raise _error(key, text, "is too large for a figure (at most 1e6 in size)")
    return int(v) if v.is_integer() else v


def _load(key: str, path: Path) -> list[list[Any]]:
    """Rows of a .npy (any shape: rows along its last axis) or .csv file."""
    try:
        if path.suffix.lower() == ".npy":
            a = np.load(path, allow_pickle=False)
        else:
            a = np.loadtxt(path, delimiter=",", dtype=float, ndmin=2)
    except OSError as exc:
        raise _error(key, str(path), f"cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise _error(key, str(path), f"is not a table of numbers ({str(exc).splitlines()[0]})") from None
    if a.dtype.kind not in "biuf" or a.size == 0:
        raise _error(key, str(path), f"holds no numbers (dtype {a.dtype}, {a.size} values)")
    a = np.atleast_1d(a)
    return [list(row) for row in a.reshape(-1, a.shape[-1])]


def _rows(key: str, raw: object) -> list[list[Any]]:
    if isinstance(raw, str):
        s = raw.strip()
        if re.search(r"\.(npy|csv)$", s, re.IGNORECASE):
            return _load(key, Path(s))
        rows = [r for r in re.split(r"[;\n]", s) if r.strip()]
        return [[p for p in re.split(r"[,\sx×]+", r.strip()) if p] for r in rows]
    if isinstance(raw, (list, tuple)):
        if raw and all(isinstance(r, (list, tuple)) for r in raw):
            return [list(r) for r in raw]
        return [list(raw)]
    return [[raw]]


def parse_numbers(key: str, raw: object) -> tuple[list[float | int] | str, int | None]:
    """Raw numbers -> (flat list or kernel name, row length when several rows were given)."""
    if key == "kernel_values" and isinstance(raw, str) and raw.strip().lower() in NAMED_KERNELS:
        return raw.strip().lower(), None
    rows = _rows(key, raw)
    if not rows or not any(rows):
        hint = f"; or a name: {', '.join(NAMED_KERNELS)}" if key == "kernel_values" else ""
        raise _error(key, raw, f"gives no numbers (write them like 0,1,2;3,4,5{hint})")
    flat = [_number(key, v) for row in rows for v in row]
    if len(flat) > MAX_NUMBERS:
        raise _error(key, flat, f"are more than {MAX_NUMBERS}")
    lengths = {len(r) for r in rows}
    if len(rows) > 1 and len(lengths) > 1:
        raise _error(key, raw, f"has rows of different lengths ({', '.join(str(len(r)) for r in rows)})")
    return flat, (lengths.pop() if len(rows) > 1 else None)


def _shape_words(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


def _fit(key: str, got: tuple[list[float | int], int | None], shape: tuple[int, ...], why: str) -> list:
    flat, row = got
    need = math.prod(shape)
    if len(flat) == 1:
        return flat * need                     # one number fills every cell
    if len(flat) != need:
        raise _error(key, flat, f"gives {len(flat)} numbers but {why} needs {need} ({_shape_words(shape)})")
    if row is not None and row != shape[-1]:
        raise _error(key, flat, f"has rows of {row} numbers but {why} needs rows of {shape[-1]} "
                                f"(shape {_shape_words(shape)})")
    return flat


def _named(name: str, rank: int, kernel: tuple[int, ...], cg: int, filters: int) -> list:
    if rank == 3 or (rank == 1 and name not in NAMED_KERNELS_1D):
        raise _error("kernel_values", name, f"is a {'2D' if name == 'sobel-y' else '1D/2D'} kernel; give the "
                                            f"numbers for this {rank}D kernel")
    if any(k != 3 for k in kernel):
        raise _error("kernel_values", name, f"is 3 wide on every axis but kernel is {_shape_words(kernel)}")
    base = np.array(NAMED_KERNELS[name] if rank == 2 else NAMED_KERNELS_1D[name], float)
    full = np.broadcast_to(base.reshape(base.shape + (1, 1)), base.shape + (cg, filters))
    return [int(v) if float(v).is_integer() else float(v) for v in full.ravel()]


def check_numbers(params: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical values/kernel_values/bias for parsed conv params (raw: what was given, for the rows)."""
    out: dict[str, Any] = {}
    given = {k: raw[k] for k in NUMBER_KEYS if raw.get(k) is not None}
    if not given:
        return out
    inp, ch, f = tuple(params["input"]), int(params.get("channels", 1)), int(params.get("filters", 1))
    kernel, groups = tuple(params["kernel"]), int(params.get("groups", 1))
    cg = max(1, ch // max(1, groups))
    dims = f"{{input}} {_shape_words(inp)}" + (f" with {ch} channels" if ch > 1 else "")
    shapes = {"values": (inp + (ch,) if ch > 1 else inp, dims),
              "kernel_values": (kernel + ((cg, f) if (cg, f) != (1, 1) else ()),
                                f"kernel {_shape_words(kernel)}" + (f" x {cg} channels x {f} filters"
                                                                      if (cg, f) != (1, 1) else "")),
              "bias": ((f,), f"filters={f}")}
    for key, value in given.items():
        got = parse_numbers(key, value)
        if isinstance(got[0], str):
            out[key] = got[0]
            _named(got[0], len(inp), kernel, cg, f)
            continue
        shape, why = shapes[key]
        _fit(key, (list(got[0]), got[1]), shape, why)
        out[key] = got[0]
    return out


def arrays_for(inp: tuple[int, ...], channels: int, filters: int, kernel: tuple[int, ...], groups: int = 1,
               values: Any = None, kernel_values: Any = None, bias: Any = None
               ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """The engine's (x, kernel, bias) from canonical numbers (None where not given)."""
    cg = channels // groups
    x = k = b = None
    if values is not None:
        x = np.array(_fit("values", (list(values), None), inp + (channels,), "{input}"), float)
        x = x.reshape(inp + (channels,))
    if kernel_values is not None:
        flat = (_named(kernel_values, len(inp), kernel, cg, filters) if isinstance(kernel_values, str)
                else list(kernel_values))
        shape = kernel + (cg, filters)
        k = np.array(_fit("kernel_values", (flat, None), shape, "kernel"), float).reshape(shape)
    if bias is not None:
        b = np.array(_fit("bias", (list(bias), None), (filters,), "filters"), float)
    return x, k, b


def with_numbers(tr: Any, params: Mapping[str, Any]) -> Any:
    """The trace ``tr`` (convfig.compute.Trace) again with the given values/kernel_values/bias in place of
    its example numbers; ``tr`` itself when none are given."""
    if all(params.get(k) is None for k in NUMBER_KEYS):
        return tr
    from convfig.compute import trace

    cs = tr.spec
    x, k, b = arrays_for(cs.input_shape, cs.channels, cs.filters, cs.kernel_size, cs.groups,
                         **{key: params.get(key) for key in NUMBER_KEYS})
    return trace(tr.x if x is None else x, tr.kernel if k is None else k, tr.bias if b is None else b,
                 strides=cs.strides, padding=cs.padding, dilation_rate=cs.dilation_rate, groups=cs.groups)
