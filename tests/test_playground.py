"""The playground: its JavaScript engine against the Python engine (parity), and the real page in Chromium.

Parity: >= 2,000 random layers (1D/2D/3D, strides, every padding, dilation, groups, uneven sizes, Keras
refusals and malformed values) through docs/assets/playground/engine.js in Chromium and through convfig:
equal shapes, padding, example numbers, outputs (<= 1e-9 relative), Keras line, command and refusals.
Page: the built site's playground, driven through its controls and its URL; the numbers drawn in the
output cells are read back and compared with convfig.conv. The browser and site fixtures are conftest.py's.
"""

from __future__ import annotations

import importlib
import re
import shlex
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin

import numpy as np
import pytest
from playground_parity import compare, js_layers, load_engine, python_layer, random_raws
from test_browser import Watch

import convfig
from convfig.compute import seeded

ROOT = Path(__file__).resolve().parents[1]
PARITY_COUNT = 2400          # a third of them with your own numbers
PAGE_SPECS = 20
CAPS = {1: 64, 2: 32, 3: 8}
PADDING_CHOICES = ("valid", "same", "causal", "full", "1", "2")
READ_CELLS = """() => [...document.querySelectorAll('#cfp-figure [data-index]')].map(e =>
  [e.dataset.index, e.dataset.value, e.textContent, getComputedStyle(e).visibility])"""


@pytest.fixture(scope="module")
def engine_page(browser):
    page = browser.new_page()
    load_engine(page)
    yield page
    page.close()


def test_generator_is_the_documented_mulberry32(engine_page):
    """Python's convfig.rng and the JavaScript words agree, and both are mulberry32 as published."""
    from convfig import rng

    ref = """(n) => { let a = 12345, out = [];
      for (let i = 0; i < n; i++) { a |= 0; a = a + 0x6D2B79F5 | 0; let t = Math.imul(a ^ a >>> 15, 1 | a);
        t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t; out.push((t ^ t >>> 14) >>> 0); } return out; }"""
    published = engine_page.evaluate(ref, 1000)
    ours = engine_page.evaluate("(n) => Array.from({length: n}, (_, i) => ConvfigEngine.word(12345, i))", 1000)
    assert ours == published == rng.words(12345, 1000).tolist()
    js_ints = engine_page.evaluate("() => Array.from(ConvfigEngine.integers(4294967295, -1, 1, 3000, 17))")
    assert js_ints == rng.integers(2**32 - 1, -1, 1, 3000, start=17).tolist()
    assert set(js_ints) == {-1, 0, 1}


def test_parity_with_the_python_engine(engine_page):
    raws = random_raws(PARITY_COUNT, seed=0)
    py = [python_layer(r) for r in raws]
    js = js_layers(engine_page, raws)
    diffs = [d for raw, a, b in zip(raws, py, js) for d in compare(raw, a, b)]
    assert not diffs, f"{len(diffs)} of {len(raws)} differ:\n" + "\n".join(diffs[:20])
    # the sample really covers what it claims
    ok = [(r, a) for r, a in zip(raws, py) if "error" not in a]
    ranks = Counter(len(a["output_shape"]) - 1 for _, a in ok)
    assert min(ranks[1], ranks[2], ranks[3]) >= 150, ranks
    assert sum(r.get("padding", "valid").lower() == "same" for r, _ in ok) >= 150
    assert sum(r.get("padding") == "causal" for r, _ in ok) >= 50
    assert sum(r.get("padding") == "full" for r, _ in ok) >= 50
    assert sum(":" in r.get("padding", "") for r, _ in ok) >= 50
    assert sum(int(r.get("groups", 1)) > 1 for r, _ in ok) >= 50
    assert sum(max(a["pads"][i][0] != a["pads"][i][1] for i in range(len(a["pads"]))) for _, a in ok) >= 100
    assert sum("dilation_rate" in a["keras"] for _, a in ok) >= 50
    mine = [(r, a) for r, a in zip(raws, py) if set(r) & {"values", "kernel_values", "bias"}]
    assert sum("error" not in a for _, a in mine) >= 200                    # your own numbers, drawn
    assert sum("error" not in a and "." in r.get("values", "") for r, a in mine) >= 20
    assert sum("error" not in a and any(b for b in a["b"]) for _, a in mine) >= 30
    assert sum("error" not in a and r.get("kernel_values", "0")[0].isalpha() for r, a in mine) >= 10
    for rule in ("is not a number", "numbers but", "has rows of", "is 3 wide on every axis", "is not a finite",
                 "is too large", "give the numbers for this"):
        assert sum(rule in a.get("error", "") for _, a in mine) >= 3, rule
    errors = [a["error"] for a in py if "error" in a]
    for rule in ("together with dilation_rate", "only for rank-1", "must be divisible by groups",
                 "is larger than the padded input", "got '", "seed: must be between"):
        assert sum(rule in e for e in errors) >= 5, rule


