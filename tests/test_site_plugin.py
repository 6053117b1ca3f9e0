"""The plugin and the fence in other sites: the minimal example, escaping, fence-like text, the size
budget, mkdocs-macros, `mkdocs serve` re-rendering one figure, and Zensical building this site with every
figure (checked in Chromium: every image decodes).

Tiny sites get their own figure cache in their temp folder (a cold render of a small figure or two);
the Zensical build of this site shares the repository's cache with `make site`.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"}
ENV.pop("CONVFIG_OFFLINE", None)
ENV.pop("CONVFIG_CACHE", None)
ZENSICAL = Path(sys.executable).with_name("zensical")
CHROMIUM = Path("/usr/bin/chromium")
ZENSICAL_EXT = ("markdown_extensions:\n  - pymdownx.superfences\n  - convfig.mkdocs.extension:\n"
                "      rerun: !!python/object/apply:time.time []\n")
SMALL = "```convfig\nkind: conv1d\ninput: 5\nkernel: 3\ncaption: {caption}\n```\n"


def run(args: list[str], cwd: Path, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env or ENV, capture_output=True, text=True, timeout=timeout)


def mkdocs_build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "mkdocs", "build", *extra], project)


def project(tmp: Path, pages: dict[str, str], plugins: str = "  - search\n  - convfig\n", extra: str = "") -> Path:
    for src, text in pages.items():
        (tmp / "docs" / src).parent.mkdir(parents=True, exist_ok=True)
        (tmp / "docs" / src).write_text(text, encoding="utf-8")
    config = f"site_name: t\ntheme:\n  name: material\n  font: false\nplugins:\n{plugins}{extra}"
    (tmp / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp


class Page(HTMLParser):
    """Figures (id, images, caption text) and every img/source URL of one built page."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.figures: list[dict] = []
        self.urls: list[str] = []
        self.caption: str | None = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "figure" and "convfig-figure" in (a.get("class") or ""):
            self.figures.append({"id": a.get("id"), "kind": a.get("data-kind"), "caption": ""})
        if tag == "img" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "source" and a.get("srcset"):
            self.urls.append(a["srcset"])
        if tag == "figcaption" and self.figures:
            self.caption = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "figcaption" and self.caption is not None:
            self.figures[-1]["caption"] = self.caption
            self.caption = None

    def handle_data(self, data: str) -> None:
        if self.caption is not None:
            self.caption += data


def figure_files_exist(page_html: Path) -> list[str]:
    """The figure URLs of a page that do not resolve to a file next to it (should be none)."""
    p = Page(page_html)
    return [u for u in p.urls if "figures/" in u and not (page_html.parent / u.split("#")[0]).is_file()]


# --------------------------------------------------------------------------- other sites


def test_minimal_example_site_builds_from_a_fresh_folder(tmp_path):
    site = tmp_path / "minimal-site"
    shutil.copytree(ROOT / "examples" / "minimal-site", site)
    proc = mkdocs_build(site, "--strict")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    index = site / "site" / "index.html"
    figures = Page(index).figures
    assert len(figures) == 1 and figures[0]["kind"] == "conv2d", figures
    assert not figure_files_exist(index)
    text = index.read_text(encoding="utf-8")
    assert "language-convfig" not in text and 'class="convfig-stepper"' in text
    for asset in ("assets/convfig/convfig-figures.css", "assets/convfig/stepper.js"):
        assert (site / "site" / asset).is_file() and asset in text, asset
    assert (site / ".cache" / "convfig").is_dir(), "cache_dir is resolved against mkdocs.yml's folder"


def test_caption_is_text_not_html(tmp_path):
    site = project(tmp_path, {"index.md": "# T\n\n" + SMALL.format(caption="<script>alert(1)</script> & co")})
    proc = mkdocs_build(site, "--strict")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert Page(site / "site" / "index.html").figures[0]["caption"].startswith("<script>alert(1)</script> & co")


def test_a_site_without_the_plugin_shows_the_fence_as_code(tmp_path):
    site = project(tmp_path, {"index.md": "# T\n\n" + SMALL.format(caption="x")}, plugins="  - search\n",
                   extra="markdown_extensions:\n  - pymdownx.superfences\n")
    proc = mkdocs_build(site, "--strict")
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "convfig-figure" not in text and "kind: conv1d" in re.sub(r"<[^>]+>", "", text)


