"""The built site in a real browser: Playwright for Python driving Debian's chromium (never a download).

Two ways in: site/ over http://localhost, and the offline bundle site-offline/ over file:// with every
non-file request blocked. On every page: each visible image loads, no console errors, nothing leaves the
machine. Plus: search finds "stride", reduced motion shows posters, the dark theme shows dark figures,
the step-through viewer works from the keyboard.

`make site` builds site/ and site-offline/ before `make test` (.ci/run). If they are missing, the
fixtures in conftest.py build them (locally) or fail saying so (CI). Without /usr/bin/chromium the tests
skip locally and fail in CI.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

from conftest import ARGS  # noqa: F401  (test_playground.py imports ARGS from here)

# the fixtures site, offline_site, server and browser live in conftest.py (shared with test_a11y.py)
NAV = ["index.md", "kernels.md", "kernel-size.md", "strides.md", "padding.md", "dilation.md", "channels.md",
       "dimensions.md", "layers.md", "cheatsheet.md", "shapes.md", "gallery.md"]


def url_path(src: str, directory_urls: bool) -> str:
    stem = src[:-3]
    if not directory_urls:
        return f"{stem}.html"
    return "" if stem == "index" else f"{stem}/"


class Watch:
    """Records console errors, page errors, failed requests and requests that would leave the machine."""

    def __init__(self, context, mode: str):
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.mode = mode
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        scheme = urlparse(url).scheme
        host = urlparse(url).hostname
        local = scheme in ("data", "blob", "about") or (
            scheme == "file" if self.mode == "file" else host in ("localhost", "127.0.0.1"))
        if local:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def attach(self, page):
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        page.on("requestfailed", lambda r: r.url not in self.outside and self.failed.append(r.url))
        return page


SCROLL = """async () => {
  for (let y = 0; y <= document.body.scrollHeight; y += Math.max(300, innerHeight / 2)) {
    window.scrollTo(0, y);
    await new Promise(r => setTimeout(r, 40));
  }
  window.scrollTo(0, document.body.scrollHeight);
  const visible = Array.from(document.images).filter(i => i.getClientRects().length > 0);
  await Promise.all(visible.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true});
    setTimeout(r, 5000);
  })));
  return Array.from(document.images).map(i => ({
    src: i.getAttribute('src'), current: i.currentSrc, w: i.naturalWidth,
    visible: i.getClientRects().length > 0 && getComputedStyle(i).display !== 'none',
    figure: !!i.closest('figure.convfig-figure, figure.convfig-card')
  }));
}"""


def visit_all(browser, base: str, mode: str, directory_urls: bool, **context_args):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_args)
    watch = Watch(context, mode)
    page = watch.attach(context.new_page())
    report = {}
    for src in NAV:
        page.goto(base + url_path(src, directory_urls), wait_until="load")
        report[src] = page.evaluate(SCROLL)
    context.close()
    return watch, report


def check_report(watch: Watch, report: dict, theme: str):
    figures = 0
    for src, imgs in report.items():
        visible = [i for i in imgs if i["visible"]]
        broken = [i["src"] for i in visible if i["w"] == 0]
        assert not broken, f"{src}: images did not load: {broken}"
        for i in imgs:
            if i["figure"] and i["visible"]:
                figures += 1
                assert i["src"].endswith(f"#only-{theme}"), f"{src}: {i['src']} visible in the {theme} theme"
    assert figures >= 25, figures
    assert not watch.errors, watch.errors
    assert not watch.outside, f"requests leaving the machine: {watch.outside}"
    assert not watch.failed, f"failed requests: {watch.failed}"


def test_http_every_page_loads_its_images_without_errors(browser, server):
    watch, report = visit_all(browser, server, "http", True, color_scheme="light")
    check_report(watch, report, "light")


def test_file_offline_bundle_works_with_the_network_blocked(browser, offline_site):
    watch, report = visit_all(browser, offline_site.resolve().as_uri() + "/", "file", False,
                              color_scheme="light")
    check_report(watch, report, "light")


def _search(page, term: str) -> list[str]:
    page.locator(".md-search__input").first.click()
    page.keyboard.type(term)
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    return page.locator(".md-search-result__item").all_inner_texts()


def test_search_finds_stride_over_http(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch(context, "http")
    page = watch.attach(context.new_page())
    page.goto(server, wait_until="load")
    results = _search(page, "stride")
    assert any("stride" in r.lower() for r in results), results
    assert not watch.errors and not watch.outside
    context.close()


def test_search_finds_stride_offline_over_file(browser, offline_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch(context, "file")
    page = watch.attach(context.new_page())
    page.goto((offline_site / "index.html").resolve().as_uri(), wait_until="load")
    results = _search(page, "stride")
    assert any("stride" in r.lower() for r in results), results
    assert not watch.errors, watch.errors
    assert not watch.outside, watch.outside
    context.close()


def _figure_sources(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('figure.convfig-figure img'))
      .filter(i => i.getClientRects().length > 0)
      .map(i => ({src: i.getAttribute('src'), current: i.currentSrc, w: i.naturalWidth}))""")


