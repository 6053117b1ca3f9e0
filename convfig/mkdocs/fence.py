"""The ```convfig fence: find it in a page, read its ``key: value`` body, check it against the registry.

A page asks for a computed figure with a fenced block whose language is ``convfig``::

    ```convfig
    kind: conv2d
    input: 7x7
    kernel: 3
    strides: 2
    padding: same
    stepper: true
    caption: A 3×3 kernel walks over a 7×7 input two cells at a time.
    ```

The keys are the CLI's parameter names (``convfig.params.PARAMS``) plus ``kind``; values are raw
strings handed to the one parser (``convfig.render.registry.make_spec``), so a kind added to the
registry works in a fence with no change here. A block that shows generated content instead of a
figure names it with ``show:`` (``gallery``, ``shape-table``, ``reference``, ``examples``).

A site without the plugin shows the block as a readable code block. Errors are :class:`FenceError`,
``"docs/page.md:LINE: key: rule"``; an unknown key suggests the nearest valid one.

>>> f = parse_body("kind: conv1d\\ninput: 8\\ncaption: 'A: b'", "docs/p.md", 4)
>>> f.kind, f.params, f.caption
('conv1d', {'input': '8'}, 'A: b')
>>> parse_body("kind: conv2d\\nstrides: 2\\nstride: 2", "docs/p.md", 10)
Traceback (most recent call last):
...
convfig.mkdocs.fence.FenceError: docs/p.md:13: stride: not a key of conv2d figures; did you mean 'strides'?
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from convfig.errors import ConvfigError

__all__ = ["LANGUAGE", "SHOW", "Fence", "FenceBlock", "FenceError", "check", "find_fences", "parse_body"]

LANGUAGE = "convfig"
# generated blocks a fence can show instead of a figure (``show: NAME``)
SHOW = {
    "gallery": "every animation of the site, with downloads and the CLI command",
    "shape-table": "output length and zeros along one axis for many sizes, from the engine",
    "reference": "every figure kind and key with defaults and allowed values, from the registry",
    "examples": "one figure of every kind with its defaults, next to the fence that draws it",
}
# the engine's messages use Keras' argument names; the fence uses the CLI's
KERAS_NAMES = {"kernel_size": "kernel", "dilation_rate": "dilation"}
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
THEMES = ("light", "dark")

OPENER = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")


class FenceError(ConvfigError):
    """A malformed or invalid fence; ``str()`` is ``"<page>:<line>: <message>"``."""

    def __init__(self, page: str, line: int, message: str) -> None:
        self.page, self.line, self.message = page, line, message
        super().__init__(f"{page}:{line}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, int, str]]:
        return FenceError, (self.page, self.line, self.message)


@dataclass(frozen=True, eq=False)
class Fence:
    """One parsed fence body (not yet checked against the registry)."""

    page: str                     # as shown in messages, e.g. "docs/strides.md"
    line: int                     # 1-based line of the opening ``` (0 when unknown)
    kind: str = ""                # a registry kind, or "" for a ``show:`` block
    show: str = ""                # "gallery" | "shape-table" | "reference" | ""
    params: Mapping[str, Any] = field(default_factory=dict)   # raw values, the registry parses them
    caption: str = ""
    stepper: bool = False
    key_lines: Mapping[str, int] = field(default_factory=dict)  # key -> line in the page

    def where(self, key: str | None = None) -> str:
        return f"{self.page}:{self.key_lines.get(key or '', self.line)}"

    def error(self, message: str, key: str | None = None) -> FenceError:
        return FenceError(self.page, self.key_lines.get(key or "", self.line), message)


@dataclass(frozen=True)
class FenceBlock:
    """Where a fence sits in a page: lines ``start`` (the opener) to ``end`` (the closer), 1-based."""

    start: int
    end: int
    indent: str
    body: str
    hidden: bool = False      # inside an HTML comment


def _unquote(value: str) -> str:
    """Strip one pair of YAML-style quotes around a whole value ('it''s', "say \\"hi\\""), nothing else:
    ``'same' and 'valid'`` stays as it is."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        q, inner = value[0], value[1:-1]
        unescaped = inner.replace("''", "") if q == "'" else inner.replace('\\"', "")
        if q not in unescaped:
            return inner.replace("''", "'") if q == "'" else inner.replace('\\"', '"')
    return value


def parse_body(body: str, page: str = "<fence>", line: int = 0) -> Fence:
    """Read ``key: value`` lines (``line`` = the opener's line; body line i is ``line + i``).

    Blank lines and ``# comments`` are skipped; an indented line continues the previous value.
    """
    raw: dict[str, str] = {}
    lines: dict[str, int] = {}
    last: str | None = None
    for i, text in enumerate(body.splitlines(), start=1):
        where = line + i if line else 0
        if not text.strip() or text.lstrip().startswith("#"):
            last = None if not text.strip() else last
            continue
        if text[0] in " \t" and last is not None:
            raw[last] = (raw[last] + " " + text.strip()).strip()
            continue
        m = KEY_LINE.match(text.strip())
        if not m:
            raise FenceError(page, where, f"expected 'key: value', got {text.strip()!r}")
        key = m["key"]
        if key in raw:
            raise FenceError(page, where, f"{key}: given twice (first on line {lines[key]})")
        raw[key], lines[key], last = (m["value"] or ""), where, key
    values = {k: _unquote(v) for k, v in raw.items()}
    return _fence(values, lines, page, line)