def test_fence_like_text_is_not_a_fence(tmp_path):
    bad = "```convfig\nkind: conv9d\n```"
    page = (f"# T\n\nInline `{bad}` and `{{{{ figure conv2d }}}}`.\n\n<!--\n{bad}\n-->\n\n"
            f"Indented code:\n\n    {bad.replace(chr(10), chr(10) + '    ')}\n\n````markdown\n{bad}\n````\n\n"
            + SMALL.format(caption="the only figure"))
    site = project(tmp_path, {"index.md": page})
    proc = mkdocs_build(site, "--strict")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    figures = Page(site / "site" / "index.html").figures
    assert [f["caption"].split(" Download")[0].strip() for f in figures] == ["the only figure"]


def test_figure_over_the_size_budget_fails_the_build_with_page_and_line(tmp_path):
    site = project(tmp_path, {"index.md": "# T\n\nText\n\n```convfig\nkind: conv2d\ninput: 90x90\n```\n"})
    proc = mkdocs_build(site)
    assert proc.returncode != 0
    assert "docs/index.md:7: conv2d figure: input" in proc.stdout + proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_site_with_mkdocs_macros_shows_figures(tmp_path):
    page = "# T\n\nSix times seven is {{ 6 * 7 }}.\n\n" + SMALL.format(caption="with macros")
    site = project(tmp_path, {"index.md": page}, plugins="  - search\n  - macros\n  - convfig\n")
    proc = mkdocs_build(site, "--strict")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    index = site / "site" / "index.html"
    assert "Six times seven is 42." in index.read_text(encoding="utf-8")
    assert len(Page(index).figures) == 1 and not figure_files_exist(index)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    return _get_bytes(url).decode()


def _get_bytes(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read()
    except OSError:
        return b""


def test_serve_renders_only_the_figure_whose_fence_changed(tmp_path):
    """Under serve an edit renders only the edited figure (both themes), and one save is one rebuild: the
    plugin's native watch of the docs folder replaces MkDocs's 0.5 s poller there (no second build)."""
    a = "```convfig\nkind: conv1d\ninput: 5\nkernel: 3\ncaption: a\n```\n"
    b = "```convfig\nkind: conv1d\ninput: 6\nkernel: 2\ncaption: b\n```\n"
    site = project(tmp_path, {"index.md": f"# T\n\n{a}\n{b}"})
    cache = site / ".cache" / "convfig"
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=site,
                                env=ENV, stdout=subprocess.DEVNULL, stderr=err)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 180
        while "convfig-figure" not in _get(url) and time.time() < deadline:
            time.sleep(0.3)
        before = {p.name for p in cache.glob("*.json")}
        assert len(before) == 4, before            # two figures x two themes
        page = site / "docs" / "index.md"
        page.write_text(page.read_text().replace("input: 6", "input: 7"), encoding="utf-8")
        while "conv1d-i7" not in _get(url) and time.time() < deadline:
            time.sleep(0.3)
        assert "conv1d-i7" in _get(url), "the edited figure never reached the served page"
        gifs = re.findall(r'src="([^"#]*conv1d-i7[^"#]*\.gif)[^"]*"', _get(url))
        while not all(_get_bytes(url + g)[:6] == b"GIF89a" for g in gifs) and time.time() < deadline:
            time.sleep(0.1)        # its files are encoded while the pages build, linked at the end of the build
        assert gifs and all(_get_bytes(url + g)[:6] == b"GIF89a" for g in gifs), gifs
        new = {p.name for p in cache.glob("*.json")} - before
        assert len(new) == 2, new                   # only the edited figure, in both themes
        time.sleep(1.5)                             # three poll intervals: a second build would have started
        assert log.read_text().count("Building documentation") == 2, log.read_text()[-2000:]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# --------------------------------------------------------------------------- Zensical


