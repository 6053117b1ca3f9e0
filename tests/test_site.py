"""The site: `mkdocs build --strict`, the figure directives, the Keras snippets' shapes, the built pages.

The full build uses the real renderers through the figure cache (.cache/convfig): after `make site`
it renders nothing again. Browser checks are in test_browser.py.
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "gen"))

import snippets as S  # noqa: E402

from convfig.mkdocs import core as C  # noqa: E402
from convfig.mkdocs import fence as F  # noqa: E402
from convfig.mkdocs.html import Links, page_url_dir  # noqa: E402

ENV = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "true"}
ENV.pop("CONVFIG_OFFLINE", None)
NAV = ["index.md", "kernels.md", "kernel-size.md", "strides.md", "padding.md", "dilation.md", "channels.md",
       "dimensions.md", "layers.md", "real-data.md", "cheatsheet.md", "shapes.md", "gallery.md"]
# pages that teach a concept: each needs a computed animation and a computed diagram
CONCEPT_PAGES = ["index.md", "kernels.md", "kernel-size.md", "strides.md", "padding.md", "dilation.md",
                 "channels.md", "dimensions.md", "layers.md", "real-data.md"]
ANIMATED = {"conv1d", "conv2d", "conv3d", "channels"}


def mkdocs(*args: str, cwd: Path = ROOT, offline: bool = False) -> subprocess.CompletedProcess:
    env = dict(ENV)
    if offline:
        env["CONVFIG_OFFLINE"] = "true"
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def html_path(site: Path, src: str, directory_urls: bool = True) -> Path:
    stem = src[:-3]
    if not directory_urls:
        return site / f"{stem}.html"
    return site / ("index.html" if stem == "index" else f"{stem}/index.html")


class Figures(HTMLParser):
    """Collects <figure class="convfig-figure"> elements with their images, sources and caption."""

    def __init__(self):
        super().__init__()
        self.figures: list[dict] = []
        self.cur: dict | None = None
        self.depth = 0
        self.in_caption = False
        self.imgs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        if tag == "figure" and "convfig-figure" in (a.get("class") or ""):
            self.cur = {"attrs": a, "imgs": [], "sources": [], "caption": "", "stepper": None}
            self.depth = 0
        if self.cur is None:
            return
        if tag == "figure":
            self.depth += 1
        elif tag == "img":
            self.cur["imgs"].append(a)
        elif tag == "source":
            self.cur["sources"].append(a)
        elif tag == "figcaption":
            self.in_caption = True
        elif tag == "div" and "convfig-stepper" in (a.get("class") or ""):
            self.cur["stepper"] = a

    def handle_endtag(self, tag):
        if self.cur is None:
            return
        if tag == "figcaption":
            self.in_caption = False
        if tag == "figure":
            self.depth -= 1
            if self.depth == 0:
                self.figures.append(self.cur)
                self.cur = None

    def handle_data(self, data):
        if self.cur is not None and self.in_caption:
            self.cur["caption"] += data


def parse(path: Path) -> Figures:
    p = Figures()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def local(page: Path, url: str) -> Path:
    return (page.parent / url.split("#")[0]).resolve()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = mkdocs("build", "--strict", "--site-dir", str(out))
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return out


# --------------------------------------------------------------------------- the build


def test_build_strict_writes_every_nav_page(built):
    for src in NAV:
        assert html_path(built, src).is_file(), src


def test_every_nav_page_is_written_not_a_stub():
    missing = [src for src in NAV if not (ROOT / "docs" / src).is_file()]
    assert not missing, f"nav pages missing: {missing}"


def test_no_generated_file_in_docs(built):
    docs = ROOT / "docs"
    assert not (docs / "figures").exists()
    generated = [p for p in docs.rglob("*") if p.suffix in (".gif", ".png", ".json") and "assets" not in p.parts]
    assert not generated, generated


def test_no_directive_left_in_html(built):
    for page in built.rglob("*.html"):
        text = re.sub(r"<pre.*?</pre>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert "{{ figure" not in text and "{{ gallery" not in text and "{{ shape-table" not in text, page
        assert "language-convfig" not in page.read_text(encoding="utf-8"), f"{page}: a convfig fence left as code"


def test_figures_have_alt_size_caption_poster_and_files(built):
    count = 0
    for src in NAV:
        page = html_path(built, src)
        for fig in parse(page).figures:
            count += 1
            where = f"{src} {fig['attrs'].get('id')}"
            assert fig["caption"].strip(), where
            themes = [img["src"].rsplit("#", 1)[-1] for img in fig["imgs"]]
            assert themes == ["only-light", "only-dark"], where
            for img in fig["imgs"]:
                assert img.get("alt", "").strip(), where
                assert int(img["width"]) >= 100 and int(img["height"]) >= 50, where
                assert img.get("loading") == "lazy", where
                assert local(page, img["src"]).is_file(), (where, img["src"])
            if fig["imgs"][0]["src"].split("#")[0].endswith(".gif"):
                assert int(fig["imgs"][0]["width"]) >= 400, f"{where}: animations are at least 400 px wide"
                assert len(fig["sources"]) == 2, where
                for s in fig["sources"]:
                    assert s["media"] == "(prefers-reduced-motion: reduce)", where
                    assert s["srcset"].endswith(".png") and local(page, s["srcset"]).is_file(), where
    assert count >= 25


def test_each_concept_page_has_an_animation_and_a_diagram(built):
    for src in CONCEPT_PAGES:
        kinds = [f["attrs"]["data-kind"] for f in parse(html_path(built, src)).figures]
        assert any(k in ANIMATED for k in kinds), f"{src}: no computed animation"
        assert any(k not in ANIMATED for k in kinds), f"{src}: no computed diagram"


def test_at_least_25_distinct_animations(built):
    gifs = {p.name for p in (built / "figures").glob("*-light.gif")}
    assert len(gifs) >= 25, len(gifs)
    assert {p.name.replace("-light", "-dark") for p in (built / "figures").glob("*-light.gif")} <= {
        p.name for p in (built / "figures").glob("*-dark.gif")
    }


def test_steppers_have_every_frame_and_step_text(built):
    steppers = 0
    for src in NAV:
        page = html_path(built, src)
        for fig in parse(page).figures:
            st = fig["stepper"]
            if st is None:
                continue
            steppers += 1
            n = int(st["data-count"])
            steps = json.loads(st["data-steps"])
            assert n >= 1 and len(steps) == n and all(s.strip() for s in steps)
            for theme in ("light", "dark"):
                folder = local(page, st[f"data-frames-{theme}"])
                assert sorted(p.name for p in folder.glob("*.png")) == [f"{i:03d}.png" for i in range(n)]
    assert steppers >= 3, "the main animations should have a step-through viewer"


def test_gallery_offers_every_animation(built):
    gallery = html_path(built, "gallery.md").read_text(encoding="utf-8")
    for gif in (built / "figures").glob("*.gif"):
        assert f"figures/{gif.name}" in gallery, f"{gif.name} is not downloadable from the gallery"
    assert "convfig gif" in gallery


def test_gallery_command_reproduces_the_gif(built, tmp_path):
    gallery = html_path(built, "gallery.md").read_text(encoding="utf-8")
    commands = [html.unescape(c) for c in re.findall(r"<code>(convfig gif --input [^<]+)</code>", gallery)]
    assert len(commands) >= 25
    cmd = min(commands, key=len)  # a small one: rendering it takes a second or two
    words = shlex.split(cmd)
    out = words[-1]
    convfig_bin = Path(sys.executable).with_name("convfig")
    proc = subprocess.run([str(convfig_bin), *words[1:]], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / out).read_bytes() == (built / "figures" / out).read_bytes(), cmd


def test_shape_table_comes_from_the_engine(built):
    text = html_path(built, "shapes.md").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*(.*?)</tr>", text, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S) for r in rows]
    cells = [[re.sub(r"<.*?>", "", c).strip() for c in r] for r in cells if r]
    assert len(cells) > 100
    import convfig

    checked = 0
    for r in cells:
        if len(r) == 5 and r[-1] != "—" and r[0].isdigit():
            n, k, s = int(r[0]), int(r[1]), int(r[2])
            assert r[-1].isdigit()
            checked += 1
            out = [convfig.output_shape((n, 1), k, filters=1, strides=s, padding=p)[0]
                   for p in ("valid", "same", "causal")]
            assert int(r[-1]) in out
    assert checked > 100
    # rows the pages cite (n, k, s, zeros, output) in the same / causal tables
    flat = {tuple(r) for r in cells}
    for row in [("6", "3", "2", "(0, 1)", "3"), ("7", "4", "1", "(1, 2)", "7"), ("6", "4", "1", "(1, 2)", "6"),
                ("8", "3", "2", "(0, 1)", "4"), ("28", "3", "2", "(0, 1)", "14"), ("8", "3", "1", "(2, 0)", "8")]:
        assert row in flat, row
    assert ("8", "3", "2", "5", "causal", "(4, 0)", "8") in flat


# --------------------------------------------------------------------------- offline bundle (static)


def test_offline_build_has_no_remote_assets(tmp_path):
    proc = mkdocs("build", "--strict", "--site-dir", str(tmp_path), offline=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (tmp_path / "search" / "search_index.js").is_file()
    assert (tmp_path / "assets" / "vendor" / "iframe-worker" / "shim.js").is_file()
    assert (tmp_path / "assets" / "vendor" / "iframe-worker" / "LICENSE").is_file()
    for page in tmp_path.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r"<(?:script|img|source|link|iframe)\b[^>]*?(?:src|srcset|href)=\"((?:https?:)?//[^\"]+)",
                            text)
        remote = [u for u in remote if "rel=\"canonical\"" not in u]
        assert not remote, (page, remote)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/vendor/iframe-worker/shim.js"' in index
    assert "unpkg.com" not in index and "fonts.googleapis" not in index


# --------------------------------------------------------------------------- directives


def test_fence_parses_params_caption_and_stepper():
    body = "kind: conv2d\ninput: 5x5\nkernel: 3\n# a comment\nstrides: 2\nstepper: yes\ncaption: Two 'steps': a time\n"
    f = F.parse_body(body, "docs/p.md", 7)
    assert f.kind == "conv2d" and f.line == 7 and f.stepper
    assert f.params == {"input": "5x5", "kernel": "3", "strides": "2"}
    assert f.caption == "Two 'steps': a time"
    assert f.key_lines["strides"] == 12


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("kind: conv2d\ninput 5x5", "docs/p.md:14: expected 'key: value', got 'input 5x5'"),
        ("input: 5x5", "docs/p.md:12: kind: missing"),
        ("kind: conv2d\ninput: 5\ninput: 6", "docs/p.md:15: input: given twice (first on line 14)"),
        ("kind: conv2d\nstepper: maybe", "docs/p.md:14: stepper: must be true or false"),
        ("show: galery", "docs/p.md:13: show: unknown block 'galery'; did you mean 'gallery'?"),
        ("show: gallery\ninput: 5", "docs/p.md:14: input: show: gallery takes no other key"),
        ("kind: conv9d", "docs/p.md:13: kind: unknown figure kind 'conv9d'; did you mean"),
        ("kind: conv2d\ncolour: red", "docs/p.md:14: colour: not a key of conv2d figures"),
        ("kind: conv2d\npaddin: same", "docs/p.md:14: paddin: not a key of conv2d figures; did you mean 'padding'?"),
    ],
)
def test_malformed_fence_names_page_line_and_key(body, message):
    with pytest.raises(F.FenceError, match=re.escape(message)):
        F.parse_body(body, "docs/p.md", 12)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("kind: conv2d\ninput: 5x5\nkernel: 9", "docs/p.md:6: conv2d figure: kernel"),
        ("kind: conv2d\ninput: 5", "docs/p.md:5: conv2d figure: input"),
        ("kind: conv1d\ninput: 8\npadding: sideways", "docs/p.md:6: conv1d figure: padding"),
        ("kind: conv2d\ninput: 60x60", "docs/p.md:5: conv2d figure: input: "),
    ],
)
def test_invalid_fence_is_refused_by_the_registry_on_the_key_line(body, message):
    with pytest.raises(F.FenceError, match=re.escape(message)):
        F.check(F.parse_body(body, "docs/p.md", 3))


def test_fences_only_count_outside_code_comments_and_inline_code():
    text = ("Text `{{ figure conv2d }}` and ` ```convfig `\n\n````markdown\n```convfig\nkind: nope\n```\n````\n\n"
            "<!-- a note\n```convfig\nkind: nope\n```\n-->\n\n~~~~\n```convfig\n~~~~\n\n"
            "  ```convfig\n  kind: conv1d\n  input: 8\n  ```\n")
    blocks = F.find_fences(text)
    assert [(b.start, b.end, b.indent) for b in blocks] == [(19, 22, "  ")]
    assert F.parse_body(blocks[0].body).params == {"input": "8"}


def test_links_follow_directory_urls_and_the_builder():
    assert page_url_dir("strides.md", True) == "strides"
    assert page_url_dir("index.md", True) == ""
    assert page_url_dir("strides.md", False) == ""
    assert page_url_dir("a/b.md", False) == "a"
    assert Links("strides.md").url("figures/x.gif") == "../figures/x.gif"
    assert Links("gallery.md").page("strides.md") == "../strides/"
    assert Links("gallery.md").page("index.md") == "../"
    assert Links("index.md", False).page("strides.md") == "strides.html"
    # Zensical rewrites src/href as if relative to the .md file, but not data- attributes
    zensical = Links("a/b.md", True, md_relative=True)
    assert zensical.url("figures/x.gif") == "../figures/x.gif" and zensical.data("figures/x") == "../../figures/x"
    assert zensical.page("c.md") == "../c.md"


def _tiny_project(tmp_path: Path, page: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - convfig\n",
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("kind: conv9d\ninput: 5x5", "docs/index.md:4: kind: unknown figure kind 'conv9d'"),
        ("kind: conv2d\ninput: 5x5\nkernel: 9", "docs/index.md:6: conv2d figure: kernel"),
        ("kind: conv2d\ninptu: 5x5", "docs/index.md:5: inptu: not a key of conv2d figures; did you mean 'input'?"),
    ],
)
def test_bad_fence_fails_the_build_with_page_and_line(tmp_path, body, message):
    project = _tiny_project(tmp_path, f"# Tiny\n\n```convfig\n{body}\n```\n")
    proc = mkdocs("build", cwd=project)            # fails also without --strict
    assert proc.returncode != 0
    assert message in proc.stdout + proc.stderr, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_check_docs_without_mkdocs(tmp_path):
    assert C.check_docs(ROOT / "docs")["fences"] >= 25
    bad = _tiny_project(tmp_path, "# T\n\n```convfig\nkind: conv2d\ninput: 5x5\nkernel: 0\n```\n")
    with pytest.raises(F.FenceError, match=re.escape("docs/index.md:6: conv2d figure: kernel")):
        C.check_docs(bad / "docs")


# --------------------------------------------------------------------------- Keras snippets


def _page_snippets():
    return [(p.name, p) for p in sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize(("name", "path"), _page_snippets(), ids=[n for n, _ in _page_snippets()])
def test_keras_snippets_state_the_engine_shapes(name, path):
    for snippet in S.snippets(path, f"docs/{path.relative_to(ROOT / 'docs').as_posix()}"):
        try:
            S.check(snippet)
        except S.SnippetError as e:
            pytest.fail(str(e))


def test_keras_snippets_exist_and_state_shapes():
    total = sum(S.check_page(p, p.name) for _, p in _page_snippets())
    assert total >= 30, total


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("x = keras.Input(shape=(7, 7, 3))\ny = keras.layers.Conv2D(4, 3, strides=2)(x)  # (None, 3, 3, 5)\n",
         "stated (None, 3, 3, 5), engine computes (None, 3, 3, 4)"),
        ("x = keras.Input(shape=(7, 7, 3))\ny = keras.layers.Conv2D(4, 3)(x)  # (None, 5, 5, 4)  # params: 111\n",
         "params stated 111, engine computes 112"),
        ("x = keras.Input(shape=(7, 7, 3))\ny = keras.layers.Conv2D(4, 3)(x)\n", "must state its output shape"),
        ("m = keras.Sequential([\n    keras.Input(shape=(9, 2)),\n"
         "    keras.layers.Conv1D(4, 3, padding='causal'),  # (None, 7, 4)\n])\n",
         "docs/t.md:12: Conv1D output shape stated (None, 7, 4), engine computes (None, 9, 4)"),
        ("x = keras.Input(shape=(5, 5, 1))\n# (None, 5, 5, 1)\n", "nothing is computed on this line"),
        ("x = keras.Input(shape=(5, 5, 1))\ny = keras.layers.UpSampling2D(2)(x)  # (None, 10, 10, 1)\n",
         "snippet fails"),
        ("x = keras.Input(shape=(5, 5, 1))\ny = keras.layers.Conv2DTranspose(1, 3, strides=2)(x)  "
         "# (None, 10, 10, 1)\n", "stated (None, 10, 10, 1), engine computes (None, 11, 11, 1)"),
        ("x = keras.Input(shape=(8, 8, 3))\ny = keras.layers.SeparableConv2D(16, 3)(x)  # (None, 6, 6, 16)  "
         "# params: 92\n", "params stated 92, engine computes 91"),      # 3·3·3 + 3·16 + 16
        ("x = keras.Input(shape=(5, 5, 1))\n"
         "y = keras.layers.Conv2D(1, 2, strides=2, dilation_rate=2)(x)  # (None, 2, 2, 1)\n", "snippet fails"),
    ],
)
def test_snippet_checker_is_strict(code, message):
    with pytest.raises(S.SnippetError, match=re.escape(message)):
        S.check(S.Snippet("docs/t.md", 10, code))


def test_snippet_checker_accepts_the_documented_forms():
    code = (
        "import keras\nfrom keras import layers\nimport numpy as np\n"
        "model = keras.Sequential([\n    keras.Input(shape=(100, 12)),\n"
        "    layers.Conv1D(32, 5),  # (None, 96, 32)  # params: 1952\n"
        "    layers.MaxPooling1D(2),  # (None, 48, 32)\n    layers.GlobalAveragePooling1D(),  # (None, 32)\n"
        "    layers.Dense(3),  # -> (None, 3)\n])\nmodel.summary()\n"
        "x = np.zeros((2, 9, 9, 1))\ny = layers.Conv2D(8, 3, padding='same', strides=2)(x)  # -> (2, 5, 5, 8)\n"
        "print(y.shape)  # (2, 5, 5, 8)\n"
    )
    assert S.check(S.Snippet("docs/t.md", 1, code)) == 7
