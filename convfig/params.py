"""The one parser and the one table of figure/layer parameters: name <-> CLI flag <-> default.

The CLI, the site's figure directives and the catalogue all hand raw values (strings like ``"5x5"``,
``"3x1"``, ``"same"``, or ints and lists) to :func:`parse`; the figure registry adds per-kind defaults
and rules on top. Errors are :class:`ParamError`, a ConvfigError that names the parameter (``str()``)
or the flag (:meth:`ParamError.for_cli`).

>>> parse({"input": "5x5", "kernel": "3x1", "padding": "same"})["kernel"]
(3, 1)
>>> PARAMS["dilation"].flag, PARAMS["dilation"].default
('--dilation', 1)
>>> str(ParamError("input", "5xa", "expected positive integers joined by 'x'"))
"input: expected positive integers joined by 'x', got '5xa'"
>>> ParamError("input", "5xa", "expected positive integers joined by 'x'").for_cli()
"--input '5xa': expected positive integers joined by 'x'"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from convfig.errors import ConvfigError
from convfig.examples import NAMES
from convfig.spec import ConvSpec

Padding = str | int | tuple[tuple[int, int], ...]
PADDING_WORDS = ("valid", "same", "causal", "full")


@dataclass(frozen=True)
class Param:
    """One parameter: its name (site/catalogue key), CLI flag, default, how it parses, and its help."""

    name: str
    flag: str | None
    default: Any
    parse: str          # "sizes" | "axis" | "padding" | "int" | "count" | "text" | "choice" | "numbers"
    help: str = ""
    minimum: int = 0
    maximum: int | None = None
    choices: tuple[str, ...] = ()     # parse "choice": the allowed words


# THE table. The registry's per-kind defaults start from these; the CLI builds its flags from them.
PARAMS: dict[str, Param] = {p.name: p for p in [
    Param("input", "--input", (5, 5), "sizes",
          "spatial size of one sample, e.g. 9 (Conv1D steps), 5x5 (Conv2D), 4x4x4 (Conv3D); the number of "
          "factors is the rank; channels are separate", minimum=1),
    Param("channels", "--channels", 1, "count", "input channels, the last axis of the input (Keras infers it "
          "from the input shape)", minimum=1),
    Param("filters", "--filters", 1, "count", "Keras `filters`: number of kernels = size of the last output "
          "axis", minimum=1),
    Param("kernel", "--kernel", 3, "axis", "Keras `kernel_size`: one int for every axis or one per axis, e.g. "
          "3 or 3x1", minimum=1),
    Param("strides", "--strides", 1, "axis", "Keras `strides`: step of the window, one int or one per axis",
          minimum=1),
    Param("padding", "--padding", "valid", "padding",
          "Keras `padding`: valid (none), same (output = ceil(input/strides), extra cell at the end), causal "
          "(Conv1D only: pad the past); also full or an int for comparison with PyTorch/ZeroPadding"),
    Param("dilation", "--dilation", 1, "axis", "Keras `dilation_rate`: gap between kernel taps, one int or one "
          "per axis (Keras refuses it with strides > 1)", minimum=1),
    Param("groups", "--groups", 1, "count", "Keras `groups`: split channels and filters into groups (both "
          "must divide by it)", minimum=1),
    Param("output_padding", "--output-padding", None, "axis", "Keras `output_padding` of ConvNDTranspose: extra "
          "cells at the end of each axis, smaller than strides (default: Keras chooses)", minimum=0),
    Param("pool", "--pool", 2, "axis", "Keras `pool_size` of Max/AveragePooling: one int or one per axis "
          "(strides default to it)", minimum=1),
    Param("depth_multiplier", "--depth-multiplier", 1, "count", "Keras `depth_multiplier` of depthwise and "
          "separable layers: kernels per input channel", minimum=1),
    Param("mode", None, "max", "text", "pooling figures: max or average"),
    Param("seed", "--seed", 0, "int", "seed of the example numbers (0 to 4294967295; the generator is "
          "convfig.rng, shared with the playground page)", 0, 2**32 - 1),
    Param("example", "--example", "random", "choice", "example numbers: random (from --seed) or a hand-chosen "
          "pattern with a kernel that responds to it: edge, line, bump, impulse; photo (conv2d): a crop of "
          "grace_hopper.jpg under a Sobel kernel",
          choices=("random", *NAMES, "photo")),
    Param("fps", "--fps", 2, "int", "frames per second, 1-50 (the last frame is held longer)", 1, 50),
    # your own numbers (convfig.numbers): they replace the example's; the engine computes the rest
    Param("values", "--values", None, "numbers", "the input's numbers: rows split by ';', numbers by ',' "
          "(e.g. 0,0,1;0,1,1;1,1,1), one number for every cell, or a .npy/.csv file; C order of "
          "(*input, channels)"),
    Param("kernel_values", "--kernel-values", None, "numbers", "the kernel's numbers (as --values, C order of "
          "Keras' (*kernel, channels/groups, filters)) or a named 3x3 kernel: identity, sobel-x, sobel-y, blur, "
          "sharpen, laplacian"),
    Param("bias", "--bias", None, "numbers", "the bias: one number for every filter or one per filter"),
    # per-layer lists (receptive-field figures) and keys of the page, not of the picture
    Param("kernels", None, (3, 3), "sizes", "kernel size of each stacked layer", minimum=1),
    Param("dilations", None, (1,), "sizes", "dilation of each stacked layer", minimum=1),
    Param("stepper", None, 0, "int", "also write one PNG per frame (step-through viewer)"),
    Param("caption", None, None, "text", "caption under the figure (never changes pixels)"),
]}

# the conv layer's parameters, in CLI order
CONV_KEYS = ("input", "channels", "filters", "kernel", "strides", "padding", "dilation", "groups")


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class ParamError(ConvfigError):
    """A bad parameter value. ``str()`` names the parameter (``input: rule, got '5xa'``);
    ``for_cli()`` names the flag the user typed (``--input '5xa': rule``).

    ``rule`` may mention the input as ``{input}``; ``sentence=True`` reads the rule right after the
    value (``--kernel '3x3x3' gives 3 values ...``) instead of after a colon.
    """

    def __init__(self, key: str, value: object, rule: str, sentence: bool = False) -> None:
        self.key, self.value, self.rule, self.sentence = key, value, rule, sentence
        text = rule.format(input="input")
        super().__init__(f"{key} {_shown(value)} {text}" if sentence else f"{key}: {text}, got {_shown(value)}")

    def __reduce__(self) -> tuple[type, tuple[str, object, str, bool]]:
        # picklable: errors cross process boundaries in batch rendering
        return ParamError, (self.key, self.value, self.rule, self.sentence)

    def for_cli(self) -> str:
        param = PARAMS.get(self.key)
        flag = param.flag if param is not None and param.flag else self.key
        text = self.rule.format(input=PARAMS["input"].flag)
        return f"{flag} {_shown(self.value)}{' ' if self.sentence else ': '}{text}"


def parse_int(key: str, value: object, minimum: int | None = 0, maximum: int | None = None) -> int:
    """7, '7', 7.0 -> 7, within [minimum, maximum] (None: no bound).

    >>> parse_int("seed", " 3 ")
    3
    """
    v = value
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*-?[0-9]+\s*", v):
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ParamError(key, value, "must be an integer")
    if maximum is not None and minimum is not None and not minimum <= v <= maximum:
        raise ParamError(key, v, f"must be between {minimum} and {maximum}")
    if minimum is not None and v < minimum:
        raise ParamError(key, v, f"must be >= {minimum}")
    return v


SIZES_TEXT = re.compile(r"[0-9]+(?:\s*[x,]\s*[0-9]+|\s+[0-9]+)*")


def parse_sizes(key: str, value: object, minimum: int = 1) -> tuple[int, ...]:
    """'5x5' / '5' / 5 / [5, 5] / '3,3' -> a tuple of ints >= minimum.

    >>> parse_sizes("input", "4×4x4"), parse_sizes("kernels", [3, 3])
    ((4, 4, 4), (3, 3))
    """
    if isinstance(value, (list, tuple)):
        items: list[object] = list(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace("×", "x")
        if not SIZES_TEXT.fullmatch(text):      # no stray 'x', '_' or other digits: '3x' is not 3
            raise ParamError(key, value, "expected positive integers joined by 'x', like 5 or 5x5 or 4x4x4")
        items = [p for p in re.split(r"[x,\s]+", text) if p]
    else:
        items = [value]
    try:
        sizes = tuple(parse_int(key, i) for i in items)
    except ConvfigError:
        raise ParamError(key, value, "expected positive integers joined by 'x', like 5 or 5x5 or 4x4x4") from None
    if key == "input" and (not 1 <= len(sizes) <= 3 or min(sizes) < minimum):
        raise ParamError(key, value, "expected 1 to 3 positive integers joined by 'x', like 5x5")
    if not sizes or min(sizes) < minimum:
        raise ParamError(key, value, f"expected integers >= {minimum} joined by 'x', like 3 or 3x1")
    return sizes


def parse_axis(key: str, value: object, rank: int) -> tuple[int, ...]:
    """One int for every axis or one per axis ('3x1'), given the rank of the input.

    >>> parse_axis("kernel", 3, 2), parse_axis("strides", "1x2", 2)
    ((3, 3), (1, 2))
    """
    sizes = parse_sizes(key, value, PARAMS[key].minimum if key in PARAMS else 1)
    if len(sizes) == 1:
        return sizes * rank
    if len(sizes) != rank:
        raise ParamError(key, value, f"gives {len(sizes)} values but {{input}} has {rank} axes (give one "
                         f"integer or {rank} joined by 'x')", sentence=True)
    return sizes


def parse_padding(value: object, rank: int | None = None) -> Padding:
    """'same' / 1 / '1' / [[0, 1], [1, 1]] / '0:1,1:1' -> a padding word, an int or (before, after) pairs.

    >>> parse_padding("SAME"), parse_padding("2"), parse_padding("0:1", 1)
    ('same', 2, ((0, 1),))
    """
    key = "padding"
    rule = "use valid, same, causal (1D only), full, an int or before:after pairs per axis"
    pairs: tuple[tuple[int, int], ...]
    if isinstance(value, str):
        s = value.strip().lower()
        if s in PADDING_WORDS:
            return s
        if re.fullmatch(r"-?\d+", s):
            return parse_padding(int(s), rank)
        found = re.findall(r"(\d+)\s*[:/]\s*(\d+)", s)
        if not found or not re.fullmatch(r"(\s*\d+\s*[:/]\s*\d+\s*[,x;]?)+", s):
            raise ParamError(key, value, rule)
        pairs = tuple((int(a), int(b)) for a, b in found)
    elif isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ParamError(key, value, "an explicit padding must be >= 0")
        return value
    elif isinstance(value, (list, tuple)):
        try:
            pairs = tuple((parse_int(key, a), parse_int(key, b)) for a, b in value)
        except (TypeError, ValueError):
            raise ParamError(key, value, "pairs must be (before, after) integers >= 0 per axis") from None
    else:
        raise ParamError(key, value, rule)
    if rank is not None and len(pairs) != rank:
        raise ParamError(key, value, f"needs one (before, after) pair per axis ({rank})")
    return pairs


def parse_value(key: str, value: object, rank: int | None = None) -> Any:
    """Parse one parameter by its table entry (``rank`` is the input's, for per-axis parameters)."""
    p = PARAMS[key]
    if value is None and p.default is None:      # an optional parameter left out (output_padding, caption)
        return None
    if p.parse == "sizes" or (p.parse == "axis" and rank is None):
        return parse_sizes(key, value, p.minimum)
    if p.parse == "axis":
        return parse_axis(key, value, rank or 1)
    if p.parse == "padding":
        return parse_padding(value, rank)
    if p.parse == "count":   # the engine owns the rule (>= 1, divisible by groups) and its message
        n = parse_int(key, value, minimum=None)
        if n < p.minimum:
            raise ConvfigError(f"{key} must be an integer >= {p.minimum}, got {n}")
        return n
    if p.parse == "int":
        return parse_int(key, value, p.minimum, p.maximum)
    if p.parse == "numbers":
        return check_numbers({}, {key: value}, parse_only=True)[key]
    if p.parse == "choice":
        word = str(value).strip().lower()
        if word not in p.choices:
            raise ParamError(key, value, f"must be one of {', '.join(p.choices)}")
        return word
    return None if value is None else str(value)


def check_numbers(params: Mapping[str, Any], raw: Mapping[str, Any], parse_only: bool = False) -> dict[str, Any]:
    """Your own values / kernel_values / bias (convfig.numbers): parsed (``parse_only``) or checked against
    the parsed layer ``params``; canonical values, or a ParamError naming the parameter."""
    from convfig.numbers import NumbersError, parse_numbers
    from convfig.numbers import check_numbers as check

    try:
        return {k: parse_numbers(k, v)[0] for k, v in raw.items()} if parse_only else check(params, raw)
    except NumbersError as exc:
        raise ParamError(exc.key, exc.value, exc.rule, sentence=True) from None


def parse(raw: Mapping[str, object], defaults: Mapping[str, object] | None = None) -> dict[str, Any]:
    """Parse raw values (missing keys from ``defaults``, else the table's) -> canonical Python values.

    Only the keys of ``raw`` and ``defaults`` are returned; ``input`` is parsed first so that the
    per-axis parameters know the rank.

    >>> parse({"input": "6", "kernel": "3", "strides": 2, "padding": "same"}, {})
    {'input': (6,), 'kernel': (3,), 'strides': (2,), 'padding': 'same'}
    """
    merged = dict(defaults if defaults is not None else {})
    merged.update(raw)
    out: dict[str, Any] = {}
    rank = None
    if "input" in merged:
        out["input"] = parse_value("input", merged["input"])
        rank = len(out["input"])
    for key, value in merged.items():
        if key != "input":
            out[key] = parse_value(key, value, rank)
    return out


def conv_params(raw: Mapping[str, object]) -> dict[str, Any]:
    """A conv layer's parameters from raw values, the table's defaults filling the gaps."""
    return parse(raw, {k: PARAMS[k].default for k in CONV_KEYS})


def conv_spec(params: Mapping[str, Any]) -> ConvSpec:
    """The engine's ConvSpec for parsed (or canonical JSON-friendly) conv params.

    >>> conv_spec(conv_params({"input": "6", "kernel": 3, "strides": 2, "padding": "same"})).pads
    ((0, 1),)
    """
    pad = params.get("padding", "valid")
    if isinstance(pad, list):
        pad = tuple(tuple(p) for p in pad)
    return ConvSpec.make(
        input_shape=tuple(params["input"]), channels=params.get("channels", 1),
        filters=params.get("filters", 1), kernel_size=tuple(params["kernel"]),
        strides=tuple(params.get("strides", (1,))), padding=pad,
        dilation_rate=tuple(params.get("dilation", (1,))), groups=params.get("groups", 1),
    )


def cli_words(params: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> list[str] | None:
    """The CLI flags that give these canonical params (defaults left out); None if the CLI cannot say it.

    >>> cli_words({"input": [5, 5], "kernel": [3, 3], "strides": [1, 2], "padding": "same", "seed": 0})
    ['--input', '5x5', '--strides', '1x2', '--padding', 'same']
    """
    words: list[str] = []
    for key, value in params.items():
        p = PARAMS.get(key)
        if p is None or p.flag is None:
            return None
        if isinstance(value, (list, tuple)):
            if any(isinstance(v, (list, tuple)) for v in value):
                return None     # per-axis (before, after) padding: the CLI takes one int
            flat = [value[0]] if key != "input" and len(set(value)) == 1 else list(value)
            text = "x".join(str(v) for v in flat)
        else:
            text = str(value)
        default = (defaults or {}).get(key, p.default)
        if key != "input" and text == str(default):
            continue
        words += [p.flag, text]
    return words


def gif_kind(rank: int, channels: int, filters: int) -> str:
    """The figure kind `convfig gif` draws: conv1d / conv2d / conv3d by rank; 2D with several channels or
    filters -> 'channels'.

    >>> gif_kind(2, 3, 1), gif_kind(1, 1, 1)
    ('channels', 'conv1d')
    """
    if rank == 1:
        return "conv1d"
    if rank == 3:
        return "conv3d"
    return "channels" if channels > 1 or filters > 1 else "conv2d"