def _nearest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(sorted(choices))})"


def _fence(values: dict[str, str], lines: dict[str, int], page: str, line: int) -> Fence:
    from convfig.render.registry import KINDS

    at = {k: lines.get(k, line) for k in values}
    show = values.pop("show", None)
    if show is not None:
        if show not in SHOW:
            raise FenceError(page, at["show"], f"show: unknown block {show!r}{_nearest(show, list(SHOW))}")
        extra = sorted(values)
        if extra:
            raise FenceError(page, at[extra[0]], f"{extra[0]}: show: {show} takes no other key")
        return Fence(page, line, show=show, key_lines=at)
    kind = values.pop("kind", None)
    if not kind:
        raise FenceError(page, at.get("kind", line), "kind: missing; a convfig fence starts with 'kind: KIND' "
                         f"(one of {', '.join(KINDS)}) or 'show: BLOCK' (one of {', '.join(SHOW)})")
    if kind not in KINDS:
        raise FenceError(page, at["kind"], f"kind: unknown figure kind {kind!r}{_nearest(kind, list(KINDS))}")
    allowed = sorted(KINDS[kind].keys | {"kind"})
    for key in values:
        if key not in allowed:
            raise FenceError(page, at[key], f"{key}: not a key of {kind} figures{_nearest(key, allowed)}")
    caption = values.pop("caption", "")
    stepper = False
    if "stepper" in values:
        word = values.pop("stepper").strip().lower()
        if word not in TRUE | FALSE:
            raise FenceError(page, at["stepper"], f"stepper: must be true or false, got {word!r}")
        stepper = word in TRUE
    return Fence(page, line, kind=kind, params=values, caption=caption, stepper=stepper, key_lines=at)


def check(fence: Fence) -> list:
    """The registry's [light, dark] FigureSpecs for a figure fence (stepper included), within the size
    budget; a bad value raises FenceError on the line of the key the registry names."""
    from convfig.params import ParamError
    from convfig.render import registry

    params: dict[str, Any] = dict(fence.params)
    if fence.stepper:
        params["stepper"] = 1
    try:
        first = registry.make_spec(fence.kind, params, THEMES[0])
        pair = [first, *(dataclasses.replace(first, theme=theme) for theme in THEMES[1:])]   # size checked too
    except ConvfigError as e:
        word = e.key if isinstance(e, ParamError) else re.split(r"[\s:]", str(e), maxsplit=1)[0]
        raise fence.error(f"{fence.kind} figure: {e}", KERAS_NAMES.get(word, word)) from None
    return pair


CONTAINER = re.compile(r"^[ \t]*(?:[!?]{3}\+?[ \t]|===[+!]?[ \t]|[-*+][ \t]|\d+[.)][ \t])")


def _width(line: str) -> int:
    """Indentation of a line in columns (a tab reaches the next multiple of 4)."""
    n = 0
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4 - n % 4
        else:
            break
    return n


def indented_code(lines: list[str]) -> set[int]:
    """Indices of the lines inside Markdown indented code blocks: after a blank line, 4+ columns deeper
    than their container (admonition, tab or list item, whose content is itself 4 deeper). A fence written
    there is an example shown as code, not a figure."""
    out: set[int] = set()
    base = [0]
    prev_blank, in_code = True, False
    for i, line in enumerate(lines):
        if not line.strip():
            prev_blank = True
            if in_code:
                out.add(i)
            continue
        w = _width(line)
        while len(base) > 1 and w < base[-1]:
            base.pop()
        in_code = (in_code or prev_blank) and w >= base[-1] + 4
        if in_code:
            out.add(i)
        elif CONTAINER.match(line):
            base.append(w + 4)
        prev_blank = False
    return out


def find_fences(text: str, hidden: bool = False) -> list[FenceBlock]:
    """The convfig fences of a page, in order. Other fenced code blocks (any length of backticks or
    tildes) are skipped, so an example fence shown inside ````markdown is left alone; fences inside an
    HTML comment are left out too, or returned with ``hidden=True`` when ``hidden`` is set."""
    out: list[FenceBlock] = []
    lines = text.splitlines()
    code = indented_code(lines)
    i, comment = 0, False
    while i < len(lines):
        s = lines[i]
        m = None if i in code else OPENER.match(s)
        if not m:
            if comment:
                comment = "-->" not in s
            elif s.lstrip().startswith("<!--"):
                comment = "-->" not in s[s.find("<!--") + 4:]
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"]
        j = i + 1
        while j < len(lines):
            c = OPENER.match(lines[j])
            if c and c["fence"][0] == fence[0] and len(c["fence"]) >= len(fence) and not c["info"]:
                break
            j += 1
        if info.split(None, 1)[:1] == [LANGUAGE] and (hidden or not comment):
            body = "\n".join(ln[len(indent):] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1:j])
            out.append(FenceBlock(i + 1, min(j, len(lines) - 1) + 1, indent, body, comment))
        i = j + 1
    return out