def test_seed_gives_the_figures_numbers(engine_page):
    """The playground's numbers for a seed are the ones `convfig gif --seed` draws (convfig.example)."""
    spec = convfig.ConvSpec.make((3, 4), (2, 2), channels=2, filters=3)
    for seed in (0, 1, 2**31, 2**32 - 1):
        x, k, _ = convfig.example(spec, seed)
        js = engine_page.evaluate("""(seed) => { const L = ConvfigEngine.layer({input: '3x4', kernel: '2',
            channels: '2', filters: '3', seed: String(seed)}); const e = ConvfigEngine.example(L.spec, seed);
            return [Array.from(e.x), Array.from(e.k)]; }""", seed)
        assert js == [x.ravel().tolist(), k.ravel().tolist()]
        assert np.array_equal(seeded(spec, seed)[0], x)


# ---------------- the real page ----------------

def _page_specs(n: int, seed: int) -> list[dict[str, str]]:
    """n random layers the page draws (within its caps; padding among the select's choices)."""
    rng = np.random.default_rng(seed)
    out: list[dict[str, str]] = []
    while len(out) < n:
        raw = {"input": "", "kernel": "3", "strides": "1", "dilation": "1", "padding": "valid", "channels": "1",
               "filters": "1", "groups": "1", "seed": "0", **random_raws(1, int(rng.integers(1 << 30)))[0]}
        for key in ("values", "kernel_values", "bias"):      # the controls give the layer, the seed its numbers
            raw.pop(key, None)
        py = python_layer(raw)
        if "error" in py or raw["padding"] not in PADDING_CHOICES:
            continue
        rank = len(py["output_shape"]) - 1
        sizes = [int(v) for v in re.split(r"[x×\s]+", raw["input"].strip()) if v]
        if max(sizes) > CAPS[rank] or int(raw["channels"]) > 8 or int(raw["filters"]) > 8:
            continue
        out.append(raw)
    return out


def _set_controls(page, raw: dict[str, str]) -> None:
    """Type a layer into the page's controls, as a reader would."""
    sizes = [v for v in re.split(r"[x×\s]+", raw["input"].strip()) if v]
    rank = len(sizes)
    page.select_option("#cfp-layer", str(rank))
    for key, value in (("input", "x".join(sizes)), ("kernel", raw["kernel"]), ("strides", raw["strides"]),
                       ("dilation", raw["dilation"])):
        parts = value.split("x")
        for i in range(rank):
            page.fill(f"#cfp-{key}-{i}", parts[i] if len(parts) > 1 else parts[0])
    for key in ("channels", "filters", "groups", "seed"):
        page.fill(f"#cfp-{key}", raw[key])
    page.select_option("#cfp-padding", raw["padding"])


def _expected(raw: dict[str, str]) -> tuple[convfig.ConvSpec, np.ndarray]:
    from convfig.params import conv_params, conv_spec

    spec = conv_spec(conv_params({k: raw[k] for k in convfig.params.CONV_KEYS}))
    x, k, _ = convfig.example(spec, int(raw["seed"]))
    y = convfig.conv(x, k, strides=spec.strides, padding=spec.padding, dilation_rate=spec.dilation_rate,
                     groups=spec.groups)
    return spec, y


