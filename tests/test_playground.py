"""The playground: its JavaScript engine against the Python engine (parity), and the real page in Chromium.

Parity: >= 2,000 random layers (1D/2D/3D, strides, every padding, dilation, groups, uneven sizes, Keras
refusals and malformed values) through docs/assets/playground/engine.js in Chromium and through convfig:
equal shapes, padding, example numbers, outputs (<= 1e-9 relative), Keras line, command and refusals.
Page: the built site's playground, driven through its controls and its URL; the numbers drawn in the
output cells are read back and compared with convfig.conv.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import convfig
from convfig.compute import seeded

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt (apt-get install chromium)", pytrace=False)
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); playground tests skipped",
                allow_module_level=True)

from playground_parity import compare, js_layers, load_engine, python_layer, random_raws  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from test_browser import ARGS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PARITY_COUNT = 2000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


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
