"""Figure fences in the site's Markdown: find, validate, and replace them with HTML.

Pages ask for a computed figure with a ```convfig fence (``kind:`` then one ``key: value`` per line,
parsed by ``convfig.mkdocs.fence``); ``show: gallery`` lists every animation of the site and
``show: shape-table`` the generated shape reference.

This module knows nothing about MkDocs: ``collect`` reads pages from a folder, ``validate`` checks the
fences against the figure registry (``convfig.render.registry``), ``rewrite`` rewrites one page's
Markdown once the figures are rendered. ``gen/figures.py`` wires it to mkdocs-gen-files (or to a plain
output folder when run as a script).
"""

from __future__ import annotations

import html
import json
import posixpath
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

SITE_KEYS = ("caption", "stepper")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
THEMES = ("light", "dark")
FIGURES_DIR = "figures"


class DirectiveError(ValueError):
    """A malformed or invalid directive; ``str()`` is ``"<page>:<line>: <message>"``."""

    def __init__(self, page: str, line: int, message: str):
        self.page, self.line, self.message = page, line, message
        super().__init__(f"{page}:{line}: {message}")


@dataclass(frozen=True, eq=False)
class Directive:
    page: str  # path as shown in messages, e.g. "docs/strides.md"
    src: str  # path relative to docs_dir, posix, e.g. "strides.md"
    line: int  # 1-based
    indent: str
    name: str  # "figure", "gallery" or "shape-table"
    kind: str = ""
    params: Mapping[str, object] = field(default_factory=dict)  # render parameters (stepper included)
    caption: str = ""
    end: int = 0  # last line of the fence (its closer)
    fence: object = None  # the parsed convfig.mkdocs.fence.Fence

    @property
    def stepper(self) -> bool:
        return bool(self.params.get("stepper"))

    def where(self) -> str:
        return f"{self.page}:{self.line}"


def _directive(fence, block, src: str) -> Directive:
    name = "figure" if fence.kind else fence.show
    params = dict(fence.params)
    if fence.stepper:
        params["stepper"] = True
    return Directive(fence.page, src, block.start, block.indent, name, fence.kind, params, fence.caption,
                     block.end, fence)


def scan(text: str, page: str, src: str) -> list[Directive]:
    """All ```convfig fences of one page (other code blocks and HTML comments are skipped)."""
    from convfig.mkdocs.fence import FenceError, find_fences, parse_body

    found: list[Directive] = []
    for block in find_fences(text):
        try:
            fence = parse_body(block.body, page, block.start)
        except FenceError as e:
            raise DirectiveError(e.page, e.line, e.message) from None
        found.append(_directive(fence, block, src))
    return found


def collect(docs_dir: str | Path, shown_as: str | None = None) -> dict[str, list[Directive]]:
    """Directives of every docs/**/*.md, keyed by path relative to docs_dir (only pages that have some)."""
    docs = Path(docs_dir)
    shown = shown_as if shown_as is not None else docs.as_posix()
    pages: dict[str, list[Directive]] = {}
    for path in sorted(docs.rglob("*.md")):
        src = path.relative_to(docs).as_posix()
        found = scan(path.read_text(encoding="utf-8"), posixpath.join(shown, src), src)
        if found:
            pages[src] = found
    return pages


# --------------------------------------------------------------------------- registry


def validate(directives: Iterable[Directive]) -> dict[Directive, list]:
    """Check every figure directive against convfig.render.registry; returns directive -> [light, dark] specs.

    The first problem raises DirectiveError naming the page and line.
    """

    from convfig.mkdocs.fence import FenceError, check

    specs: dict[Directive, list] = {}
    for d in directives:
        if d.name != "figure":
            continue
        try:
            pair = check(d.fence)
        except FenceError as e:
            raise DirectiveError(e.page, e.line, e.message) from None
        specs[d] = pair
    return specs


# --------------------------------------------------------------------------- HTML


@dataclass
class FigureFiles:
    """What the renderer produced for one figure (both themes), as paths relative to the site root."""

    name: str
    kind: str
    animated: bool
    width: int
    height: int
    alt: dict[str, str]  # theme -> alt
    steps: list[str]
    frames: int
    main: dict[str, str]  # theme -> gif (animations) or png (diagrams)
    poster: dict[str, str]  # theme -> png
    svg: dict[str, str]  # theme -> svg (diagrams, may be empty)
    frame_dirs: dict[str, str]  # theme -> folder of 000.png ... (stepper only)
    params: dict = field(default_factory=dict)
    delay_ms: int = 900  # stepper playback speed (the animation's typical frame duration)


def page_url_dir(src: str, use_directory_urls: bool) -> str:
    """The folder (relative to the site root) that a page's HTML lands in."""
    stem = posixpath.splitext(src)[0]
    parent = posixpath.dirname(stem)
    if use_directory_urls and posixpath.basename(stem) not in ("index", "README"):
        return stem
    return parent


def rel(target: str, page_dir: str) -> str:
    return posixpath.relpath(target, page_dir or ".")


