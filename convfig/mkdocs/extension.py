"""The ```convfig fence as a Python-Markdown extension: what Zensical runs, and what the MkDocs plugin adds.

It registers a custom fence ``convfig`` with pymdownx.superfences (loading superfences if the site has
not), so a fence is only what superfences calls a fence: text in inline code, in an indented code block
or inside another fence never becomes a figure. Fences inside HTML comments give nothing.

Under MkDocs the plugin (``convfig.mkdocs.plugin``) passes its ``FigureSite``; without it (Zensical, or
plain Python-Markdown) the extension makes its own from the site config (Zensical's, else
``mkdocs.yml``), renders every figure the pages ask for on first use, and links the files from the
cache into ``site_dir``. Use from mkdocs.yml::

    markdown_extensions:
      - pymdownx.superfences
      - convfig.mkdocs.extension:
          rerun: !!python/object/apply:time.time []   # Zensical only, see the docs page
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from convfig.mkdocs.core import FigureSite, Placed, Settings
from convfig.mkdocs.fence import LANGUAGE, FenceError, find_fences, indented_code

__all__ = ["ConvfigExtension", "makeExtension"]

PRIORITY = 29          # after normalize_whitespace (30), before superfences' fenced blocks (25)
_STANDALONE: dict[tuple, FigureSite] = {}


def _yaml_config(path: Path) -> dict:
    import yaml

    class Loose(yaml.SafeLoader):
        pass

    Loose.add_multi_constructor("", lambda loader, suffix, node: None)   # !ENV, !!python/name: ... -> None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=Loose) or {}  # noqa: S506 (SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}


def _site_config(config_file: str) -> tuple[dict, Path]:
    """Zensical's parsed config when it is the builder, else mkdocs.yml read here; plus its folder."""
    try:
        from zensical.config import get_config

        config = get_config()
        if config:
            return config, Path(config.get("config_file_path") or config_file).resolve().parent
    except ImportError:
        pass
    path = Path(config_file).resolve()
    return _yaml_config(path), path.parent


def _plugin_options(config: dict) -> dict:
    for item in config.get("plugins") or []:
        if isinstance(item, dict) and "convfig" in item:
            return dict(item["convfig"] or {})
    plugins = config.get("plugins")
    if isinstance(plugins, dict) and "convfig" in plugins:   # Zensical's normalised form
        return dict((plugins["convfig"] or {}).get("config", plugins["convfig"]) or {})
    return {}


def standalone_site(config_file: str, options: dict[str, Any]) -> FigureSite:
    """The FigureSite for a build without the plugin, made once per process and site."""
    config, root = _site_config(config_file)
    opts = {**_plugin_options(config), **{k: v for k, v in options.items() if v not in (None, "", 0, False)}}
    docs = (root / config.get("docs_dir", "docs")).resolve()
    cache = Path(os.environ.get("CONVFIG_CACHE") or root / (opts.get("cache_dir") or ".cache/convfig"))
    site_dir = (root / config.get("site_dir", "site")).resolve()
    themes = tuple(opts.get("themes") or ("light", "dark"))
    ident = (str(docs), str(cache), str(site_dir), themes, bool(opts.get("stepper")))
    if ident not in _STANDALONE:
        site = FigureSite(Settings(docs, cache, os.path.relpath(docs, Path.cwd()).replace(os.sep, "/"),
                                   bool(config.get("use_directory_urls", True)), md_relative=True,
                                   site_dir=site_dir, jobs=opts.get("jobs"), themes=themes,
                                   stepper=bool(opts.get("stepper")), nav=config.get("nav")))
        site.prepare()
        _STANDALONE[ident] = site
    return _STANDALONE[ident]


