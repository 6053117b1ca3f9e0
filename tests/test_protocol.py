"""The renderer protocol, for every figure kind: plan -> Layout -> pixels, read back from the pixels.

Per kind: the module has compute/plan and nothing that draws; the driver honours fps; every keyed cell's
text is really in the picture at the Layout's position (checked against FreeType's own mask of that
text, independently of the canvas code); the module obeys the size limits of issue 7.
"""

from __future__ import annotations

import ast
import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from convfig.render import canvas, protocol
from convfig.render import text as tx
from convfig.render.layout import Box, Label, Layout
from convfig.render.registry import ANIMATED_KINDS, DIAGRAM_KINDS, KINDS, make_spec
from convfig.render.style import get_theme

RENDER = Path(__file__).resolve().parent.parent / "convfig" / "render"
KIND_DIR = RENDER / "kinds"

# non-square cases where the conv kinds take them
CASES = {
    "conv2d": {"input": "5x7", "kernel": "2x3", "strides": "1x2"},
    "conv1d": {"input": 9, "kernel": 3, "padding": "causal", "dilation": 2},
    "conv3d": {"input": "3x4x5", "kernel": "2x2x3"},
    "channels": {"input": "4x5", "kernel": "2x3", "channels": 2, "filters": 3},
}


def spec_of(kind: str, theme: str = "light", target: str = "page", **extra):
    return dataclasses.replace(make_spec(kind, {**CASES.get(kind, {}), **extra}, theme), target=target)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_one_module_with_compute_and_plan(kind):
    mod = protocol.kind_module(kind)
    assert callable(mod.compute) and callable(mod.plan)
    path = Path(mod.__file__)
    imports = _imports(path)
    for banned in ("matplotlib", "PIL", "convfig.render.canvas", "convfig.render.encode"):
        assert not any(i == banned or i.startswith(banned + ".") for i in imports), f"{path.name} imports {banned}"
    others = {p.stem for p in KIND_DIR.glob("*.py")} - {path.stem, "__init__"}
    assert not any(i.startswith("convfig.render.kinds.") and i.split(".")[3] in others for i in imports)


def test_no_render_module_over_400_lines():
    for path in RENDER.rglob("*.py"):
        n = len(path.read_text().splitlines())
        assert n <= 400, f"{path.relative_to(RENDER)} has {n} lines"