def _a(value: object) -> str:
    return html.escape(str(value), quote=True)


def figure_html(d: Directive, f: FigureFiles, page_dir: str, anchor: str = "") -> str:
    """The <figure> that replaces one directive (one line per element; no blank lines)."""
    anchor = anchor or f"fig-{f.name}"
    out = [f'<figure class="convfig-figure" id="{_a(anchor)}" data-kind="{_a(f.kind)}">']
    for theme in THEMES:
        suffix = f"#only-{theme}"
        img = (
            f'<img src="{_a(rel(f.main[theme], page_dir))}{suffix}" alt="{_a(f.alt[theme])}" '
            f'width="{f.width}" height="{f.height}" loading="lazy" decoding="async">'
        )
        if f.animated:
            out.append(
                f'<picture class="convfig-{theme}"><source media="(prefers-reduced-motion: reduce)" '
                f'srcset="{_a(rel(f.poster[theme], page_dir))}">{img}</picture>'
            )
        else:
            out.append(f'<picture class="convfig-{theme}">{img}</picture>')
    if d.stepper and f.animated and f.frame_dirs:
        dirs = {t: rel(f.frame_dirs[t], page_dir) + "/" for t in THEMES}
        out.append(
            f'<div class="convfig-stepper" role="group" aria-label="Step through the animation" hidden '
            f'data-search-exclude '
            f'data-count="{f.frames}" data-delay="{f.delay_ms}" data-frames-light="{_a(dirs["light"])}" '
            f'data-frames-dark="{_a(dirs["dark"])}" data-steps="{_a(json.dumps(f.steps))}">'
        )
        out.append(
            '<button type="button" class="md-button convfig-prev" aria-label="Previous step">&#9664; Prev</button>'
            '<button type="button" class="md-button convfig-play">Pause</button>'
            '<button type="button" class="md-button convfig-next" aria-label="Next step">Next &#9654;</button>'
            '<span class="convfig-counter">Animation playing</span>'
        )
        out.append('<p class="convfig-step-text" aria-live="polite"></p>')
        out.append("</div>")
    out.append(f"<figcaption>{html.escape(d.caption)}{downloads_html(f, page_dir)}</figcaption>")
    out.append("</figure>")
    return "\n".join(d.indent + line for line in out)


def downloads_html(f: FigureFiles, page_dir: str, both: bool = False) -> str:
    """Download links; by default only the current theme's (CSS hides the other), `both` lists both."""
    parts = []
    for theme in THEMES:
        links = []
        if f.animated:
            links.append(("GIF", f.main[theme]))
            links.append(("poster PNG", f.poster[theme]))
        else:
            links.append(("PNG", f.main[theme]))
            if theme in f.svg:
                links.append(("SVG", f.svg[theme]))
        a = " · ".join(
            f'<a href="{_a(rel(path, page_dir))}" download>{label}</a>' for label, path in links
        )
        if both:
            parts.append(f'<span class="convfig-dl">{theme.capitalize()}: {a}</span>')
        else:
            parts.append(f'<span class="convfig-only-{theme}">Download: {a}</span>')
    return f' <span class="convfig-downloads" data-search-exclude>{"".join(parts)}</span>'


def cli_command(f: FigureFiles, theme: str = "light") -> str | None:
    """The `convfig gif` command that makes the same animation, when the CLI can express it.

    The CLI picks the renderer from the input's rank (and draws every channel and filter for a 2D input
    with channels or filters > 1), so a figure whose kind it would not pick gets no command. Flags and
    defaults come from the registry's parameter table (convfig.params).
    """
    from convfig.params import cli_words, gif_kind

    params = {k: v for k, v in f.params.items() if k not in SITE_KEYS}
    if not f.animated or "input" not in params:
        return None
    if gif_kind(len(params["input"]), params.get("channels", 1), params.get("filters", 1)) != f.kind:
        return None
    flags = cli_words(params)
    if flags is None:
        return None
    words = ["convfig", "gif", *flags]
    if theme != "light":
        words += ["--theme", theme]
    words += ["-o", posixpath.basename(f.main[theme])]
    return " ".join(shlex.quote(w) for w in words)


def gallery_html(
    entries: list[tuple[Directive, FigureFiles]],
    page_dir: str,
    use_directory_urls: bool,
    indent: str = "",
    titles: Mapping[str, str] | None = None,
) -> str:
    """A grid of every animation on the site: thumbnail, caption, page link, downloads, CLI command."""
    out = ['<div class="convfig-gallery">']
    for d, f in entries:
        if not f.animated:
            continue
        page_link = page_link_from(d.src, page_dir, use_directory_urls)
        out.append(f'<figure class="convfig-card" id="gallery-{_a(f.name)}">')
        for theme in THEMES:
            out.append(
                f'<img src="{_a(rel(f.poster[theme], page_dir))}#only-{theme}" alt="{_a(f.alt[theme])}" '
                f'width="{f.width}" height="{f.height}" loading="lazy" decoding="async">'
            )
        cmd = cli_command(f)
        cmd_html = f"<code>{html.escape(cmd)}</code>" if cmd else ""
        out.append(
            f"<figcaption><strong>{html.escape(d.caption)}</strong> "
            f'<a class="convfig-from" href="{_a(page_link)}">({html.escape((titles or {}).get(d.src, d.src))})</a>'
            f"{downloads_html(f, page_dir, both=True)}{cmd_html}</figcaption>"
        )
        out.append("</figure>")
    out.append("</div>")
    return "\n".join(indent + line for line in out)


