"""The HTML a fence becomes: a figure (light + dark, lazy, reduced-motion poster, step-through viewer,
escaped caption and alt), the gallery of every animation, the shape reference and the key reference.

Pure functions over data: no MkDocs, no Markdown. ``Links`` says how a site path is written on one page
(MkDocs wants URLs relative to the page's URL; Zensical rewrites paths in raw HTML as if relative to
the .md file, except in ``data-`` attributes).
"""

from __future__ import annotations

import html
import json
import posixpath
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FigureFiles", "GalleryEntry", "Links", "figure_html", "gallery_html", "page_url_dir", "reference_markdown",
           "shape_tables"]


@dataclass
class FigureFiles:
    """One rendered figure in every theme, as paths relative to the site root."""

    name: str
    kind: str
    animated: bool
    width: int
    height: int
    alt: dict[str, str]            # theme -> alt text
    steps: list[str]
    frames: int
    main: dict[str, str]           # theme -> gif (animations) or png (diagrams)
    poster: dict[str, str]         # theme -> png
    svg: dict[str, str]            # theme -> svg (diagrams that have one)
    frame_dirs: dict[str, str]     # theme -> folder of 000.png ... (stepper only)
    params: dict = field(default_factory=dict)
    delay_ms: int = 900            # step-through playback speed (the animation's typical frame time)


def page_url_dir(src: str, use_directory_urls: bool) -> str:
    """The folder (relative to the site root) that a page's HTML lands in.

    >>> page_url_dir("strides.md", True), page_url_dir("a/b.md", False), page_url_dir("index.md", True)
    ('strides', 'a', '')
    """
    stem = posixpath.splitext(src)[0]
    if use_directory_urls and posixpath.basename(stem) not in ("index", "README"):
        return stem
    return posixpath.dirname(stem)


def _rel(target: str, start: str) -> str:
    """posixpath.relpath for two paths relative to the same root, without asking the file system.

    >>> _rel("figures/x.gif", "a/b"), _rel("a/b/c", "a"), _rel("a", "a"), _rel("x", "")
    ('../../figures/x.gif', 'b/c', '.', 'x')
    """
    t = [p for p in target.split("/") if p and p != "."]
    s = [p for p in start.split("/") if p and p != "."]
    n = 0
    while n < min(len(t), len(s)) and t[n] == s[n]:
        n += 1
    return "/".join([".."] * (len(s) - n) + t[n:]) or "."


@dataclass(frozen=True)
class Links:
    """How one page writes site paths. ``md_relative``: src/href/srcset relative to the .md file (the
    page builder rewrites them: Zensical); otherwise everything is relative to the page's URL (MkDocs).

    >>> Links("a/b.md", True).url("figures/x.gif"), Links("a/b.md", True).data("figures/x")
    ('../../figures/x.gif', '../../figures/x')
    >>> Links("a/b.md", True, md_relative=True).url("figures/x.gif")
    '../figures/x.gif'
    """

    src: str
    use_directory_urls: bool = True
    md_relative: bool = False

    @property
    def page_dir(self) -> str:
        return page_url_dir(self.src, self.use_directory_urls)

    def url(self, site_path: str) -> str:
        return _rel(site_path, posixpath.dirname(self.src) if self.md_relative else self.page_dir)

    def data(self, site_path: str) -> str:
        """For data- attributes, read by our script against the page URL (nobody rewrites them)."""
        return _rel(site_path, self.page_dir)

    def page(self, other_src: str) -> str:
        """A link to another page by its source path."""
        if self.md_relative:
            return _rel(other_src, posixpath.dirname(self.src))
        if self.use_directory_urls:
            link = _rel(page_url_dir(other_src, True) or ".", self.page_dir)
            return "./" if link == "." else link + "/"
        return _rel(posixpath.splitext(other_src)[0] + ".html", self.page_dir)


def _a(value: object) -> str:
    return html.escape(str(value), quote=True)


