"""Accessibility, measured in Chromium on the built site (issue 14).

- axe-core (bundled by axe-playwright-python; rule sets wcag2a, wcag2aa, wcag21aa) finds no violation on
  any page of the built site, in the light and the dark scheme, nor with the search results open or the
  step-through viewers showing their step text, one button focused and one hovered. Pages are found in
  site/, so a new page is covered as is.
- Reflow (WCAG 1.4.10) at 320 CSS px: nothing sticks out of the viewport unless it sits in a box that
  scrolls by itself (code, tables, figures); figures stay at >= 70 % of their drawn size; step-through
  buttons stay inside the viewport and at least 24 px square-ish targets.
- Keyboard: on every page (the schemes taking turns; both on the page with step-through viewers and
  content tabs) Tab reaches every control a reader can see (radio groups once) and each stop shows a
  solid focus ring >= 2 px, >= 3:1 against what is painted around it (inside it, for an inset ring);
  theme toggle, search, step-through and content tabs work from the keyboard.

The site, server and browser fixtures are in conftest.py (no network: axe's script is injected from the
installed package).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from convfig.render.style import contrast_ratio

SCHEMES = {"light": "default", "dark": "slate"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]},
               "resultTypes": ["violations"]}
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"
SCHEME_JS = "() => document.body.getAttribute('data-md-color-scheme')"


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the built site (relative URLs), found on disk, not listed by hand."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "assets" not in p.parts)
    assert "index.html" in pages and len(pages) >= 10, pages
    return pages


def _first_page_with(site: Path, *needles: str) -> str:
    for rel in site_pages(site):
        html = (site / rel).read_text(encoding="utf-8")
        if all(n in html for n in needles):
            return rel
    raise AssertionError(f"no page of the site has all of {needles}")


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _violations(axe, page) -> list[str]:
    response = axe.run(page, options=AXE_OPTIONS).response
    out = []
    for v in response["violations"]:
        for node in v["nodes"]:
            summary = node.get("failureSummary", "").splitlines()
            out.append(f"{v['id']} {node['target']}: {summary[-1].strip() if summary else v['help']}")
    return out


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_wcag_violation_on_any_page(browser, server, site, axe, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for rel in site_pages(site):
        page.goto(server + rel, wait_until="load")
        assert page.evaluate(SCHEME_JS) == SCHEMES[scheme], rel
        found[rel] = _violations(axe, page)
    # states the static pages do not show: step text under every viewer, search results
    rel = _first_page_with(site, 'class="convfig-stepper"')
    page.goto(server + rel, wait_until="load")
    page.evaluate("() => document.querySelectorAll('.convfig-stepper .convfig-next').forEach(b => b.click())")
    assert page.locator(".convfig-step-text").first.inner_text().strip()
    found[f"{rel} (viewers on step 1)"] = _violations(axe, page)
    page.add_style_tag(content=NO_MOTION)  # colours judged once Material's 125 ms transition would have ended
    page.locator(".convfig-stepper .convfig-next").first.focus()
    page.locator(".convfig-stepper .convfig-prev").first.hover()
    found[f"{rel} (Next focused, Prev hovered)"] = _violations(axe, page)
    page.goto(server, wait_until="load")
    page.locator(".md-search__input").first.click()
    page.keyboard.type("stride")
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    # judge the open panel, not its fade-in: wait until no CSS transition or animation is running
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=20000)
    found["search results for 'stride'"] = _violations(axe, page)
    context.close()
    bad = {k: v for k, v in found.items() if v}
    report = "\n".join(f"{k}: {len(v)}\n  " + "\n  ".join(v[:8]) for k, v in bad.items())
    assert not bad, f"{sum(map(len, bad.values()))} axe violations ({scheme}):\n{report}"


# elements outside the viewport that do not sit in a box of their own that scrolls sideways and fits
OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const fits = r => r.right <= vw + 0.5 && r.left >= -0.5;
  const inScrollBox = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && fits(a.getBoundingClientRect())) return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    // empty, or parked off-canvas to the left (Material's closed drawer and search)
    if (r.width === 0 || r.height === 0 || r.right <= 0 || fits(r)) continue;
    if (getComputedStyle(el).visibility === 'hidden' || inScrollBox(el)) continue;
    out.push(`${name(el)} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
  }
  return {vw, page: document.scrollingElement.scrollWidth, out,
    figures: [...document.querySelectorAll('figure.convfig-figure img')].filter(i => i.getClientRects().length)
      .map(i => ({src: i.getAttribute('src'), drawn: +i.getAttribute('width'),
                  shown: i.getBoundingClientRect().width})),
    buttons: [...document.querySelectorAll('.convfig-stepper button')].filter(b => b.getClientRects().length)
      .map(b => { const r = b.getBoundingClientRect();
                  return {left: r.left, right: r.right, w: r.width, h: r.height}; })};
}"""