class _Page(Preprocessor):
    """Runs first on every page: which page this is, and a fresh per-page state for the fences."""

    def __init__(self, md: Markdown, ext: ConvfigExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        self.ext.begin_page(self.md, lines)
        return lines


class ConvfigExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "site": ["", "the FigureSite of the MkDocs plugin (set by the plugin; leave unset)"],
            "config_file": ["mkdocs.yml", "the site config to read without the plugin (docs_dir, site_dir, nav)"],
            "cache_dir": ["", "figure cache (default .cache/convfig next to the config file)"],
            "stepper": [False, "default for fences without a stepper key (else the plugin's option)"],
            "jobs": [0, "parallel render jobs (default 0: all cores)"],
            "rerun": ["", "any value that changes every build (Zensical caches pages; see the docs page)"],
        }
        super().__init__(**kwargs)
        self.src = ""
        self.text = ""
        self.used: set[int] = set()
        self.anchors: dict[str, int] = {}
        self.assets_on_page = False
        self.errors: list[FenceError] = []

    # -------------------------------------------------------------- wiring

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.preprocessors.register(_Page(md, self), "convfig_page", PRIORITY)
        if self._superfences(md) is None:
            md.registerExtensions(["pymdownx.superfences"], {})
        self._hook(md)

    @staticmethod
    def _superfences(md: Markdown) -> Any:
        for ext in md.registeredExtensions:
            if hasattr(ext, "extend_super_fences"):
                return ext
        return None

    def _hook(self, md: Markdown) -> None:
        from pymdownx import superfences as sf

        ext = self._superfences(md)
        if ext is None or any(f.get("name") == LANGUAGE for f in ext.superfences):
            return
        ext.extend_super_fences(LANGUAGE, functools.partial(sf._formatter, class_name=LANGUAGE, _fmt=self.format),
                                functools.partial(sf._validator, validator=sf.default_validator),
                                functools.partial(sf._reset, _reset=sf.default_reset))

    @property
    def site(self) -> FigureSite:
        site = self.getConfig("site")
        if not isinstance(site, FigureSite):
            options = {k: self.getConfig(k) for k in ("cache_dir", "stepper", "jobs")}
            site = standalone_site(self.getConfig("config_file"), options)
            if self.getConfig("rerun") in ("", None) and not getattr(site, "warned", False):
                site.warned = True      # type: ignore[attr-defined]
                print("convfig: without `rerun: !!python/object/apply:time.time []` under this extension, "
                      "Zensical's next build would serve cached pages and drop the figure files", file=sys.stderr)
        return site

    @property
    def plugin_mode(self) -> bool:
        return isinstance(self.getConfig("site"), FigureSite)

    # -------------------------------------------------------------- per page

    def begin_page(self, md: Markdown, lines: list[str]) -> None:
        self._hook(md)     # a superfences listed after this extension replaced the one we extended
        self.used, self.anchors, self.assets_on_page, self.errors = set(), {}, False, []
        site = self.site
        src = getattr(site, "current_src", None) if self.plugin_mode else self._zensical_src(md)
        self.src = src or self._guess_src(site, "\n".join(lines))
        path = site.s.docs_dir / self.src if self.src else None
        try:
            self.text = path.read_text(encoding="utf-8") if path else "\n".join(lines)
        except OSError:
            self.text = "\n".join(lines)
        if self.src and site.pages.get(self.src) is not None and self.text != site.texts.get(self.src):
            self._rescan(site)      # edited since the site was prepared (serve)

    def _rescan(self, site: FigureSite) -> None:
        try:
            site.update_page(self.src, self.text)
        except FenceError as e:
            self.fail(e)

    @staticmethod
    def _zensical_src(md: Markdown) -> str | None:
        try:
            from zensical.extensions.context import ContextPreprocessor
        except ImportError:
            return None
        pre = ContextPreprocessor.from_markdown(md)
        return pre.page.path if pre is not None else None

    @staticmethod
    def _guess_src(site: FigureSite, text: str) -> str:
        for src, page in site.texts.items():
            if text.strip() and text.strip() in page:
                return src
        return ""

    def fail(self, error: FenceError) -> None:
        if self.plugin_mode:
            self.errors.append(error)     # the plugin fails the build with it (no traceback)
            return
        from pymdownx.superfences import SuperFencesException

        raise SuperFencesException(str(error))

    # -------------------------------------------------------------- the fence

    def format(self, source: str, language: str, class_name: str, options: Any, md: Markdown,
               **kwargs: Any) -> str:
        site = self.site
        placed = site.find(self.src, source, self.used)
        try:
            if placed is None:
                hidden = [b for b in find_fences(self.text, hidden=True) if b.hidden]
                if any(b.body.strip("\n") == source.strip("\n") for b in hidden):
                    return ""               # inside an HTML comment: not shown, not rendered
                if self._in_indented_code(source):
                    return source           # an example in an indented code block: Markdown shows it as code
                placed = site.placed_from_body(self.src, source, self._line_of(source))
            out = site.html(placed, self.anchors)
        except FenceError as e:
            self.fail(e)
            return ""
        except Exception as e:  # noqa: BLE001  (superfences would swallow it and leave the fence as text)
            line = placed.block.start if placed is not None else self._line_of(source)
            self.fail(FenceError(site.where(self.src), line, f"{type(e).__name__}: {e}"))
            return ""
        if not self.plugin_mode and not self.assets_on_page:
            self.assets_on_page = True
            out = self._assets(placed) + out
        return out

    def _in_indented_code(self, source: str) -> bool:
        """Whether a ```convfig fence with this body sits in a Markdown indented code block of the page."""
        lines = self.text.splitlines()
        code = indented_code(lines)
        want = [ln.strip() for ln in source.strip("\n").splitlines()]
        for i in sorted(code):
            if re.match(r"^\s*(`{3,}|~{3,})\s*" + LANGUAGE, lines[i]):
                body = [ln.strip() for ln in lines[i + 1:i + 1 + len(want)]]
                if body == want and i + len(want) + 1 in code:
                    return True
        return False

    def _line_of(self, source: str) -> int:
        first = source.strip("\n").splitlines()[0].strip() if source.strip() else ""
        lines = self.text.splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^\s*(`{3,}|~{3,})\s*" + LANGUAGE, line) and i + 1 < len(lines) \
                    and lines[i + 1].strip() == first:
                return i + 1
        return 0

    def _assets(self, placed: Placed) -> str:
        """Without the plugin nobody adds our CSS and script to the page: the first fence does."""
        from convfig.mkdocs.html import Links

        links = Links(placed.src, self.site.s.use_directory_urls, self.site.s.md_relative)
        css = links.url("assets/convfig/convfig-figures.css")
        js = links.url("assets/convfig/stepper.js")
        return f'<link rel="stylesheet" href="{css}">\n<script src="{js}" defer></script>\n'


def makeExtension(**kwargs: Any) -> ConvfigExtension:  # noqa: N802 (Python-Markdown's name)
    return ConvfigExtension(**kwargs)
