"""How numbers, shapes, sums and Keras calls are written in every figure (one formatter for all kinds).

>>> num(-1.0), num(0.5), shape((5, 5)), tuple_str((7,))
('−1', '0.5', '5×5', '(7,)')
>>> sum_text([1, 0], [2, -1], 2)
'1·2 + 0·(−1) = 2'
>>> wrap_call("keras.layers.Conv2D(filters=1, kernel_size=3, strides=2)", 30)
['keras.layers.Conv2D(filters=1,', '    kernel_size=3, strides=2)']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MINUS = "\u2212"
TIMES = "\u00d7"
DOT = "\u00b7"
ELLIPSIS = "\u2026"
ARROW = "\u2192"
EN_DASH = "\u2013"


def num(v: float) -> str:
    """Number as a learner writes it: 3, −1, 0.5 (true minus sign, no trailing zeros)."""
    v = float(v)
    s = str(int(round(v))) if abs(v - round(v)) < 1e-9 else f"{v:.2f}".rstrip("0").rstrip(".")
    if s in ("-0", "-0.0"):
        s = "0"
    return s.replace("-", MINUS)


def paren(v: float | str) -> str:
    """A number in parentheses when negative: 2, (−1)."""
    s = v if isinstance(v, str) else num(v)
    return f"({s})" if s.startswith(MINUS) else s


def shape(dims: Iterable[int]) -> str:
    """(5, 5) -> '5×5'."""
    return TIMES.join(str(int(n)) for n in dims)


def tuple_str(dims: Iterable[int]) -> str:
    """(7, 7, 1) -> '(7, 7, 1)'; a 1-tuple keeps its comma: '(7,)'."""
    t = [str(int(n)) for n in dims]
    return "(" + ", ".join(t) + ("," if len(t) == 1 else "") + ")"


def per_axis(dims: Sequence[int]) -> str:
    """A per-axis argument as Keras reads it: one number when every axis agrees, else the tuple.

    >>> per_axis((2, 2)), per_axis((1, 2))
    ('2', '(1, 2)')
    """
    return str(int(dims[0])) if len(set(dims)) == 1 else tuple_str(dims)


def index_set(idx: Iterable[int]) -> str:
    """Indices along one axis: contiguous -> '0–2', with gaps -> '0, 2, 4', single -> '3'."""
    ii = [int(i) for i in idx]
    if len(ii) == 1:
        return str(ii[0])
    if all(b - a == 1 for a, b in zip(ii, ii[1:])):
        return f"{ii[0]}{EN_DASH}{ii[-1]}"
    return ", ".join(str(i) for i in ii)


def products(values: Iterable[float], weights: Iterable[float]) -> list[str]:
    """['1·2', '0·(−1)', ...]: input value · kernel weight, in C order."""
    return [f"{paren(v)}{DOT}{paren(w)}" for v, w in zip(values, weights)]


def sum_text(values: Sequence[float], weights: Sequence[float], total: float, bias: float = 0.0,
             max_terms: int = 9) -> str:
    """'1·2 + 0·(−1) + … = 5'; more than max_terms products are abbreviated (first 3 … last 1)."""
    terms = products(values, weights)
    n = len(terms)
    if n > max_terms:
        terms = terms[:3] + [f"{ELLIPSIS} ({n} products) {ELLIPSIS}"] + terms[-1:]
    if bias:
        terms.append(paren(bias))
    return " + ".join(terms) + f" = {num(total)}"


def sum_of(terms: Sequence[float | str], total: float, limit: int = 6) -> str:
    """'2 + 0 + (−1) = 1', or '12 terms = 7' when there are too many to read."""
    if len(terms) <= limit:
        return " + ".join(paren(t) for t in terms) + f" = {num(total)}"
    return f"{len(terms)} terms = {num(total)}"


def wrap(text: str, max_chars: int, sep: str = " + ", cont: str = "+ ") -> list[str]:
    """Wrap at ``sep`` boundaries into lines of at most max_chars (best effort); later lines start with cont."""
    parts = text.split(sep)
    lines: list[str] = []
    cur = ""
    for i, p in enumerate(parts):
        piece = p if i == 0 else sep + p
        if cur and len(cur) + len(piece) > max_chars:
            lines.append(cur)
            cur = cont + p
        else:
            cur += piece
    lines.append(cur)
    return lines


def wrap_call(call: str, max_chars: int) -> list[str]:
    """Wrap a Keras call to lines of at most max_chars (if possible). A call too long: one layer per line
    ("then" starts the next), a layer too long broken after the commas between its own arguments (never
    inside a tuple), continuation lines indented 4.

    >>> wrap_call("ZeroPadding2D(padding=((0, 1), (2, 0))) then Conv2D(filters=1, kernel_size=(2, 3))", 30)
    ['ZeroPadding2D(padding=((0, 1), (2, 0)))', 'then Conv2D(filters=1,', '    kernel_size=(2, 3))']
    """
    if len(call) <= max_chars:
        return [call]
    lines: list[str] = []
    for i, layer in enumerate(call.split(" then ")):
        text = ("then " if i else "") + layer
        if len(text) <= max_chars:
            lines.append(text)
            continue
        depth, cuts = 0, []
        for j, ch in enumerate(text):            # commas between the layer's own arguments
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 1:
                cuts.append(j + 1)
        cur, start = "", 0
        for cut in cuts + [len(text)]:
            piece = text[start:cut].strip()
            if cur and len(cur) + 1 + len(piece) > max_chars:
                lines.append(cur)
                cur = "    " + piece
            else:
                cur = f"{cur} {piece}" if cur else piece
            start = cut
        lines.append(cur)
    return lines


def ordinal(v: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    if 10 <= v % 100 <= 20:
        return f"{v}th"
    return f"{v}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(v % 10, 'th') }"


def signed_sum(terms: Sequence[float]) -> str:
    """Terms added as a learner writes them: [3, −1, 2] -> '3 − 1 + 2' (a negative term subtracts)."""
    out = num(terms[0]) if terms else "0"
    for t in terms[1:]:
        s = num(t)
        out += f" {MINUS} {s[1:]}" if s.startswith(MINUS) else f" + {s}"
    return out