def test_reflow_at_320_css_px(browser, server, site):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    problems, figures, buttons = [], 0, 0
    for rel in site_pages(site):
        page.goto(server + rel, wait_until="load")
        r = page.evaluate(OVERFLOW_JS)
        assert r["vw"] == 320
        if r["page"] > r["vw"]:
            problems.append(f"{rel}: the page scrolls sideways ({r['page']} px)")
        problems += [f"{rel}: {o} sticks out of the 320 px viewport" for o in r["out"][:5]]
        for f in r["figures"]:
            figures += 1
            if f["shown"] < 0.7 * f["drawn"] - 1 and f["shown"] < f["drawn"]:
                problems.append(f"{rel}: {f['src']} shown at {f['shown']:.0f} px of {f['drawn']} (< 70 %)")
        for b in r["buttons"]:
            buttons += 1
            if b["left"] < 0 or b["right"] > r["vw"] or min(b["w"], b["h"]) < 24:
                problems.append(f"{rel}: step-through button out of reach or small: {b}")
    assert figures >= 20 and buttons >= 3, (figures, buttons)
    # the check itself sees a block wider than the screen
    page.evaluate("() => { const d = document.createElement('div'); d.style.width = '500px'; d.style.height = '5px';"
                  " document.querySelector('.md-content__inner').append(d); }")
    assert page.evaluate(OVERFLOW_JS)["out"], "the overflow check missed a 500 px block"
    context.close()
    assert not problems, "\n".join(problems)


# the focused control, the element its ring is drawn on (a label or the tab strip for a hidden radio),
# the ring, and the colour painted around the ring (or inside it, for an inset ring)
FOCUS_JS = """async () => {
  const el = document.activeElement;
  if (!el || el === document.body || el.dataset.a11yStop) return null;
  el.dataset.a11yStop = '1';
  // focus in the search box opens it (Material's own handler, a moment later): judge the open box
  if (el.closest('.md-search')) await new Promise(r => setTimeout(r, 150));
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const opacity = a => {
    let o = 1;
    for (; a; a = a.parentElement) o *= parseFloat(getComputedStyle(a).opacity);
    return o;
  };
  const background = e => {
    const layers = [];
    for (let a = e; a; a = a.parentElement) {
      const c = rgba(getComputedStyle(a).backgroundColor);
      c[3] *= opacity(a);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((u, i) => c[i] * c[3] + u * (1 - c[3]));
    return out.map(Math.round);
  };
  const tiny = e => { const r = e.getBoundingClientRect(); return r.width <= 1 || r.height <= 1; };
  let shown = el;
  if (tiny(el)) {
    const next = el.nextElementSibling;
    const cands = [...(next && next.tagName === 'LABEL' ? [next] : []), ...(el.labels || [])];
    cands.push(...cands.map(l => l.parentElement));
    shown = cands.find(c => getComputedStyle(c).outlineStyle !== 'none') || cands[0] || el;
  }
  const cs = getComputedStyle(shown);
  const width = parseFloat(cs.outlineWidth), offset = parseFloat(cs.outlineOffset);
  const r = shown.getBoundingClientRect();
  let behind;
  if (offset < 0) behind = background(shown);
  else {
    const d = offset + width / 2;
    const x = r.left - d >= 0 ? r.left - d : r.right + d;
    const stack = document.elementsFromPoint(x, r.top + r.height / 2).filter(e => !shown.contains(e));
    behind = background(stack[0] || document.body);
  }
  return {el: name(el), shown: name(shown), style: cs.outlineStyle, width, ring: rgba(cs.outlineColor).slice(0, 3)
    .map(Math.round), behind, visible: r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < innerHeight
    && r.right > 0 && r.left < innerWidth && opacity(shown) >= 0.5};
}"""