def figure_html(f: FigureFiles, caption: str, links: Links, anchor: str, stepper: bool,
                themes: Sequence[str] = ("light", "dark"), playground: str | None = None) -> str:
    """The <figure> for one fence; caption and alt text are escaped (they are text, never HTML)."""
    out = [f'<figure class="convfig-figure" id="{_a(anchor)}" data-kind="{_a(f.kind)}">']
    for theme in themes:
        suffix = f"#only-{theme}" if len(themes) > 1 else ""
        img = (f'<img src="{_a(links.url(f.main[theme]))}{suffix}" alt="{_a(f.alt[theme])}" '
               f'width="{f.width}" height="{f.height}" loading="lazy" decoding="async">')
        if f.animated:
            out.append(f'<picture class="convfig-{theme}"><source media="(prefers-reduced-motion: reduce)" '
                       f'srcset="{_a(links.url(f.poster[theme]))}">{img}</picture>')
        else:
            out.append(f'<picture class="convfig-{theme}">{img}</picture>')
    if stepper and f.animated and f.frame_dirs:
        frames = " ".join(f'data-frames-{t}="{_a(links.data(f.frame_dirs[t]) + "/")}"' for t in themes)
        out.append(
            f'<div class="convfig-stepper" role="group" aria-label="Step through the animation" hidden '
            f'data-search-exclude data-count="{f.frames}" data-delay="{f.delay_ms}" {frames} '
            f'data-steps="{_a(json.dumps(f.steps))}">'
            '<button type="button" class="md-button convfig-prev" aria-label="Previous step">&#9664; Prev</button>'
            '<button type="button" class="md-button convfig-play">Pause</button>'
            '<button type="button" class="md-button convfig-next" aria-label="Next step">Next &#9654;</button>'
            '<span class="convfig-counter">Animation playing</span>'
            '<p class="convfig-step-text" aria-live="polite"></p></div>'
        )
    state = playground_state(f.kind, f.params) if playground else None
    more = (f' <a class="convfig-playground-link" href="{_a(links.page(playground) + state)}" data-search-exclude>'
            "Open in playground</a>" if playground and state else "")
    out.append(f"<figcaption>{html.escape(caption)}{downloads_html(f, links, themes)}{more}</figcaption>")
    out.append("</figure>")
    return "\n".join(out)


PLAYGROUND_KINDS = ("conv1d", "conv2d", "conv3d", "channels")
PLAYGROUND_KEYS = ("input", "kernel", "strides", "padding", "dilation", "groups", "channels", "filters", "seed")
# your own numbers in the playground's address: the CLI's flags without "--"
PLAYGROUND_NUMBERS = {"values": "values", "kernel_values": "kernel-values", "bias": "bias"}


def playground_state(kind: str, params: Mapping[str, Any]) -> str | None:
    """The playground address (``#input=7x7&kernel=3&...``, the CLI's keys and syntax) of a conv figure, or
    None for another kind. A figure's own numbers go along (``values``, ``kernel-values``, ``bias``: rows
    split by ';', numbers by ','); a named example (edge, impulse, photo, ...) gives the numbers it draws.

    >>> playground_state("conv2d", {"input": [7, 7], "kernel": [3, 3], "strides": [2, 2], "padding": "same"})
    '#input=7x7&kernel=3&strides=2&padding=same'
    >>> playground_state("conv1d", {"input": [4], "kernel": [3], "values": [0, 1, 2, 3], "kernel_values": "sobel-x"})
    '#input=4&kernel=3&values=0,1,2,3&kernel-values=sobel-x'
    >>> playground_state("conv2d", {"input": [2, 3], "kernel": [2, 2], "strides": [1, 1], "dilation": [1, 1],
    ...                             "example": "edge"})
    '#input=2x3&kernel=2&strides=1&dilation=1&values=0,3,3;0,3,3&kernel-values=-1,1;-1,1'
    """
    if kind not in PLAYGROUND_KINDS:
        return None
    parts = []
    for key in PLAYGROUND_KEYS:
        if key not in params:
            continue
        v = params[key]
        if isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple)):
            text = ",".join(f"{b}:{a}" for b, a in v)         # per-axis (before, after) padding
        elif isinstance(v, (list, tuple)):
            text = "x".join(str(i) for i in (v[:1] if key != "input" and len(set(v)) == 1 else v))
        else:
            text = str(v)
        parts.append(f"{key}={text}")
    for key, text in _numbers_words(params).items():
        parts.append(f"{PLAYGROUND_NUMBERS[key]}={text}")
    return "#" + "&".join(parts)


