"""Parity of the playground's JavaScript engine with the Python engine (used by tests/test_playground.py and
bench/bench_playground.py).

``random_raws(n, seed)`` makes raw layers as the playground's URL carries them (strings in the CLI's
syntax, some malformed or refused by Keras; a third with your own values, kernel_values and bias);
``python_layer(raw)`` is what the Python engine says about one (the CLI's parser and order: the conv keys,
the seed, the numbers' syntax and their shapes, then ConvSpec's Keras rules; then ``convfig.example``, your
numbers in place of its own, and ``convfig.trace``); ``js_layers(page, raws)`` asks docs/assets/playground/engine.js
the same in a browser page; ``compare`` lists every disagreement.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import numpy as np

import convfig
from convfig.errors import ConvfigError
from convfig.numbers import NUMBER_KEYS, arrays_for, parse_numbers
from convfig.params import CONV_KEYS, PARAMS, check_numbers, cli_words, conv_params, conv_spec, parse_value

ENGINE_JS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "playground" / "engine.js"
REL_TOL = 1e-9

_SIZE = {1: 20, 2: 11, 3: 6}
_MALFORMED = {
    "input": ["5xa", "", "0x3", "4x4x4x4", "-3", "5.5", "x"],
    "kernel": ["0", "3x3x3x3", "a", "", "2x0"],
    "strides": ["0", "1x2x1x1", "s"],
    "dilation": ["0", "two"],
    "padding": ["middle", "1:2:3", "-1", "0:1,1:1,2:2,3:3", ""],
    "channels": ["0", "two", "-2", ""],
    "filters": ["0", "1.5"],
    "groups": ["0", "g"],
    "seed": ["-1", "4294967296", "abc", "1e3"],
}


def _axis(rng: np.random.Generator, rank: int, low: int, high: int) -> str:
    if rng.random() < 0.6:
        return str(int(rng.integers(low, high + 1)))
    return "x".join(str(int(v)) for v in rng.integers(low, high + 1, rank))


def random_raw(rng: np.random.Generator) -> dict[str, str]:
    """One random layer as URL values: every rank, strides, all paddings, dilation, groups, uneven sizes,
    refusals (about a third) and malformed values (about a tenth)."""
    rank = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2]))
    sizes = rng.integers(1, _SIZE[rank] + 1, rank)
    sep = str(rng.choice(["x", "x", "x", "×", " x "]))
    raw = {"input": sep.join(str(int(v)) for v in sizes), "kernel": _axis(rng, rank, 1, 4 if rank < 3 else 3)}
    if rng.random() < 0.5:
        raw["strides"] = _axis(rng, rank, 1, 3)
    if rng.random() < 0.35:
        raw["dilation"] = _axis(rng, rank, 1, 3)
    pad = rng.random()
    if pad < 0.75:
        raw["padding"] = str(rng.choice(["valid", "same", "causal", "full", "same", "valid", "SAME"]))
    elif pad < 0.85:
        raw["padding"] = str(int(rng.integers(0, 3)))
    elif pad < 0.95:
        count = rank if rng.random() < 0.85 else rank % 3 + 1
        raw["padding"] = ",".join(f"{int(rng.integers(0, 3))}:{int(rng.integers(0, 3))}" for _ in range(count))
    groups = int(rng.choice([1, 1, 1, 2, 3]))
    raw["channels"] = str(int(rng.integers(1, 5)) * (groups if rng.random() < 0.8 else 1))
    raw["filters"] = str(int(rng.integers(1, 4)) * (groups if rng.random() < 0.8 else 1))
    if groups > 1 or rng.random() < 0.2:
        raw["groups"] = str(groups)
    raw["seed"] = str(int(rng.integers(0, 20)) if rng.random() < 0.5 else int(rng.integers(0, 2**32)))
    if rng.random() < 0.1:
        key = str(rng.choice(sorted(_MALFORMED)))
        raw[key] = str(rng.choice(_MALFORMED[key]))
    return raw


_NUMBER_WORDS = ["0", "1", "2", "-1", "3", "0.5", "-0.25", "1.5", "4", "-2", "0.125", "1e-05", "2.5e-07", "+3",
                 "10", "-0", "7.0", "1_0", ".5", "5."]
_BAD_NUMBER = ["a", "inf", "nan", "1e7", "2e6", "1__0", "_1", "--1", "0x1f", "1.2.3", "e5", "1e", "∞"]


def _numbers_text(rng: np.random.Generator, count: int, row: int) -> str:
    """count numbers as the CLI takes them: rows of ``row`` split by ';' (or one flat list, or one number
    for every cell), now and then with a malformed token, a wrong count or ragged rows."""
    words = [str(rng.choice(_NUMBER_WORDS)) for _ in range(count)]
    roll = rng.random()
    if roll < 0.08:
        return str(rng.choice(_NUMBER_WORDS))                       # one number fills every cell
    if roll < 0.14:
        words[int(rng.integers(len(words)))] = str(rng.choice(_BAD_NUMBER))
    elif roll < 0.2:
        words = words[:-1] if len(words) > 1 and rng.random() < 0.5 else words + ["1"]
    if row > 1 and len(words) % row == 0 and rng.random() < 0.08:
        row = next((r for r in range(2, len(words)) if len(words) % r == 0 and r != row), row)   # other rows
    if rng.random() < 0.55 and row > 0 and len(words) % row == 0 and len(words) > row:
        rows = [",".join(words[i:i + row]) for i in range(0, len(words), row)]
        if rng.random() < 0.05:
            rows[0] += ",9"                                          # ragged
        return str(rng.choice([";", "; ", "\n"])).join(rows)
    return str(rng.choice([",", ", ", " "])).join(words)


def given_numbers(rng: np.random.Generator, raw: dict[str, str]) -> None:
    """Add your own values / kernel_values / bias to a raw layer (mostly of the right size)."""
    try:
        p = conv_params({k: raw[k] for k in CONV_KEYS if k in raw})
    except ConvfigError:
        p = {"input": (5, 5), "kernel": (3, 3), "channels": 1, "filters": 1, "groups": 1}
    inp, ch, f, kernel = p["input"], p["channels"], p["filters"], p["kernel"]
    cg = max(1, ch // max(1, p["groups"]))
    if ch * int(np.prod(inp)) <= 400 and rng.random() < 0.6:
        raw["values"] = _numbers_text(rng, int(np.prod(inp)) * ch, ch if ch > 1 else inp[-1])
    if rng.random() < 0.5:
        if rng.random() < 0.3:
            raw["kernel_values"] = str(rng.choice(["sobel-x", "Sobel-Y", "blur", "identity", "sharpen", "laplacian"]))
            if rng.random() < 0.7:
                raw["kernel"] = "3"           # the size a named kernel has
        elif int(np.prod(kernel)) * cg * f <= 300:
            raw["kernel_values"] = _numbers_text(rng, int(np.prod(kernel)) * cg * f, f if cg * f > 1 else kernel[-1])
    if rng.random() < 0.4:
        raw["bias"] = _numbers_text(rng, f, 0)


def random_raws(n: int, seed: int = 0) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    out = [random_raw(rng) for _ in range(n)]
    for raw in out[::3]:                  # a third with your own numbers
        given_numbers(rng, raw)
    return out


def python_layer(raw: dict[str, str]) -> dict[str, Any]:
    """The Python engine's answer for one raw layer: its numbers, or {'error': message}."""
    given = {k: raw[k] for k in NUMBER_KEYS if raw.get(k) is not None}
    try:
        params = conv_params({k: raw[k] for k in CONV_KEYS if k in raw})
        seed = parse_value("seed", raw.get("seed", 0))
        for key, value in given.items():          # the numbers' syntax, then their shapes, then Keras's rules
            parse_value(key, value)
        numbers = check_numbers(params, given)
        spec = conv_spec(params)
    except ConvfigError as exc:
        return {"error": str(exc)}
    x, k, b = convfig.example(spec, seed)
    gx, gk, gb = arrays_for(spec.input_shape, spec.channels, spec.filters, spec.kernel_size, spec.groups, **numbers)
    x, k, b = (x if gx is None else gx), (k if gk is None else gk), (b if gb is None else gb)
    tr = convfig.trace(x, k, b, strides=spec.strides, padding=spec.padding, dilation_rate=spec.dilation_rate,
                       groups=spec.groups)
    words = cli_words({**params, "seed": seed})
    if words is not None:
        for key, value in given.items():
            got, row = parse_numbers(key, value)
            if isinstance(got, str):
                text = got
            else:
                items = [str(v) for v in got]
                step = row or len(items)
                text = ";".join(",".join(items[i:i + step]) for i in range(0, len(items), step))
            words += [str(PARAMS[key].flag), shlex.quote(text)]
    return {
        "output_shape": list(spec.output_shape), "pads": [list(p) for p in spec.pads],
        "padded_shape": list(spec.padded_shape), "params": spec.params, "keras": spec.keras_call(),
        "padding_text": spec.describe_padding(),
        "command": None if words is None else " ".join(["convfig", "gif", *words, "-o", "conv.gif"]),
        "x": x.ravel().tolist(), "k": k.ravel().tolist(), "b": b.ravel().tolist(),
        "output": tr.output.ravel().tolist(),
    }