def _check_drawn(cells: list, y: np.ndarray) -> None:
    """Every output cell drawn once, its data-value the engine's (exact for the seed's integers; your own
    numbers may be added in another order: 1e-9 of the largest) and its text that value as written (two
    decimals at most)."""
    assert len(cells) == y.size, (len(cells), y.shape)
    seen = set()
    tol = 1e-9 * max(1.0, float(np.abs(y).max()))
    whole = bool(np.all(y == np.round(y)))
    for index, value, text, visibility in cells:
        idx = tuple(int(v) for v in index.split(","))
        seen.add(idx)
        assert (float(value) == y[idx]) if whole else abs(float(value) - y[idx]) <= tol, (idx, value, y[idx])
        assert abs(float(text.replace("\u2212", "-")) - y[idx]) <= (0 if whole else 0.005 + tol), (idx, text, y[idx])
        assert visibility == "visible", idx
    assert len(seen) == y.size


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch(context, "http")
    page = watch.attach(context.new_page())
    page.goto(server + "playground/", wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status]")
    page.watch = watch
    yield page
    assert not watch.errors, watch.errors
    assert not watch.outside, watch.outside
    context.close()


def test_controls_draw_what_convfig_conv_computes(page):
    ranks = Counter()
    for raw in _page_specs(PAGE_SPECS, seed=5):
        _set_controls(page, raw)
        spec, y = _expected(raw)
        ranks[spec.rank] += 1
        assert page.get_attribute("#convfig-playground", "data-status") == "ok", page.inner_text("#cfp-refusal")
        _check_drawn(page.evaluate(READ_CELLS), y)
        assert page.inner_text("#cfp-output-shape") == "(None, " + ", ".join(map(str, y.shape)) + ")"
        assert page.inner_text("#cfp-summary .cfp-keras code") == spec.keras_call()
    assert len(ranks) == 3, ranks


def _cli_output(command: str) -> np.ndarray:
    """The output `convfig gif` draws for the command the page shows (shell words, as a reader pastes it)."""
    from convfig.cli import build_parser
    from convfig.cli.args import raw_params
    from convfig.cli.gif import KEYS
    from convfig.params import CONV_KEYS, conv_params, gif_kind
    from convfig.render.registry import KINDS, make_spec

    args = build_parser().parse_args(shlex.split(command)[1:])
    raw = raw_params(args, KEYS)
    conv = conv_params({k: raw[k] for k in CONV_KEYS})
    kind = gif_kind(len(conv["input"]), conv["channels"], conv["filters"])
    data = importlib.import_module(KINDS[kind].module).compute(make_spec(kind, raw))
    return getattr(data, "tr", data).output           # conv3d's data holds the trace


