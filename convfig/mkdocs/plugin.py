"""The MkDocs plugin: ``plugins: [convfig]`` and every ```convfig fence of the site becomes a figure.

on_config adds the Markdown extension (``convfig.mkdocs.extension``, with superfences) and our CSS and
script; on_files checks every fence, renders what the cache lacks (in parallel) and hands each figure
file to MkDocs straight from the cache (a hard link into the site where the file system allows);
on_page_content fails the build on a bad fence with ``docs/page.md:LINE`` (also without --strict).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, cast

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from convfig.mkdocs import serve
from convfig.mkdocs.core import ASSET_FILES, FigureSite, Settings
from convfig.mkdocs.extension import ConvfigExtension
from convfig.mkdocs.fence import FenceError
from convfig.render.cache import link_or_copy

__all__ = ["ConvfigConfig", "ConvfigPlugin"]

log = logging.getLogger("mkdocs.plugins.convfig")
EXTENSION_NAMES = ("convfig.mkdocs.extension", "convfig")


class ConvfigConfig(base.Config):
    enabled = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/convfig")   # relative to mkdocs.yml's folder; CONVFIG_CACHE wins
    jobs = c.Optional(c.Type(int))                       # parallel renders (default: every core)
    themes = c.ListOfItems(c.Choice(("light", "dark")), default=["light", "dark"])
    stepper = c.Type(bool, default=False)                # step-through viewer for fences that do not say
    # downloads/convfig-slide-pack.zip, every animation as GIF + MP4 at 1920x1080: built in the build (true), or
    # built apart by `convfig slide-pack --docs DOCS` and linked from the cache when there ("separate")
    slide_pack = c.Choice((False, True, "separate"), default=False)


class _Linked(File):
    """A site file whose source is a cache entry: linked (not copied) into site_dir when possible."""

    later: list[_Linked] | None = None      # serve: files still being encoded are linked after the pages

    def copy_file(self, dirty: bool = False) -> None:
        if self.later is not None and not Path(self.abs_src_path or "").exists():
            self.later.append(self)
            return
        if dirty and not self.is_modified():
            return
        link_or_copy(Path(self.abs_src_path or ""), Path(self.abs_dest_path))


class _Pending(File):
    """The slide pack of ``slide_pack: separate`` before `convfig slide-pack --docs` has built it: the link
    is valid, the file comes when that command writes it into the site."""

    def copy_file(self, dirty: bool = False) -> None:
        log.info("convfig: the slide pack is not built yet; `convfig slide-pack --docs %s -o %s` makes it",
                 self.abs_src_path, self.abs_dest_path)


class ConvfigPlugin(BasePlugin[ConvfigConfig]):
    def __init__(self) -> None:
        self.site: FigureSite | None = None
        self.ext: ConvfigExtension | None = None
        self.serving = False
        self.observer: Any = None
        self.later: list[_Linked] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        docs = Path(config.docs_dir).resolve()
        cache = Path(os.environ.get("CONVFIG_CACHE") or root / self.config.cache_dir)
        try:
            shown = docs.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            shown = docs.as_posix()
        self.site = FigureSite(Settings(docs, cache, shown, bool(config.use_directory_urls), jobs=self.config.jobs,
                                        themes=tuple(self.config.themes), stepper=self.config.stepper,
                                        nav=config.nav, later=self.serving))
        self.ext = ConvfigExtension(site=self.site)
        # the extension may be listed for Zensical too: under MkDocs the plugin's own instance serves
        for name in EXTENSION_NAMES:
            while name in config.markdown_extensions:
                config.markdown_extensions.remove(name)
            config.mdx_configs.pop(name, None)
        config.markdown_extensions.append(self.ext)
        for path in ASSET_FILES:   # first, so the site's own CSS can override ours
            target = config.extra_css if path.endswith(".css") else config.extra_javascript
            if path not in [str(p) for p in target]:
                target.insert(0, path)
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        if self.site is None:
            return files
        t0 = time.perf_counter()
        self.later.clear()
        pages = {f.src_uri: Path(f.abs_src_path).read_text(encoding="utf-8")
                 for f in files.documentation_pages() if f.abs_src_path}
        try:
            stats = self.site.prepare(pages)
        except FenceError as e:
            raise PluginError(str(e)) from None
        wanted = {**ASSET_FILES, **self.site.files()}
        pending = None
        if self.config.slide_pack:
            pending = self._slide_pack(wanted)
        for site_path, source in wanted.items():
            if files.get_file_from_path(site_path) is None:
                linked = cast(_Linked, _Linked.generated(config, site_path, abs_src_path=str(source)))
                linked.later = self.later if self.site.pending else None
                files.append(linked)
        if pending is not None and files.get_file_from_path(pending) is None:
            # its source is the docs folder, named in the message that says how to make the pack
            files.append(_Pending.generated(config, pending, abs_src_path=str(self.site.s.docs_dir)))
        log.info("convfig: %s fences on %s pages, %s figures (%s rendered) in %.2f s", stats["fences"],
                 stats["pages"], stats["figures"], stats["rendered"], time.perf_counter() - t0)
        return files

    def _slide_pack(self, wanted: dict[str, Path]) -> str | None:
        """Put the slide pack into ``wanted`` (built now for ``true``); the site path when it is still to come."""
        from convfig.render.slides import SITE_PATH, cached_slide_pack, pack_file

        assert self.site is not None
        packs = sorted(self.site.cache.root.glob("slide-pack-*.zip"), key=lambda p: p.stat().st_mtime)
        if self.serving and packs:       # a preview links the last pack built (no need to key every animation)
            path = packs[-1]
        else:
            path = pack_file(self.site.wanted(), self.site.cache.root)
        if not path.is_file() and self.config.slide_pack is True:
            path = cached_slide_pack(self.site.wanted(), self.site.cache.root, self.config.jobs)
        if path.is_file():
            wanted[SITE_PATH] = path
            return None
        return SITE_PATH

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        serve.start()
        self.observer = serve.watch_docs(server, str(config.docs_dir))
        return server

    def on_shutdown(self) -> None:
        serve.stop()
        if self.observer is not None:
            self.observer.stop()
            self.observer = None

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = serve.TEMPLATES
        return env

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        if self.site is not None:
            self.site.current_src = page.file.src_uri
        return markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        if self.ext is not None and self.ext.errors:
            raise PluginError(str(self.ext.errors[0]))
        return html

    def on_post_build(self, config: Any) -> None:
        """Serve: the edited figure's files were encoded while the pages built; link them now."""
        if self.site is not None:
            self.site.finish()
        later, self.later[:] = list(self.later), []
        for f in later:
            link_or_copy(Path(f.abs_src_path or ""), Path(f.abs_dest_path))