def test_reduced_motion_shows_posters(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    animated = 0
    for src in ("index.md", "strides.md", "padding.md"):
        page.goto(server + url_path(src, True), wait_until="load")
        page.evaluate(SCROLL)
        for img in _figure_sources(page):
            assert img["w"] > 0, img
            if img["src"].split("#")[0].endswith(".gif"):
                animated += 1
                assert img["current"].split("#")[0].endswith(".png"), f"GIF shown despite reduced motion: {img}"
    assert animated >= 3
    context.close()


def _mean_luma(path: Path) -> float:
    from PIL import Image

    with Image.open(path) as im:
        g = im.convert("L")
        return sum(i * n for i, n in enumerate(g.histogram())) / (g.width * g.height)


def test_dark_theme_shows_the_dark_figures(browser, server, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()
    page.goto(server + url_path("strides.md", True), wait_until="load")
    for _ in range(3):  # auto -> light -> dark: click the palette toggle until the slate scheme is on
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
            break
        page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    page.evaluate(SCROLL)
    imgs = _figure_sources(page)
    assert imgs and all(i["src"].endswith("#only-dark") and i["w"] > 0 for i in imgs), imgs
    # the dark variants really are dark, the light ones light
    dark = site / "strides" / imgs[0]["src"].split("#")[0]
    light = Path(str(dark).replace("-dark", "-light"))
    if dark.suffix == ".gif":
        dark, light = dark.with_suffix(".png"), light.with_suffix(".png")
    assert _mean_luma(dark) < 100 < _mean_luma(light)
    # the choice sticks on the next page
    page.goto(server + url_path("padding.md", True), wait_until="load")
    page.evaluate(SCROLL)
    assert all(i["src"].endswith("#only-dark") for i in _figure_sources(page))
    context.close()


def test_step_through_viewer_from_the_keyboard(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch(context, "http")
    page = watch.attach(context.new_page())
    found = False
    for src in NAV:
        page.goto(server + url_path(src, True), wait_until="load")
        if page.locator(".convfig-stepper").count():
            found = True
            break
    assert found, "no step-through viewer on the site"
    box = page.locator(".convfig-stepper").first
    assert box.is_visible()
    steps = json.loads(box.get_attribute("data-steps"))
    count = int(box.get_attribute("data-count"))
    nxt = box.locator(".convfig-next")
    nxt.focus()
    page.keyboard.press("Enter")
    text = box.locator(".convfig-step-text")
    assert text.inner_text() == steps[0]
    assert box.locator(".convfig-counter").inner_text() == f"Step 1 of {count}"
    img = box.locator("xpath=ancestor::figure").locator("picture.convfig-light img")
    assert img.get_attribute("src").endswith("/000.png#only-light")
    page.keyboard.press("ArrowRight")
    assert text.inner_text() == steps[1 % count]
    page.keyboard.press("End")
    assert box.locator(".convfig-counter").inner_text() == f"Step {count} of {count}"
    page.keyboard.press("ArrowRight")  # wraps round
    assert box.locator(".convfig-counter").inner_text() == f"Step 1 of {count}"
    prev = box.locator(".convfig-prev")
    prev.focus()
    page.keyboard.press("Space")
    assert box.locator(".convfig-counter").inner_text() == f"Step {count} of {count}"
    assert text.get_attribute("aria-live") == "polite"
    play = box.locator(".convfig-play")
    play.click()
    assert play.inner_text() == "Pause"
    page.wait_for_timeout(int(box.get_attribute("data-delay")) + 400)
    assert box.locator(".convfig-counter").inner_text() != f"Step {count} of {count}"
    play.click()
    assert play.inner_text() == "Play"
    page.wait_for_function("() => [...document.querySelectorAll('.convfig-stepper')].every("
                           "b => !b.closest('figure').querySelector('picture.convfig-light img').complete"
                           " || b.closest('figure').querySelector('picture.convfig-light img').naturalWidth > 0)")
    assert not watch.errors, watch.errors
    context.close()