@pytest.mark.parametrize("kind", ANIMATED_KINDS)
@pytest.mark.parametrize("fps", [1, 5, 10])
def test_fps_is_honoured_by_every_animated_kind(kind, fps):
    r = protocol.render(spec_of(kind, fps=fps))
    assert len(r.frames) >= 2
    assert r.durations_ms[:-1] == [1000 // fps] * (len(r.frames) - 1)
    assert r.durations_ms[-1] >= 1000 // fps


def _ink(img: np.ndarray, box: tuple[int, int, int, int], fill: tuple[int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return (img[y0:y1, x0:x1] != np.array(fill, np.uint8)).any(axis=2)


def _later_boxes(layout: Layout, step: int | None, item) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of everything drawn after ``item`` (those may cover it)."""
    seq = list(layout.items)
    if step is not None:
        for st in layout.steps[:step + 1]:
            seq += st.keep
        seq += layout.steps[step].show
    after = seq[next(i for i, it in enumerate(seq) if it is item) + 1:]
    return [canvas.bbox(it, layout.levels) for it in after]


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check_text_in_box(img: np.ndarray, layout: Layout, it: Box, theme) -> None:
    """The cell shows exactly its text: the ink inside the box is FreeType's mask of it, where the Layout says."""
    m = tx.mask(it.text, it.size, it.bold, False, layout.levels, layout.ss)
    ink_h, ink_w = m.ink.shape
    ss = layout.ss
    lx, ly = tx.place(m, (it.x + it.w / 2) * ss, (it.y + it.h / 2 + it.text_dy) * ss, "center", "center")
    inner = (int(np.ceil(it.x)) + 2, int(np.ceil(it.y)) + 2, int(it.x + it.w) - 2, int(it.y + it.h) - 2)
    got = _ink(img, inner, canvas.Raster(1, 1, theme).rgb(it.fill))
    if ss == 1:
        want = np.zeros_like(got)
        ys, xs = np.nonzero(m.ink)
        ys, xs = ys + ly - inner[1], xs + lx - inner[0]
        ok = (ys >= 0) & (ys < want.shape[0]) & (xs >= 0) & (xs < want.shape[1])
        want[ys[ok], xs[ok]] = True
        assert np.array_equal(got, want), f"{it.key}: the pixels do not show {it.text!r} where the Layout puts it"
    else:   # anti-aliased: the ink's extent matches the text's
        cols = np.flatnonzero(got.any(axis=0))
        assert len(cols), f"{it.key}: no ink for {it.text!r}"
        assert abs((cols[-1] - cols[0] + 1) - ink_w / ss) <= 2, f"{it.key}: ink width differs for {it.text!r}"
        assert abs(cols[0] + inner[0] - lx / ss) <= 2, f"{it.key}: {it.text!r} is not where the Layout puts it"


@pytest.mark.parametrize("theme, target", [("light", "page"), ("dark", "page"), ("light", "slide")])
@pytest.mark.parametrize("kind", list(KINDS))
def test_keyed_cells_show_their_text_in_the_pixels(kind, theme, target):
    spec = spec_of(kind, theme, target)
    layout = protocol.layout_of(spec)
    th = get_theme(theme)
    steps = [None] if not layout.steps else sorted({0, len(layout.steps) // 2, len(layout.steps) - 1})
    checked = 0
    for step in steps:
        img = protocol.pixels_of(layout, theme, step)
        for it in layout.keyed(step):
            if not isinstance(it, Box) or not it.text or it.fill is None or it.hatch is not None:
                continue
            me = canvas.bbox(it)
            if any(_overlaps(me, b) for b in _later_boxes(layout, step, it)):
                continue
            _check_text_in_box(img, layout, it, th)
            checked += 1
    assert checked >= 3, f"{kind}: only {checked} keyed cells could be checked in the pixels"


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("kind", ANIMATED_KINDS)
def test_frames_are_the_layout_step_by_step(kind, target):
    """The driver's patched frames equal drawing the Layout from scratch at that step."""
    spec = spec_of(kind, target=target)
    r = protocol.render(spec)
    for step in sorted({0, 1, len(r.frames) - 1}):
        assert np.array_equal(np.asarray(r.frames[step]), protocol.pixels_of(r.layout, "light", step)), step


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("kind", ANIMATED_KINDS)
def test_steps_name_the_window_and_write_one_output_cell(kind, target):
    layout = protocol.layout_of(spec_of(kind, target=target))
    scatter = getattr(protocol.kind_module(kind), "SCATTER", False)   # a step adds into cells written before
    written = set()
    for st in layout.steps:
        assert st.text and st.window, "every step says what it does and which input cells it reads"
        assert all(k[0] == "input" for k in st.window)
        new = {it.key for it in st.keep if getattr(it, "key", None) and it.key[0] == "output"}
        assert new and (scatter or not new & written)
        written |= new


def test_label_rotation_and_svg_text_round_trip():
    lay = Layout(120, 60, [Label(60, 30, "axis", rotate=90, ha="center", va="center"),
                           Box(0, 0, 30, 30, fill="input_fill", text="−3", key=("input", (0, 0)))], alt="demo")
    img = protocol.pixels_of(lay, "light")
    ink = _ink(img, (40, 0, 80, 60), canvas.Raster(1, 1, get_theme("light")).rgb("bg"))
    ys, xs = np.nonzero(ink)
    assert np.ptp(ys) > np.ptp(xs), "rotated text runs vertically"
    svg = canvas.svg(lay, get_theme("light")).decode()
    assert ">−3</text>" in svg and ">axis</text>" in svg and "rotate(-90" in svg


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("kind", DIAGRAM_KINDS)
def test_stills_are_one_png_and_an_svg_of_the_same_layout(kind, theme):
    r = protocol.render(spec_of(kind, theme))
    lay = r.layout
    assert not lay.steps and len(r.frames) == len(r.steps) == len(r.durations_ms) == 1
    f = r.frames[0]
    assert f.dtype == np.uint8 and f.shape == (lay.height, lay.width, 3) and r.width >= 400
    assert len(np.unique(f.reshape(-1, 3), axis=0)) > 8
    root = ET.fromstring(r.svg)
    assert root.tag.endswith("svg") and root.get("width") == str(lay.width)
    svg_texts = sorted(t.text for t in root.iter() if t.tag.endswith("text") and t.text)
    want = sorted(it.text for it in lay.items if isinstance(it, Box | Label) and it.text.strip())
    assert svg_texts == want, "the SVG writes exactly the Layout's texts"
    assert r.alt == lay.alt and root.find("{http://www.w3.org/2000/svg}title").text == r.alt
    for it in lay.items:            # nothing clipped
        x0, y0, x1, y1 = canvas.bbox(it)
        assert x0 >= -1 and y0 >= -1 and x1 <= lay.width + 1 and y1 <= lay.height + 1, it