def test_url_holds_the_layer_and_the_command_reproduces_the_figure(page, server):
    url = server + "playground/#input=7x5&kernel=3x2&strides=2&padding=same&channels=2&filters=3&seed=41"
    page.goto(url, wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    assert page.input_value("#cfp-input-0") == "7" and page.input_value("#cfp-input-1") == "5"
    assert page.input_value("#cfp-kernel-1") == "2" and page.input_value("#cfp-seed") == "41"
    command = page.inner_text("#cfp-command")
    assert command == ("convfig gif --input 7x5 --channels 2 --filters 3 --kernel 3x2 --strides 2 --padding same "
                       "--seed 41 -o conv.gif")
    # what `convfig gif` would draw for that command: the same numbers as the page
    _check_drawn(page.evaluate(READ_CELLS), _cli_output(command))
    # a control change rewrites the address; the address alone restores the layer
    page.fill("#cfp-strides-0", "1")        # the address follows a moment after the redraw
    page.wait_for_function("location.hash.includes('strides=1x2')", timeout=2000)
    page.goto(server + "playground/" + page.evaluate("location.hash"), wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    assert page.input_value("#cfp-strides-0") == "1" and page.input_value("#cfp-strides-1") == "2"


GIVEN = [   # your own numbers in the address (the CLI's flags without "--"), and what they exercise
    ("input=5x5&padding=same&values=0,0,1,1,1;0,0,1,1,1;0,0,1,1,1;0,0,1,1,1;0,0,1,1,1&kernel-values=sobel-x"
     "&bias=0.5", "named kernel, bias, rows"),
    ("input=6x4&kernel=2&strides=2&channels=2&filters=3&values=1.5&kernel-values=1,-1,0.25,2,0,1,"
     "-2,1,0.5,1,1,-1,3,0,2,1,-0.125,1,0,1,1,2,-1,1&bias=1,-2,0.75&seed=9", "one value fills, floats, filters"),
    ("input=7&kernel=3&padding=causal&values=0,1,2,3,4,5,6&kernel-values=blur", "1D named kernel"),
    ("input=3x3x3&kernel=2&values=1,2,3;4,5,6;7,8,9;1,2,3;4,5,6;7,8,9;1,2,3;4,5,6;7,8,9&seed=4", "3D, seeded kernel"),
]


@pytest.mark.parametrize("query", [q for q, _ in GIVEN], ids=[why for _, why in GIVEN])
def test_given_numbers_are_drawn_and_the_command_reproduces_them(page, server, query):
    page.goto(server + "playground/#" + query, wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    command = page.inner_text("#cfp-command")
    for key in ("values", "kernel-values", "bias"):
        assert (f"--{key} " in command) == (f"{key}=" in query), (key, command)
    y = _cli_output(command)
    _check_drawn(page.evaluate(READ_CELLS), y)
    raw = {k.replace("-", "_"): v for k, v in (part.split("=") for part in query.split("&"))}
    py = python_layer(raw)
    assert np.allclose(np.asarray(py["output"]).reshape(y.shape), y)
    assert "Your numbers" in page.inner_text("#cfp-numbers")
    # the address keeps them: a control change writes them back, the new address draws the same numbers
    page.fill("#cfp-seed", "12")
    page.wait_for_function("location.hash.includes('seed=12')", timeout=2000)
    for key in ("values", "kernel-values", "bias"):
        assert (f"{key}=" in page.evaluate("location.hash")) == (f"{key}=" in query), key
    page.goto(server + "playground/" + page.evaluate("location.hash"), wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    reloaded = page.inner_text("#cfp-command")
    assert "--seed 12" in reloaded

    def numbers(words: list[str]) -> dict[str, str]:
        return {w: words[i + 1] for i, w in enumerate(words) if w in ("--values", "--kernel-values", "--bias")}

    assert numbers(shlex.split(reloaded)) == numbers(shlex.split(command))
    _check_drawn(page.evaluate(READ_CELLS), _cli_output(page.inner_text("#cfp-command")))


def test_numbers_that_no_longer_fit_are_set_aside_and_come_back(page, server):
    """A control change that makes your numbers not fit draws the seed's instead, says so, and leaves them
    out of the address and the command; changing back brings them back. The button forgets them."""
    page.goto(server + "playground/#input=4x4&values=1,2,3,4;5,6,7,8;9,10,11,12;13,14,15,16&kernel-values=sobel-x",
              wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    assert page.get_attribute("#convfig-playground", "data-numbers") == "values,kernel_values"
    page.fill("#cfp-input-1", "5")                        # 4x5: the 16 values no longer fit
    assert page.get_attribute("#convfig-playground", "data-status") == "ok"
    assert page.get_attribute("#convfig-playground", "data-numbers") == "kernel_values;aside:values"
    note = page.inner_text("#cfp-numbers")
    assert "Set aside: the input values" in note
    assert "values '1,2,3,4,5,6,…' gives 16 numbers but input 4x5 needs 20 (4x5)" in note
    command = page.inner_text("#cfp-command")
    assert "--values" not in command and "--kernel-values sobel-x" in command
    _check_drawn(page.evaluate(READ_CELLS), _cli_output(command))        # the seed's input, the given kernel
    page.wait_for_function("!location.hash.includes('values=1') && location.hash.includes('input=4x5')",
                           timeout=2000)
    page.fill("#cfp-kernel-0", "2")                       # kernel 2x3: sobel-x no longer fits either
    assert page.get_attribute("#convfig-playground", "data-numbers") == ";aside:values,kernel_values"
    page.fill("#cfp-kernel-0", "3")
    page.fill("#cfp-input-1", "4")                        # back to 4x4: both are drawn again
    assert page.get_attribute("#convfig-playground", "data-numbers") == "values,kernel_values"
    assert "--values '1,2,3,4;5,6,7,8;9,10,11,12;13,14,15,16'" in page.inner_text("#cfp-command")
    page.click("#cfp-numbers .cfp-forget")                # the seed's numbers from now on
    assert page.get_attribute("#convfig-playground", "data-numbers") == ""
    assert not page.is_visible("#cfp-numbers")
    assert "--values" not in page.inner_text("#cfp-command")


PLACES = """() => { const all = document.createElement('style');  // off screen panels are laid out too
  all.textContent = '#cfp-figure .cfp-box { content-visibility: visible !important; }';
  document.head.append(all);
  const out = [...document.querySelectorAll('#cfp-figure .cfp-output-panel')].flatMap((panel) => {
  const svg = panel.querySelector('.cfp-nums').getBoundingClientRect();     // the grid's top left corner
  const cell = parseFloat(getComputedStyle(panel.querySelector('.cfp-box')).getPropertyValue('--cell'));
  return [...panel.querySelectorAll('[data-index]')].map((e) => {
    const r = e.getBoundingClientRect();
    return [e.dataset.index, Math.floor((r.left + r.width / 2 - svg.left) / cell),
            Math.floor((r.top + r.height / 2 - svg.top) / cell)];
  });
  });
  all.remove();
  return out;
}"""


SPARE_CELLS = """() => [...document.querySelectorAll('#cfp-figure .cfp-output-panel .cfp-nums span:not([data-index])')]
  .map((e) => [e.textContent, e.hasAttribute('data-value')])"""


def test_redraws_in_place_keep_every_cell_right(page, server):
    """A redraw updates the drawn cells in place (same shape) or reshapes them (another output size): after
    each change every output cell holds the engine's value and sits in its own grid square, and the cells a
    smaller output keeps for later (spare) are blank and carry no data-index / data-value."""
    base = {"input": "16x16", "kernel": "3", "strides": "1", "dilation": "1", "padding": "same", "channels": "3",
            "filters": "4", "groups": "1", "seed": "0"}
    page.goto(server + "playground/#" + "&".join(f"{k}={v}" for k, v in base.items()), wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    changes = [("seed", "7"), ("padding", "valid"), ("kernel", "2x3"), ("strides", "1x2"), ("seed", "8"),
               ("padding", "same"), ("strides", "1"), ("kernel", "3"), ("filters", "2"), ("input", "9x12"),
               ("input", "9x13"), ("seed", "9")]
    raw = dict(base)
    spares = 0
    for step, (key, value) in enumerate(changes):
        if step % 3 == 1:
            page.focus("#cfp-figure")
            page.keyboard.press("Home")           # hide most cells: a redraw must show them all again
        raw[key] = value
        _set_controls(page, raw)
        assert page.get_attribute("#convfig-playground", "data-status") == "ok", (key, value)
        _, y = _expected(raw)
        _check_drawn(page.evaluate(READ_CELLS), y)
        for index, col, row in page.evaluate(PLACES):
            *pos, _ = (int(v) for v in index.split(","))
            assert (row, col) == (pos[-2], pos[-1]), (key, value, index, row, col)
        # a smaller output keeps the cells it no longer needs, blank and without data-index / data-value
        spare = page.evaluate(SPARE_CELLS)
        assert all(not text.strip() and not attrs for text, attrs in spare), (key, value, spare[:3])
        spares = max(spares, len(spare))
    assert spares >= 4 * 16 * 8, spares          # strides 1x2 left half of each 16x16 output panel spare


REFUSED = [
    "input=9x9&kernel=3&strides=2&dilation=2",
    "input=9x9&padding=causal",
    "input=6x6&channels=3&groups=2",
    "input=6x6&filters=3&channels=2&groups=2",
    "input=4x4&kernel=5",
    "input=8&kernel=3&dilation=4",
    "input=5xa",
    "input=5x5&kernel=3x3x3",
    "input=5x5&seed=-4",
    "input=5x5&values=1,2",                             # your own numbers, in the engine's words too
    "input=4x4&values=1,2;3,4;5,6;7,8",
    "input=5x5&values=1,a",
    "input=5&kernel-values=sobel-y",
    "input=5x5&kernel=2&kernel-values=blur",
    "input=5x5&filters=2&bias=1,2,3",
    "input=5x5&values=1e9",
    "input=3&kernel_values=1,2",                        # the fence's spelling of the key works too
]


@pytest.mark.parametrize("query", REFUSED)
def test_refusals_use_the_engine_wording(page, server, query):
    raw = {k.replace("-", "_"): v for k, v in (part.split("=") for part in query.split("&"))}
    expected = python_layer(raw)["error"]
    page.goto(server + "playground/#" + query, wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=refusal]")
    assert page.inner_text("#cfp-refusal .cfp-message") == expected
    assert not page.is_visible("#cfp-figure")
    assert "NaN" not in page.inner_text("#convfig-playground")


def test_size_caps_say_so_and_never_draw(page, server):
    for query, word in (("input=33x33", "input: 33x33"), ("input=9x9x9", "input: 9x9x9"),
                        ("input=5x5&channels=9", "channels: 9"), ("input=5&padding=900", "padded input is 1805"),
                        ("input=24x24&kernel=7&padding=same&channels=8&filters=8", "cells")):
        page.goto(server + "playground/#" + query, wait_until="load")
        page.wait_for_selector("#convfig-playground[data-status=cap]")
        assert word in page.inner_text("#cfp-refusal .cfp-message"), query
        assert page.locator("#cfp-figure [data-index]").count() == 0 or not page.is_visible("#cfp-figure")


def test_keyboard_steps_plays_and_announces(page, server):
    page.goto(server + "playground/#input=5x4&kernel=3&padding=same&filters=2", wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    n = 20
    assert page.inner_text("#cfp-counter") == f"Step {n} of {n}"
    text = page.locator("#cfp-step-text")
    assert text.get_attribute("aria-live") == "polite"
    page.focus("#cfp-figure")
    page.keyboard.press("Home")
    assert page.inner_text("#cfp-counter") == f"Step 1 of {n}"
    assert text.inner_text().startswith(f"Step 1 of {n}: output (0, 0) reads input rows −1 to 1, columns −1 to 1")
    hidden = page.evaluate(READ_CELLS)
    assert sum(v == "visible" for *_, v in hidden) == 2          # one position, two filters
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#cfp-counter") == f"Step 2 of {n}"
    assert page.get_attribute("#cfp-scrub", "aria-valuetext") == f"Step 2 of {n}"
    page.keyboard.press("End")
    assert page.inner_text("#cfp-counter") == f"Step {n} of {n}"
    page.focus("#cfp-play")
    page.keyboard.press("Enter")                 # at the end, Play starts over
    assert page.inner_text("#cfp-play") == "Pause"
    page.wait_for_timeout(1600)
    step = int(page.inner_text("#cfp-counter").split()[1])
    assert 2 <= step < n
    page.keyboard.press("Space")
    assert page.inner_text("#cfp-play") == "Play"
    page.focus("#cfp-scrub")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#cfp-counter") == f"Step {step - 1} of {n}"


def test_dark_palette_follows_the_site(page):
    def colours():
        return page.evaluate("""() => { const t = document.querySelector('#cfp-figure [data-index]');
          return [getComputedStyle(t).color, getComputedStyle(document.body).backgroundColor]; }""")

    light_text, light_bg = colours()
    for _ in range(3):
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
            break
        page.locator("form[data-md-component=palette] label:visible").first.click()
    dark_text, dark_bg = colours()

    def luma(css: str) -> float:
        r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert luma(light_text) < 100 < luma(light_bg)
    assert luma(dark_text) > 150 > luma(dark_bg)


def test_offline_bundle_playground_over_file(browser, offline_site):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    watch = Watch(context, "file")
    page = watch.attach(context.new_page())
    page.goto((offline_site / "playground.html").resolve().as_uri() + "#input=6&kernel=3&padding=causal&seed=3",
              wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    _, y = _expected({"input": "6", "kernel": "3", "strides": "1", "dilation": "1", "padding": "causal",
                      "channels": "1", "filters": "1", "groups": "1", "seed": "3"})
    _check_drawn(page.evaluate(READ_CELLS), y)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "page wider than a phone"
    assert not watch.errors, watch.errors
    assert not watch.outside, watch.outside
    context.close()


FIGURE_LINKS = """els => els.filter((e) => ['conv1d', 'conv2d', 'conv3d', 'channels'].includes(e.dataset.kind))
  .map((e) => { const a = e.querySelector('a.convfig-playground-link'); return a && a.getAttribute('href'); })"""


def test_figures_open_in_the_playground_with_their_numbers(page, server):
    """Every conv figure links to the playground with its layer and its numbers (its own values, or the
    ones a named example such as edge, impulse or photo draws); the playground draws the figure's output."""
    hrefs = []
    for src in ("padding/", "strides/", "channels/", "dimensions/", "kernels/", "real-data/"):
        page.goto(server + src, wait_until="load")
        links = page.eval_on_selector_all("figure.convfig-figure", FIGURE_LINKS)
        assert links and None not in links, (src, links)
        hrefs += [(src, h) for h in links]
    assert len(hrefs) >= 12, hrefs
    given = [(src, h) for src, h in hrefs if "values=" in h]
    assert len(given) >= 3, hrefs
    assert any("kernel-values=-1,0,1;-2,0,2;-1,0,1" in h for _, h in given), given     # the photo's Sobel x
    kinds_seen = set()
    for src, href in hrefs[::3] + given:
        page.goto(urljoin(server + src, href), wait_until="load")      # where the link leads
        page.wait_for_selector("#convfig-playground[data-status=ok]")
        raw = {k.replace("-", "_"): unquote(v) for k, v in (p.split("=") for p in href.split("#", 1)[1].split("&"))}
        py = python_layer(raw)                 # the engine, with the link's numbers where it has them
        kinds_seen.add((len(py["output_shape"]) - 1, max(py["output_shape"][-1], int(raw.get("channels", 1))) > 1))
        _check_drawn(page.evaluate(READ_CELLS), np.asarray(py["output"]).reshape(py["output_shape"]))
        if "values=" in href:
            assert "--values" in page.inner_text("#cfp-command"), href
    assert len(kinds_seen) >= 2, kinds_seen


def test_no_gif_note_means_the_cli_accepts(engine_page):
    """Where the page shows the command without a size note, `convfig gif` accepts the layer."""
    from convfig.cli import build_parser
    from convfig.cli.args import raw_params
    from convfig.cli.gif import KEYS
    from convfig.params import CONV_KEYS, conv_params, gif_kind
    from convfig.render.registry import check_size, make_spec

    rng = np.random.default_rng(11)
    checked = noted = 0
    while checked < 150:
        rank = int(rng.choice([1, 2, 3]))
        raw = {"input": "x".join(str(int(v)) for v in rng.integers(1, CAPS[rank] + 1, rank)),
               "kernel": str(int(rng.integers(1, 6))), "padding": str(rng.choice(["valid", "same", "full", "1"])),
               "channels": str(int(rng.integers(1, 9))), "filters": str(int(rng.integers(1, 9))),
               "strides": str(int(rng.integers(1, 3)))}
        page = engine_page.evaluate("""(raw) => { try { const L = ConvfigEngine.layer(raw);
            return [ConvfigEngine.checkBudget(L.spec), ConvfigEngine.gifMayRefuse(L.spec), L.command]; }
            catch (e) { return null; } }""", raw)
        if page is None or page[0] is not None:
            continue                    # refused, or over the playground's own caps
        if page[1]:
            noted += 1
            continue
        args = build_parser().parse_args(page[2].split()[1:])
        given = raw_params(args, KEYS)
        conv = conv_params({k: given[k] for k in CONV_KEYS})
        kind = gif_kind(len(conv["input"]), conv["channels"], conv["filters"])
        check_size(kind, make_spec(kind, given).params)        # raises if the CLI would refuse
        checked += 1
    assert noted >= 20