def _numbers_words(params: Mapping[str, Any]) -> dict[str, str]:
    """The figure's own numbers as the CLI writes them, rows along the last axis (Keras' layouts: input
    (*input, channels), kernel (*kernel, channels // groups, filters)); a named example's resolved ones."""
    given: dict[str, Any] = {k: params[k] for k in PLAYGROUND_NUMBERS if params.get(k) is not None}
    inp = tuple(params["input"])
    channels, filters = int(params.get("channels", 1)), int(params.get("filters", 1))
    cg = channels // max(1, int(params.get("groups", 1)))
    if params.get("example", "random") != "random":
        from convfig.render.samples import example_trace

        tr = example_trace(params)                    # what the figure draws, your numbers included
        given = {"values": tr.x.ravel().tolist(), "kernel_values": tr.kernel.ravel().tolist()}
        if tr.bias.any():
            given["bias"] = tr.bias.ravel().tolist()
    rows = {"values": channels if channels > 1 else inp[-1],
            "kernel_values": filters if (cg, filters) != (1, 1) else int(params["kernel"][-1]), "bias": 0}
    out = {}
    for key, value in given.items():
        if isinstance(value, str):                    # a named kernel
            out[key] = value
            continue
        words = [str(int(v)) if float(v).is_integer() else str(float(v)) for v in value]
        step = rows[key] if rows[key] and len(words) > rows[key] else len(words)
        out[key] = ";".join(",".join(words[i:i + step]) for i in range(0, len(words), step))
    return out


def downloads_html(f: FigureFiles, links: Links, themes: Sequence[str], both: bool = False) -> str:
    """Download links; by default only the current theme's (CSS hides the other), ``both`` lists both."""
    parts = []
    for theme in themes:
        files = ([("GIF", f.main[theme]), ("poster PNG", f.poster[theme])] if f.animated else
                 [("PNG", f.main[theme])] + ([("SVG", f.svg[theme])] if theme in f.svg else []))
        a = " · ".join(f'<a href="{_a(links.url(path))}" download>{label}</a>' for label, path in files)
        if both or len(themes) == 1:
            parts.append(f'<span class="convfig-dl">{theme.capitalize()}: {a}</span>')
        else:
            parts.append(f'<span class="convfig-only-{theme}">Download: {a}</span>')
    return f' <span class="convfig-downloads" data-search-exclude>{"".join(parts)}</span>'


def cli_command(f: FigureFiles, theme: str = "light") -> str | None:
    """The ``convfig gif`` command that makes the same animation, when the CLI can express it.

    The CLI picks the kind from the input's rank (and channels/filters), so a figure of another kind
    gets no command. Flags and defaults come from the one parameter table (convfig.params).
    """
    from convfig.params import cli_words, gif_kind
    from convfig.render.registry import gif_words

    params = {k: v for k, v in f.params.items() if k not in ("caption", "stepper")}
    if not f.animated or "input" not in params:
        return None
    layer_words = gif_words(f.kind, params)       # transposed conv and pooling: convfig gif --layer ...
    if layer_words is not None:
        return " ".join(shlex.quote(w) for w in ["convfig", "gif", *layer_words,
                                                 *(["--theme", theme] if theme != "light" else []),
                                                 "-o", posixpath.basename(f.main[theme])])
    if gif_kind(len(params["input"]), params.get("channels", 1), params.get("filters", 1)) != f.kind:
        return None
    flags = cli_words(params)
    if flags is None:
        return None
    words = ["convfig", "gif", *flags, *(["--theme", theme] if theme != "light" else [])]
    return " ".join(shlex.quote(w) for w in [*words, "-o", posixpath.basename(f.main[theme])])