def _zensical(project_dir: Path, cache: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(ENV)
    if cache is not None:
        env["CONVFIG_CACHE"] = str(cache)
    return run([str(ZENSICAL), "build"], project_dir, env, timeout=900)


def test_zensical_nested_pages_find_their_figures(tmp_path):
    pages = {"index.md": "# Home\n\n" + SMALL.format(caption="home"),
             "deep/er/page.md": "# Deep\n\n" + SMALL.format(caption="deep") + "\n```convfig\nshow: gallery\n```\n"}
    site = project(tmp_path, pages, plugins="  - search\n", extra=ZENSICAL_EXT)
    for attempt in range(2):                        # the second build starts from Zensical's page cache
        proc = _zensical(site)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        for page in ("index.html", "deep/er/page/index.html"):
            html_page = site / "site" / page
            assert Page(html_page).figures, (attempt, page)
            assert not figure_files_exist(html_page), (attempt, page)
        assert (site / "site" / "assets" / "convfig" / "stepper.js").is_file()


def test_zensical_bad_fence_fails_the_build(tmp_path):
    page = "# T\n\n```convfig\nkind: conv2d\npaddin: same\n```\n"
    site = project(tmp_path, {"index.md": page}, plugins="  - search\n", extra=ZENSICAL_EXT)
    proc = _zensical(site)
    assert proc.returncode != 0
    assert "docs/index.md:5: paddin: not a key of conv2d figures; did you mean 'padding'?" in proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory) -> tuple[Path, Path]:
    """This site built by MkDocs and by Zensical (from a copy: Zensical's site_dir sits in the project)."""
    tmp = tmp_path_factory.mktemp("both")
    cache = Path(os.environ.get("CONVFIG_CACHE") or ROOT / ".cache" / "convfig")
    proj = tmp / "project"
    shutil.copytree(ROOT / "docs", proj / "docs")
    shutil.copy(ROOT / "mkdocs.yml", proj / "mkdocs.yml")
    env = {**ENV, "CONVFIG_CACHE": str(cache)}
    proc = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp / "mkdocs-site")], proj, env, 900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    proc = _zensical(proj, cache)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return tmp / "mkdocs-site", proj / "site"


def test_zensical_builds_every_page_with_the_same_figures(both_builds):
    mk, zen = both_builds
    pages = sorted(p.relative_to(mk) for p in mk.rglob("index.html") if "assets" not in p.parts)
    compared = 0
    for rel in pages:
        assert (zen / rel).is_file(), f"{rel} missing from the Zensical build"
        ids_mk = [f["id"] for f in Page(mk / rel).figures]
        ids_zen = [f["id"] for f in Page(zen / rel).figures]
        assert ids_mk == ids_zen, rel
        assert not figure_files_exist(zen / rel), rel
        compared += len(ids_mk)
    assert compared >= 60, compared


def test_zensical_images_decode_in_chromium(both_builds, browser):
    # the session's one Chromium (tests/conftest.py): a second sync_playwright() in the same process fails
    zen = both_builds[1]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(zen))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    broken: list[tuple[str, str]] = []
    checked = 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for html_file in sorted(zen.rglob("index.html")):
            rel = html_file.parent.relative_to(zen).as_posix()
            page.goto(base + ("" if rel == "." else rel + "/"), wait_until="load")
            result = page.evaluate("""async () => {
              const imgs = [...document.querySelectorAll('figure.convfig-figure img, figure.convfig-card img')];
              for (const i of imgs) { i.loading = 'eager'; }
              await Promise.all(imgs.map(i => i.decode().catch(() => null)));
              return imgs.map(i => ({src: i.currentSrc, w: i.naturalWidth}));
            }""")
            checked += len(result)
            broken += [(rel, r["src"]) for r in result if not r["w"]]
    finally:
        page.close()
        httpd.shutdown()
        httpd.server_close()
    assert checked >= 120, checked
    assert not broken, broken[:10]


def test_cache_holds_one_copy(both_builds):
    """The site's figure files come from the cache; no second folder of figures is kept beside it."""
    cache = Path(os.environ.get("CONVFIG_CACHE") or ROOT / ".cache" / "convfig")
    assert not (cache / "site").exists()
    meta = [json.loads(p.read_text()) for p in cache.glob("*.json") if re.fullmatch(r"[0-9a-f]{64}", p.stem)]
    figures = [m for m in meta if "theme" in m]     # (the slide pack keeps its own entries here too)
    assert figures and all("files" in m for m in figures)
    site = both_builds[0] / "figures"
    linked = [p for p in site.rglob("*.gif") if p.stat().st_nlink > 1]
    assert linked, "figures are hard links to the cache entries where the file system allows"
