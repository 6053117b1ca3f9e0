"""One site's figures, whoever builds it (the MkDocs plugin, the Markdown extension under Zensical).

``FigureSite.prepare()`` scans every page of docs_dir for ```convfig fences, checks them (the first bad
one raises FenceError with page:line), and renders the figures the content-addressed cache lacks, in
parallel. Files go to the site straight from the cache: ``files()`` maps each site path
(``figures/<name>-<theme>.gif`` ...) to its cache file (``<cache>/<key>.gif``); nothing is copied
into a second folder. ``html(src, body)`` is what one fence becomes on one page.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from convfig.mkdocs import html as H
from convfig.mkdocs import serve
from convfig.mkdocs.fence import Fence, FenceBlock, FenceError, check, find_fences, parse_body
from convfig.mkdocs.nav import nav_pages
from convfig.render.batch import parallel_map
from convfig.render.cache import Cache, cache_key, link_or_copy, plan_entry, render_files
from convfig.render.types import FigureSpec

__all__ = ["FigureSite", "Settings"]

FIGURES_DIR = "figures"
IN_PROCESS = 2          # this many figures (one fence, two themes) render here, faster than starting workers
ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_FILES = {"assets/convfig/convfig-figures.css": ASSETS / "convfig-figures.css",
               "assets/convfig/stepper.js": ASSETS / "stepper.js"}
PAGE_KEYS = {
    "caption": (None, "text (escaped: shown as written)", "the sentence under the figure; never changes pixels"),
    "stepper": (False, "`true` or `false` (default: the plugin's `stepper` option)",
                "Prev / Play / Next buttons with a text for every step (animations)"),
}


_SCANNED: dict[tuple, tuple] = {}     # (docs name, stepper default, src, text) -> its Placed fences


@dataclass
class Settings:
    docs_dir: Path
    cache_dir: Path
    shown_docs: str = "docs"            # how docs_dir is named in messages (docs/page.md:LINE)
    use_directory_urls: bool = True
    md_relative: bool = False           # Zensical: paths in raw HTML are rewritten from the .md file
    site_dir: Path | None = None        # Zensical: figures are linked into it while pages render
    jobs: int | None = None
    themes: tuple[str, ...] = ("light", "dark")
    stepper: bool = False               # the default for fences without a stepper key
    nav: Any = None
    later: bool = False                 # serve: encode an edited figure's files while the pages build


def _fill(spec: FigureSpec, root: str) -> str:
    """Render one figure into the cache (a module-level function, so pool workers can run it)."""
    render_files(spec, Cache(root))
    return spec.name


def _cost(spec: FigureSpec) -> int:
    """A rough rendering cost: animations by their input size (frames grow with it), diagrams last."""
    size = 1
    for n in spec.params.get("input") or [1]:
        size *= int(n) if isinstance(n, int) else 1
    return size * (100 if spec.animated else 1)


@dataclass(eq=False)
class Placed:
    """A checked fence on a page: where it is, what it asks for, the specs that draw it."""

    src: str
    block: FenceBlock
    fence: Fence
    specs: list[FigureSpec] = field(default_factory=list)


class FigureSite:
    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.cache = Cache(settings.cache_dir)
        self.pages: dict[str, list[Placed]] = {}
        self.texts: dict[str, str] = {}
        self.current_src: str | None = None      # set by the MkDocs plugin before each page renders
        self.titles: dict[str, str] = {}
        self.order: list[str] = []
        self._stepper_of: dict[str, list[FigureSpec]] = {}   # figure without stepper -> its stepper variant
        self._meta: dict[str, dict] = {}
        self._examples: list[Placed] | None = None
        self._keys: dict[int, tuple[FigureSpec, str]] = {}
        self.rendered = 0
        self.pending: list[Future] = []       # files still being encoded (render with Settings.later)
        self.linked: set[str] = set()

    # ------------------------------------------------------------------ scanning and rendering

    def where(self, src: str) -> str:
        return posixpath.join(self.s.shown_docs, src)

    def scan_page(self, src: str, text: str) -> list[Placed]:
        """The checked fences of one page; a page read before with the same text and settings (the
        rebuilds of ``mkdocs serve``) is not parsed and checked again."""
        memo = (self.s.shown_docs, self.s.stepper, src, text)
        if memo in _SCANNED:
            return list(_SCANNED[memo])
        placed = []
        for block in find_fences(text):
            fence = parse_body(block.body, self.where(src), block.start)
            specs = check(self._with_default(fence)) if fence.kind else []
            placed.append(Placed(src, block, fence, specs))
        if len(_SCANNED) > 1000:
            _SCANNED.clear()
        _SCANNED[memo] = tuple(placed)
        return placed

    def _with_default(self, fence: Fence) -> Fence:
        if self.s.stepper and "stepper" not in fence.key_lines and not fence.stepper:
            return Fence(fence.page, fence.line, fence.kind, fence.show, fence.params, fence.caption, True,
                         fence.key_lines)
        return fence

    def scan(self, pages: Mapping[str, str] | None = None) -> None:
        """Read and check every page (``pages``: src -> text; default: every .md under docs_dir)."""
        if pages is None:
            docs = self.s.docs_dir
            pages = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
                     for p in sorted(docs.rglob("*.md"))}
        self.texts = dict(pages)
        self.pages = {src: self.scan_page(src, text) for src, text in pages.items()}
        in_nav = nav_pages(self.s.nav)
        self.order = list(in_nav)
        self.titles = {src: title for src, title in in_nav.items() if title is not None}
        for src, text in pages.items():
            if src not in self.titles:
                m = re.search(r"^#\s+(.+?)\s*#*\s*$", text, flags=re.M)
                self.titles[src] = m[1] if m else posixpath.splitext(posixpath.basename(src))[0]
        self._steppers()

    def _steppers(self) -> None:
        self._stepper_of = {}
        for p in self.placed():
            if p.fence.kind and p.specs[0].params.get("stepper"):
                self._stepper_of[self._base(p.specs[0])] = p.specs

    def update_page(self, src: str, text: str) -> int:
        """One page changed (serve): scan it again and render only the figures the cache lacks."""
        self.pages[src] = self.scan_page(src, text)
        self.texts[src] = text
        self._steppers()
        return self.render(self.wanted())

    def placed(self) -> Iterable[Placed]:
        for src in sorted(self.pages, key=self._rank):
            yield from self.pages[src]

    def _rank(self, src: str) -> tuple[int, str]:
        return (self.order.index(src) if src in self.order else len(self.order), src)

    @staticmethod
    def _base(spec: FigureSpec) -> str:
        return json.dumps([spec.kind, spec.theme, {k: v for k, v in spec.params.items() if k != "stepper"}],
                          sort_keys=True)

    def specs_for(self, specs: list[FigureSpec]) -> list[FigureSpec]:
        """The specs a fence is drawn from: its stepper variant when any fence of the site asks for one
        (one render serves both)."""
        return self._stepper_of.get(self._base(specs[0]), specs)

    def wanted(self) -> list[FigureSpec]:
        seen: dict[str, FigureSpec] = {}
        lists = [self.specs_for(p.specs) for p in self.placed() if p.specs]
        if any(p.fence.show == "examples" for p in self.placed()):
            lists += [self.specs_for(e.specs) for e in self.examples()]
        for specs in lists:
            for spec in specs:
                if spec.theme in self.s.themes:
                    seen.setdefault(self.key(spec), spec)
        return list(seen.values())

    def _with_examples(self) -> Iterable[Placed]:
        """Every figure fence in nav order, a ``show: examples`` block standing for its figures."""
        for p in self.placed():
            if p.fence.show == "examples":
                yield from (Placed(p.src, e.block, e.fence, e.specs) for e in self.examples())
            else:
                yield p

    def examples(self) -> list[Placed]:
        """One fence per registry kind, with the kind's defaults (so a new kind gets its example)."""
        from convfig.render.registry import KINDS

        if self._examples is not None:
            return self._examples
        out = []
        for kind in KINDS:
            body = f"kind: {kind}\ncaption: {kind} with its default parameters"
            fence = parse_body(body, "<examples>", 0)
            out.append(Placed("", FenceBlock(0, 0, "", body), fence, check(fence)))
        self._examples = out
        return out

    def render(self, specs: list[FigureSpec]) -> int:
        """Render what the cache lacks (in parallel); returns how many were rendered. With ``later``
        (serve, one edited fence) the figures are drawn here and their files encoded on threads while
        the pages build: ``finish()`` waits for them."""
        todo = [s for s in specs if not self.cache.path(self.key(s), "json").is_file()
                and self.key(s) not in self._meta]
        todo.sort(key=_cost, reverse=True)          # the longest first: the workers finish together
        if self.s.later and 0 < len(todo) <= IN_PROCESS:
            for s in todo:          # the page is written from the plan; a worker process draws the files
                self._meta[self.key(s)] = plan_entry(s)
                self.pending.append(serve.workers().submit(_fill, s, str(self.cache.root)))
            self.rendered += len(todo)
            return len(todo)
        # one edited fence under serve: render here, no worker start-up; spawn is safe in a threaded host
        jobs = 1 if len(todo) <= IN_PROCESS else self.s.jobs
        parallel_map(_fill, [(s, str(self.cache.root)) for s in todo], jobs, "spawn")
        self.rendered += len(todo)
        return len(todo)

    def finish(self) -> None:
        """Wait for the files ``render`` is still encoding (their errors raise here)."""
        pending, self.pending = self.pending, []
        for fut in pending:
            fut.result()

    def prepare(self, pages: Mapping[str, str] | None = None) -> dict[str, int]:
        self.scan(pages)
        specs = self.wanted()
        rendered = self.render(specs)
        return {"pages": len(self.pages), "fences": sum(len(v) for v in self.pages.values()),
                "figures": len(specs), "rendered": rendered}

    def key(self, spec: FigureSpec) -> str:
        """cache_key, remembered per spec object for this build (a site asks for each many times)."""
        hit = self._keys.get(id(spec))
        if hit is None or hit[0] is not spec:
            hit = self._keys[id(spec)] = (spec, cache_key(spec))
        return hit[1]

    # ------------------------------------------------------------------ files

    def meta(self, spec: FigureSpec) -> dict:
        key = self.key(spec)
        if key not in self._meta:
            path = self.cache.path(key, "json")
            if not path.is_file():
                self.render([spec])
            self._meta[key] = json.loads(path.read_text(encoding="utf-8"))
        return self._meta[key]

    def spec_files(self, spec: FigureSpec) -> dict[str, Path]:
        """Site path -> cache file for one figure in one theme."""
        key, meta = self.key(spec), self.meta(spec)
        stem = f"{FIGURES_DIR}/{spec.name}-{spec.theme}"
        out = {f"{stem}.{ext}": self.cache.path(key, ext) for ext in meta["files"]}
        for i in range(int(meta.get("frame_pngs", 0))):
            out[f"{stem}/{i:03d}.png"] = self.cache.root / f"{key}-frames" / f"{i:03d}.png"
        return out

    def files(self) -> dict[str, Path]:
        """Every figure file of the site: site path -> cache file."""
        out: dict[str, Path] = {}
        for spec in self.wanted():
            out.update(self.spec_files(spec))
        return out

    def figure_files(self, specs: list[FigureSpec]) -> H.FigureFiles:
        metas = {s.theme: self.meta(s) for s in specs if s.theme in self.s.themes}
        first = specs[0]
        stem = {t: f"{FIGURES_DIR}/{first.name}-{t}" for t in metas}
        m = metas[self.s.themes[0]]
        durations = sorted(int(x) for x in m.get("durations_ms") or [900])
        return H.FigureFiles(
            name=first.name, kind=first.kind, animated=first.animated, width=int(m["width"]),
            height=int(m["height"]), alt={t: v.get("alt", "") for t, v in metas.items()},
            steps=[str(x) for x in m.get("steps", [])], frames=int(m.get("frames", 1)),
            main={t: f"{stem[t]}.{'gif' if first.animated else 'png'}" for t in metas},
            poster={t: f"{stem[t]}.png" for t in metas},
            svg={t: f"{stem[t]}.svg" for t, v in metas.items() if "svg" in v.get("files", [])},
            frame_dirs={t: stem[t] for t, v in metas.items() if v.get("frame_pngs")},
            params=dict(first.params), delay_ms=max(300, durations[len(durations) // 2]),
        )

    # ------------------------------------------------------------------ HTML

    def find(self, src: str, body: str, used: set[int]) -> Placed | None:
        """The scanned fence of page ``src`` with this body (the first one not used yet)."""
        want = body.strip("\n")
        for p in self.pages.get(src, []):
            if id(p) not in used and p.block.body.strip("\n") == want:
                used.add(id(p))
                return p
        return None

    def placed_from_body(self, src: str, body: str, line: int = 0) -> Placed:
        """A fence the scan did not see (written by another plugin, or a page edited since)."""
        fence = parse_body(body, self.where(src), line)
        specs = check(self._with_default(fence)) if fence.kind else []
        return Placed(src, FenceBlock(line, line, "", body), fence, specs)

    def html(self, p: Placed, anchors: dict[str, int]) -> str:
        links = H.Links(p.src, self.s.use_directory_urls, self.s.md_relative)
        show = p.fence.show
        if show == "gallery":
            return H.gallery_html(self.gallery(), links, self.s.themes)
        if show == "examples":
            parts = []
            for e in self.examples():
                code = escape(f"```convfig\n{e.block.body}\n```")
                parts += [f'<h3 id="example-{e.fence.kind}">{e.fence.kind}</h3>',
                          f'<pre class="convfig-example"><code>{code}</code></pre>',
                          self.html(Placed(p.src, e.block, e.fence, e.specs), anchors)]
            return "\n".join(parts)
        if show in ("shape-table", "reference"):
            return self.generated_table(show)
        specs = self.specs_for(p.specs)
        files = self.figure_files(specs)
        self.link_into_site(specs)
        base = f"fig-{files.name}"
        anchors[base] = anchors.get(base, 0) + 1
        anchor = base if anchors[base] == 1 else f"{base}-{anchors[base]}"
        playground = "playground.md" if (self.s.docs_dir / "playground.md").is_file() else None
        return H.figure_html(files, p.fence.caption, links, anchor, bool(p.specs[0].params.get("stepper")),
                             self.s.themes, playground)

    def generated_table(self, show: str) -> str:
        """The shape table or the key reference as HTML; kept in the cache (they depend only on the
        engine's source, and converting their Markdown costs half a second)."""
        import hashlib

        from convfig.render.cache import atomic_write, source_hash

        glue = Path(H.__file__).read_bytes() + Path(__file__).read_bytes()     # the tables and PAGE_KEYS
        key = hashlib.sha256(f"{show}\0{source_hash()}\0{glue!r}".encode()).hexdigest()
        path = self.cache.root / f"{show}-{key[:24]}.html"
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            pass
        import markdown

        text = H.shape_tables() if show == "shape-table" else H.reference_markdown(page_keys=PAGE_KEYS)
        out = markdown.markdown(text, extensions=["tables", "md_in_html", "toc"])
        atomic_write(path, out.encode("utf-8"))
        return out

    def gallery(self) -> list[H.GalleryEntry]:
        """The first use of each animation, in nav order."""
        out, seen = [], set()
        for p in self._with_examples():
            if p.fence.kind and p.specs[0].animated:
                specs = self.specs_for(p.specs)
                files = self.figure_files(specs)
                if files.name not in seen:
                    self.link_into_site(specs)
                    seen.add(files.name)
                    out.append(H.GalleryEntry(files, p.fence.caption, p.src, self.titles.get(p.src, p.src)))
        return out

    def link_into_site(self, specs: list[FigureSpec]) -> None:
        """Zensical (no plugin to hand files over): link this figure's files into site_dir now."""
        if self.s.site_dir is None:
            return
        todo = dict(ASSET_FILES)
        for spec in specs:
            if spec.theme in self.s.themes:
                todo.update(self.spec_files(spec))
        for site_path, source in todo.items():      # not remembered: a serve rebuild may empty site_dir
            target = self.s.site_dir / site_path
            if not target.is_file():
                link_or_copy(source, target)
                self.linked.add(site_path)


def check_docs(docs_dir: str | os.PathLike[str], shown: str = "docs") -> dict[str, int]:
    """Scan and check every fence of a docs folder without MkDocs (raises FenceError)."""
    site = FigureSite(Settings(Path(docs_dir), Path(os.environ.get("CONVFIG_CACHE", ".cache/convfig")), shown))
    site.scan()
    return {"pages": len(site.pages), "fences": sum(len(v) for v in site.pages.values())}


__all__ += ["FenceError", "check_docs"]