@dataclass(frozen=True)
class GalleryEntry:
    files: FigureFiles
    caption: str
    src: str           # the page the figure is on
    title: str         # that page's title


def gallery_html(entries: Sequence[GalleryEntry], links: Links, themes: Sequence[str]) -> str:
    """A grid of every animation on the site: poster, caption, page link, downloads, CLI command."""
    out = ['<div class="convfig-gallery">']
    for e in entries:
        f = e.files
        out.append(f'<figure class="convfig-card" id="gallery-{_a(f.name)}">')
        for theme in themes:
            suffix = f"#only-{theme}" if len(themes) > 1 else ""
            out.append(f'<img src="{_a(links.url(f.poster[theme]))}{suffix}" alt="{_a(f.alt[theme])}" '
                       f'width="{f.width}" height="{f.height}" loading="lazy" decoding="async">')
        cmd = cli_command(f)
        out.append(
            f"<figcaption><strong>{html.escape(e.caption)}</strong> "
            f'<a class="convfig-from" href="{_a(links.page(e.src))}">({html.escape(e.title)})</a>'
            f"{downloads_html(f, links, themes, both=True)}"
            f"{f'<code>{html.escape(cmd)}</code>' if cmd else ''}</figcaption>"
        )
        out.append("</figure>")
    out.append("</div>")
    return "\n".join(out)


# --------------------------------------------------------------------------- generated tables (Markdown)


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


def shape_tables() -> str:
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
    return "\n".join(out)


_ALLOWED = {"sizes": "integers joined by `x`: `8`, `5x5`, `4x4x4`", "axis": "one integer, or one per axis: `3`, `3x1`",
            "padding": "`valid`, `same`, `causal` (1D), `full`, an integer, or `before:after` per axis",
            "count": "an integer", "int": "an integer", "text": "text (escaped: shown as written)",
            "numbers": "numbers: rows split by `;`, numbers by `,` (`0,1;2,3`), one number for all, a `.npy`/`.csv` "
                       "file; kernel_values also `sobel-x`, `sobel-y`, `blur`, `sharpen`, `laplacian`, `identity`"}


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):
        return "`" + "x".join(str(v) for v in value) + "`"
    return f"`{value}`"


def reference_markdown(kinds: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None,
                       page_keys: Mapping[str, tuple[Any, str, str]] | None = None) -> str:
    """Markdown: one table per figure kind (key, default, allowed values, meaning), from the registry."""
    from convfig.params import PARAMS
    from convfig.render.registry import KINDS

    kinds = KINDS if kinds is None else kinds
    params = PARAMS if params is None else params
    page_keys = page_keys or {}
    out = ['<div class="convfig-reference" markdown>', ""]
    for name, kind in kinds.items():
        what = "animation (GIF + poster PNG)" if kind.animated else "diagram (PNG, SVG when the kind has one)"
        out += [f"### `{name}`", "", f"{kind.description[:1].upper()}{kind.description[1:]}. An {what}.", "",
                "| key | default | allowed | meaning |", "|---|---|---|---|",
                f"| `kind` | | `{name}` | the figure kind |"]
        for key, default in kind.defaults.items():
            p = params.get(key)
            rule = _ALLOWED.get(p.parse, "") if p is not None else ""
            if p is not None and p.maximum is not None:
                rule += f", {p.minimum} to {p.maximum}"
            helptext = (p.help if p is not None else "").replace("|", "\\|")
            out.append(f"| `{key}` | {_shown(default)} | {rule} | {helptext} |")
        for key, (default, rule, helptext) in page_keys.items():
            out.append(f"| `{key}` | {_shown(default)} | {rule} | {helptext} |")
        out.append("")
    out.append("</div>")
    return "\n".join(out)