JS_RUN = """(raws) => raws.map((raw) => {
  const E = window.ConvfigEngine;
  try {
    const L = E.layer(raw);
    const ex = E.example(L.spec, L.params.seed, L.given);
    const tr = E.trace(L.spec, ex.x, ex.k, ex.b);
    return {output_shape: L.spec.outputShape, pads: L.spec.pads, padded_shape: L.spec.padded,
            params: L.spec.params, keras: L.spec.keras, padding_text: L.spec.paddingText, command: L.command,
            x: Array.from(ex.x), k: Array.from(ex.k), b: Array.from(ex.b), output: Array.from(tr.output)};
  } catch (e) {
    return e.name === 'ConvfigError' ? {error: e.message} : {crash: String(e && e.stack || e)};
  }
})"""


def load_engine(page: Any) -> None:
    """Load engine.js into a blank page (the file the site ships, as it is)."""
    page.set_content("<!doctype html><title>engine</title>")
    page.add_script_tag(path=str(ENGINE_JS))


def js_layers(page: Any, raws: list[dict[str, str]], chunk: int = 250) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(0, len(raws), chunk):
        out += page.evaluate(JS_RUN, raws[i:i + chunk])
    return out


def _close(a: list[float], b: list[float]) -> bool:
    if len(a) != len(b):
        return False
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not y.size:
        return True
    # relative to each value, or to the largest one where a sum cancels to (nearly) 0: the two engines add
    # products in other orders, so 10 - 10 + 1e-5 may differ in the last bits
    return bool(np.all(np.abs(x - y) <= REL_TOL * np.maximum(np.abs(y), np.abs(y).max() + 1e-300)))


def compare(raw: dict[str, str], py: dict[str, Any], js: dict[str, Any]) -> list[str]:
    """Every way the two answers for one raw layer differ (empty when they agree)."""
    if "crash" in js:
        return [f"{raw}: JavaScript crashed: {js['crash']}"]
    if "error" in py or "error" in js:
        if py.get("error") != js.get("error"):
            return [f"{raw}: Python {py.get('error')!r} vs JavaScript {js.get('error')!r}"]
        return []
    diffs = []
    for key in ("output_shape", "pads", "padded_shape", "params", "keras", "padding_text"):
        if py[key] != js[key]:
            diffs.append(f"{raw}: {key} Python {py[key]!r} vs JavaScript {js[key]!r}")
    if py["command"] is not None and py["command"] != js["command"]:
        diffs.append(f"{raw}: command Python {py['command']!r} vs JavaScript {js['command']!r}")
    for key in ("x", "k", "b", "output"):
        if not _close(py[key], js[key]):
            diffs.append(f"{raw}: {key} values differ (Python {py[key][:8]}… vs JavaScript {js[key][:8]}…)")
    return diffs