def page_link_from(src: str, page_dir: str, use_directory_urls: bool) -> str:
    """Relative link from a page folder to another page (by its source path)."""
    if use_directory_urls:
        target = page_url_dir(src, True)
        link = rel(target or ".", page_dir)
        return "./" if link == "." else link + "/"
    return rel(posixpath.splitext(src)[0] + ".html", page_dir)


def rewrite(
    text: str,
    directives: list[Directive],
    files: Mapping[Directive, FigureFiles],
    src: str,
    use_directory_urls: bool,
    gallery: list[tuple[Directive, FigureFiles]] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The page's Markdown with every directive line replaced by its HTML (blank lines around it)."""
    page_dir = page_url_dir(src, use_directory_urls)
    lines = text.splitlines()
    anchors: dict[Directive, str] = {}
    used: dict[str, int] = {}
    for d in sorted(directives, key=lambda d: d.line):  # ids unique on the page: fig-NAME, fig-NAME-2, ...
        if d.name == "figure":
            base = f"fig-{files[d].name}"
            used[base] = used.get(base, 0) + 1
            anchors[d] = base if used[base] == 1 else f"{base}-{used[base]}"
    for d in sorted(directives, key=lambda d: d.line, reverse=True):
        if d.name == "reference":
            block = ""
        elif d.name == "gallery":
            block = gallery_html(gallery or [], page_dir, use_directory_urls, d.indent, titles)
        elif d.name == "shape-table":
            block = shape_tables(d.indent)
        else:
            block = figure_html(d, files[d], page_dir, anchors[d])
        lines[d.line - 1 : d.end] = ["", block, ""]
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


# --------------------------------------------------------------------------- shape reference


def _axis(n: int, k: int, s: int, d: int, padding: str) -> tuple[str, str]:
    """(zeros, output) along one axis, from the engine; ("—", "—") where Keras refuses."""
    import convfig

    try:
        spec = convfig.ConvSpec.make(input_shape=(n,), channels=1, filters=1, kernel_size=(k,),
                                     strides=(s,), padding=padding, dilation_rate=(d,))
    except convfig.ConvfigError:
        return "—", "—"
    before, after = spec.pads[0]
    return f"({before}, {after})", str(spec.out_spatial[0])


SHAPE_SIZES = (5, 6, 7, 8, 28, 32)
SHAPE_KERNELS = (1, 2, 3, 4, 5)
SHAPE_STRIDES = (1, 2)
DILATION_SIZES = (8, 16, 32)
DILATIONS = (1, 2, 4)
MODES = (("valid", "valid"), ("same", "same"), ("causal", "causal (Conv1D only)"))
REFUSED = "—: the window is longer than the input, so Keras raises an error."


def shape_tables(indent: str = "") -> str:
    """Markdown tables of output length and zeros along one axis, every number from the engine."""
    import convfig

    out: list[str] = ['<div class="convfig-shapes" markdown>', "", "### Strides 1 and 2", ""]
    for mode, title in MODES:
        out += [f"#### {title}", "", "| input `n` | `kernel_size` | `strides` | zeros (before, after) | output |",
                "|---:|---:|---:|:---:|---:|"]
        refused = False
        for n in SHAPE_SIZES:
            for k in SHAPE_KERNELS:
                for s in SHAPE_STRIDES:
                    zeros, length = _axis(n, k, s, 1, mode)
                    refused |= length == "—"
                    out.append(f"| {n} | {k} | {s} | {zeros} | {length} |")
        out += ["", *([REFUSED, ""] if refused else [])]
    out += ["### Dilation", "", "`strides=1` (Keras refuses `strides` > 1 together with `dilation_rate` > 1).", "",
            "| input `n` | `kernel_size` | `dilation_rate` | spans | padding | zeros (before, after) | output |",
            "|---:|---:|---:|---:|:---|:---:|---:|"]
    refused = False
    for n in DILATION_SIZES:
        for d in DILATIONS:
            for mode, _title in MODES:
                zeros, length = _axis(n, 3, 1, d, mode)
                refused |= length == "—"
                span = convfig.arithmetic.effective_kernel(3, d)
                out.append(f"| {n} | 3 | {d} | {span} | `{mode}` | {zeros} | {length} |")
    out += ["", *([REFUSED, ""] if refused else []), "</div>"]
    return "\n".join((indent + line) if line else "" for line in out).rstrip()