# focusable controls a reader can see (radios count once per group: arrows move inside a group)
FOCUSABLE_JS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const seen = new Set(), out = [];
  for (const e of document.querySelectorAll(sel)) {
    if (e.tabIndex < 0 || e.disabled || e.closest('[inert]')) continue;
    if (!e.checkVisibility({visibilityProperty: true})) continue;
    if (e.type === 'radio') { if (seen.has(e.name)) continue; seen.add(e.name);
      if (![...document.getElementsByName(e.name)].some(x => x.dataset.a11yStop)) out.push('radio group ' + e.name);
      continue; }
    if (!e.dataset.a11yStop) out.push(e.outerHTML.slice(0, 120));
  }
  return out;
}"""


def _tab_to(page, selector: str, limit: int = 300) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _walk(page) -> list[dict]:
    """Tab from the top of the page until focus comes round; every stop's ring and surroundings."""
    page.add_style_tag(content=NO_MOTION)  # rings are judged once a transition would have ended
    stops = []
    for _ in range(600):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_JS)
        if info is None:
            return stops
        stops.append(info)
    raise AssertionError("Tab never came round to the start")


def _ring_problems(stops: list[dict]) -> list[str]:
    bad = []
    for s in stops:
        ratio = contrast_ratio(tuple(s["ring"]), tuple(s["behind"]))
        if s["style"] in ("none", "hidden") or s["width"] < 2 or ratio < 3 or not s["visible"]:
            bad.append(f"{s['el']} (ring on {s['shown']}): {s['style']} {s['width']} px {s['ring']} on "
                       f"{s['behind']} = {ratio:.2f}:1, visible={s['visible']}")
    return bad


def test_keyboard_every_page_every_control_a_visible_ring(browser, server, site):
    """Every page, the schemes taking turns (both on the page with viewers and content tabs): every Tab
    stop shows a ring, and every control a reader can see is reached."""
    full = _first_page_with(site, 'class="convfig-stepper"', 'class="tabbed-set')
    problems, names = [], ""
    for i, rel in enumerate(site_pages(site)):
        for scheme in list(SCHEMES) if rel == full else [list(SCHEMES)[i % 2]]:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            page.goto(server + rel, wait_until="load")
            stops = _walk(page)
            problems += [f"{rel} ({scheme}): {line}" for line in _ring_problems(stops)]
            problems += [f"{rel}: Tab never reaches {m}" for m in page.evaluate(FOCUSABLE_JS)]
            context.close()
            if rel == full:
                names += " ".join(s["el"] for s in stops)
    assert not problems, "\n".join(problems)
    for control in ("md-skip", "md-tabs__link", "md-search__input", "md-option", "#__tabbed_", "convfig-prev",
                    "convfig-play", "convfig-next", "md-code__button", "md-footer__link"):
        assert control in names, f"Tab never reached {control} on {full}"


def test_controls_work_from_the_keyboard(browser, server, site):
    rel = _first_page_with(site, 'class="convfig-stepper"', 'class="tabbed-set')
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()
    # each from a fresh page: theme toggle, search, step-through, content tabs
    page.goto(server + rel, wait_until="load")
    before = page.evaluate(SCHEME_JS)
    _tab_to(page, ".md-option")
    for _ in range(3):
        page.keyboard.press("Enter")
        if page.evaluate(SCHEME_JS) != before:
            break
    assert page.evaluate(SCHEME_JS) != before, "Enter on the theme toggle did not change the scheme"
    _tab_to(page, ".md-search__input")
    page.keyboard.type("stride")
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    page.goto(server + rel, wait_until="load")
    _tab_to(page, ".convfig-next")
    box = page.locator(".convfig-stepper:has(.convfig-next:focus)")
    page.keyboard.press("Enter")
    assert box.locator(".convfig-counter").inner_text().startswith("Step 1 of ")
    page.goto(server + rel, wait_until="load")
    _tab_to(page, ".tabbed-set > input")
    tabbed = page.evaluate("() => document.activeElement.id")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("(i) => document.activeElement.id !== i && document.activeElement.checked", tabbed)
    context.close()
