"""Issue 11: what the pages claim in numbers (corrections 4a, 4d, 4e, 4f and the captions of the real-data and
named-example figures) is checked against the engine and the figures' Layouts, so a page cannot drift from
what convfig computes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import convfig
from convfig.mkdocs.fence import find_fences, parse_body
from convfig.render import fmt, protocol, samples
from convfig.render.registry import make_spec

DOCS = Path(__file__).resolve().parent.parent / "docs"


def fences(page: str, kind: str, **match):
    """(fence, python code block just before it) for every fence of ``kind`` whose params include ``match``."""
    text = (DOCS / page).read_text(encoding="utf-8")
    lines = text.splitlines()
    out = []
    for b in find_fences(text):
        f = parse_body(b.body, page, b.start)
        if f.kind == kind and all(str(f.params.get(k)) == str(v) for k, v in match.items()):
            before = "\n".join(lines[:b.start - 1])
            code = re.findall(r"```python\n(.*?)```", before, re.S)
            out.append((f, code[-1] if code else ""))
    assert out, f"no {kind} fence with {match} on {page}"
    return out


def coverage(n: int, k: int, padding: str) -> np.ndarray:
    tr = convfig.trace_example(convfig.ConvSpec.make((n, n), k, padding=padding))
    count = np.zeros((n, n), int)
    for st in tr.steps:
        rows, cols = (np.asarray(i) for i in st.input_index)
        for r in rows[(rows >= 0) & (rows < n)]:
            for c in cols[(cols >= 0) & (cols < n)]:
                count[r, c] += 1
    return count


def test_4a_padding_coverage_caption_states_what_the_figure_shows():
    (f, _), = fences("padding.md", "coverage", input="5x5", padding="valid")
    cov = coverage(5, 3, "valid")
    assert cov[0, 1] != cov[0, 2]                        # next to a corner differs from the middle of an edge
    want = (f"{cov[0, 0]} at the corners, {cov[0, 1]} next to the corners, {cov[0, 2]} in the middle of each "
            f"edge, {cov[2, 2]} in the centre")
    assert want in f.caption


def _conv_lines(code: str):
    """(Input shape, [(call, comment shape)]) from a Keras snippet with `# (None, ...)` comments."""
    shape = tuple(int(v) for v in re.search(r"Input\(shape=\(([^)]*)\)\)", code)[1].split(","))
    layers = []
    for line in code.splitlines():
        m = re.search(r"Conv2D\((.*?)\)(?:\(\w+\))?\s*#\s*\(None, ([^)]*)\)", line)
        if m:
            call = ast.parse(f"f({m[1]})").body[0].value
            args = [ast.literal_eval(a) for a in call.args]
            kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            layers.append(((args, kw), tuple(int(v) for v in m[2].split(","))))
    return shape, layers


def _engine_shapes(shape: tuple, layers) -> list[tuple]:
    out = []
    for (args, kw), _ in layers:
        shape = convfig.output_shape(shape, args[1], filters=args[0], strides=kw.get("strides", 1),
                                     padding=kw.get("padding", "valid"))
        out.append(shape)
    return out


def test_4d_index_figure_and_code_are_the_same_model():
    (f, code), = fences("index.md", "model-shapes")
    shape, layers = _conv_lines(code)
    assert [s for _, s in layers] == _engine_shapes(shape, layers)          # the comments are Keras' shapes
    spec = make_spec("model-shapes", dict(f.params))
    assert tuple(spec.params["input"]) + (spec.params["channels"],) == shape
    lay = protocol.layout_of(spec)
    drawn = [lay.text_at(("shape", i)) for i in range(len(layers) + 1)]
    assert drawn == [f"(None, {', '.join(map(str, s))})" for s in [shape] + [s for _, s in layers]]


def test_4e_layers_caption_says_how_many_of_the_layers_are_drawn():
    (f, code), = fences("layers.md", "model-shapes")
    shape, layers = _conv_lines(code)
    lay = protocol.layout_of(make_spec("model-shapes", dict(f.params)))
    drawn = len([i for i in range(1, 10) if lay.text_at(("shape", i)) is not None])
    assert drawn < len(layers)
    assert f"first {drawn} of the model's {len(layers)} conv layers" in f.caption
    rest = _engine_shapes(shape, layers)[drawn:]
    assert " and ".join(fmt.tuple_str(s) for s in rest) in f.caption
    assert tuple(make_spec("model-shapes", dict(f.params)).params["input"]) + (1,) == shape


def test_4f_cheatsheet_groups_divide_the_kernel_not_the_bias():
    text = (DOCS / "cheatsheet.md").read_text(encoding="utf-8")
    full = convfig.ConvSpec.make((8, 8), 3, channels=64, filters=64).params
    grouped = convfig.ConvSpec.make((8, 8), 3, channels=64, filters=64, groups=4).params
    assert (full, grouped) == (36928, 9280)
    assert f"{full:,} parameters; with `groups=4` it has 3 × 3 × 16 × 64 + 64 = {grouped:,}" in text
    assert f"not {full:,} / 4 = {full // 4:,}" in text
    assert "Divides the **kernel** weights by `groups`; the `filters` biases stay" in text
    assert "Divides it by `groups`" not in text


def test_4f_cheatsheet_same_keeps_the_size_only_at_stride_1():
    text = (DOCS / "cheatsheet.md").read_text(encoding="utf-8")
    assert "the size is kept only with `strides=1`" in text
    for pad in ("same", "causal"):
        assert convfig.output_shape((7, 1), 3, filters=1, padding=pad) == (7, 1)
        assert convfig.output_shape((7, 1), 3, filters=1, strides=2, padding=pad) == (4, 1)


def test_4f_kernels_page_bias_tensor_and_grouped_kernel_axis():
    text = " ".join((DOCS / "kernels.md").read_text(encoding="utf-8").split())
    assert "(kernel_height, kernel_width, input_channels // groups, filters)" in text
    assert "a second tensor of shape `(filters,)`" in text
    x = np.ones((5, 5, 4))
    assert convfig.conv(x, np.ones((3, 3, 2, 6)), np.zeros(6), groups=2).shape == (3, 3, 6)
    with pytest.raises(convfig.ConvfigError):
        convfig.conv(x, np.ones((3, 3, 4, 6)), groups=2)


def _subset_start(n: int, k: int, s: int) -> int | None:
    """Where the stride-s 'same' outputs sit among the stride-1 ones (None: not a strided subset)."""
    rng = np.random.default_rng(n * 31 + k)
    x, w = rng.integers(-3, 4, (n, 1)).astype(float), rng.integers(-2, 3, (k, 1, 1)).astype(float)
    one, strided = convfig.conv(x, w, padding="same")[:, 0], convfig.conv(x, w, strides=s, padding="same")[:, 0]
    for start in range(n):
        pos = start + s * np.arange(len(strided))
        if pos[-1] < n and np.array_equal(one[pos], strided):
            return start
    return None


def test_4f_strides_page_says_exactly_when_a_stride_keeps_stride_1_results():
    text = " ".join((DOCS / "strides.md").read_text(encoding="utf-8").split())
    for n in range(3, 12):
        for k in (2, 3, 4, 5):
            for s in (2, 3):
                if k > n:
                    continue
                b1 = convfig.ConvSpec.make((n,), k, padding="same").pads[0][0]
                bs = convfig.ConvSpec.make((n,), k, strides=s, padding="same").pads[0][0]
                assert _subset_start(n, k, s) == b1 - bs          # the rule the page states
    b6 = [convfig.ConvSpec.make((6,), 3, strides=s, padding="same").pads[0][0] for s in (1, 2)]
    b7 = [convfig.ConvSpec.make((7,), 3, strides=s, padding="same").pads[0][0] for s in (1, 2)]
    assert b6 == [1, 0] and b7 == [1, 1]
    assert "for n = 7 and a size-3 kernel both pad 1 before; for n = 6, stride 1 pads 1 but stride 2 pads 0" in text
    assert "stride-2 outputs are the stride-1 outputs at 1, 3 and 5" in text and _subset_start(6, 3, 2) == 1


# ---------------------------------------------------------------- captions of the new figures
def test_impulse_captions_state_the_engine_output():
    (f, _), = fences("dilation.md", "conv1d", padding="causal", example="impulse")
    spec = make_spec("conv1d", dict(f.params))
    tr = samples.example_trace(spec.params)
    lit = np.flatnonzero(tr.output[:, 0])
    vals = ", ".join(fmt.num(v) for v in tr.output[lit, 0])
    assert f"echoes {vals} at steps {lit[0]}, {lit[1]} and {lit[2]}" in f.caption
    assert tr.kernel[:, 0, 0].tolist() == [1, 2, 3] and "[1, 2, 3]" in f.caption
    (f, _), = fences("padding.md", "conv1d", padding="causal", example="impulse")
    tr = samples.example_trace(make_spec("conv1d", dict(f.params)).params)
    assert f"echoes {', '.join(fmt.num(v) for v in tr.output[tr.output[:, 0] != 0, 0])}" in f.caption
    (f, _), = fences("gallery.md", "conv1d", padding="causal", example="impulse")
    tr = samples.example_trace(make_spec("conv1d", dict(f.params)).params)
    kern = ", ".join(fmt.num(v) for v in tr.kernel[:, 0, 0])
    assert f"[{kern}]" in f.caption
    assert f"echoes {', '.join(fmt.num(v) for v in tr.output[tr.output[:, 0] != 0, 0])}." in f.caption
    (f, _), = fences("real-data.md", "conv1d", example="impulse")
    tr = samples.example_trace(make_spec("conv1d", dict(f.params)).params)
    lit = np.flatnonzero(tr.output[:, 0])
    assert f"single 1 at step {int(np.flatnonzero(tr.x[:, 0])[0])}" in f.caption
    assert f"3, 2, 1, at steps {lit[0]}, {lit[1]} and {lit[2]} of the output" in f.caption


def test_edge_caption_on_the_kernels_page():
    (f, _), = fences("kernels.md", "conv2d", example="edge")
    tr = samples.example_trace(make_spec("conv2d", dict(f.params)).params)
    cols = np.flatnonzero(np.diff(tr.x[0, :, 0]))
    assert f"between columns {cols[0]} and {cols[0] + 1}" in f.caption
    assert set(np.unique(tr.output).tolist()) == {0.0, 9.0} and "and 9 where it straddles" in f.caption


def test_real_data_page_captions():
    (f, _), = fences("real-data.md", "conv2d", example="photo")
    r0, c0 = (v // 4 for v in samples.PHOTO_CROP)
    assert f"rows {r0}–{r0 + 5}, columns {c0}–{c0 + 5}" in f.caption
    (f, _), = fences("real-data.md", "photo-borders")
    k = int(f.params["kernel"])
    (pb, pa), _ = convfig.ConvSpec.make((150, 128), k, padding="same").pads
    assert f"loses {k - 1} rows and {k - 1} columns" in f.caption and f"padding {pb} zeros on each side" in f.caption
    assert pb == pa
    (f, _), = fences("real-data.md", "feature-maps")
    out = convfig.output_shape((150, 128, 1), 3, filters=4, padding="same")
    assert f"output of shape {fmt.tuple_str(out)}" in f.caption and "(3, 3, 1, 4)" in f.caption
    (f, _), = fences("real-data.md", "signal", padding="causal")
    lag = (int(f.params["kernel"]) - 1) // 2
    assert f"shifted right by {lag} samples, {1000 * lag // samples.EEG_RATE} ms at {samples.EEG_RATE} Hz" in f.caption
    text = (DOCS / "real-data.md").read_text(encoding="utf-8")
    assert "public domain" in text and "get_sample_data" in text and samples.PHOTO_FILE in text


def test_layers_page_chain_code_matches_keras_golden():
    import json

    golden = json.loads((Path(__file__).parent / "golden" / "chain.json").read_text())
    (f, _), = fences("layers.md", "layer-chain")
    text = (DOCS / "layers.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n([^`]*?x = keras\.Input.*?)```", text, re.S)[1]
    comments = re.findall(r"# \(None, ([^)]*)\)\s+# params: (\d+)", code)
    assert [[int(v) for v in s.split(",")] for s, _ in comments] == golden["shapes"]
    assert [int(p) for _, p in comments] == golden["params"]
    assert "bias −2" in f.caption and "bias −6" in f.caption and "ReLU" in f.caption


def _conv_fences():
    for page in sorted(p.name for p in DOCS.glob("*.md")):
        text = (DOCS / page).read_text(encoding="utf-8")
        for b in find_fences(text):
            f = parse_body(b.body, page, b.start)
            if f.kind in ("conv1d", "conv2d", "padding-modes"):
                yield page, b.start, f


def test_dilated_and_causal_examples_show_the_concept_in_their_numbers():
    """Every dilated or causal conv figure on the site: 'now' has a weight of its own (causal), and the
    numbers differ from the same figure without the concept (the dilated causal stepper once had the
    kernel [0, 0, 1]: output = input, dilation invisible)."""
    checked = 0
    for page, line, f in _conv_fences():
        params = make_spec(f.kind, dict(f.params)).params
        d, pad = max(params.get("dilation", [1])), params.get("padding", "valid")
        if d == 1 and pad != "causal":
            continue
        pads = ["causal"] if f.kind == "padding-modes" else [pad]
        for p in pads:
            q = {**params, "padding": p}
            tr = samples.example_trace(q)
            where = f"{page}:{line}"
            if p == "causal":
                assert tr.kernel[-1].any(), f"{where}: the causal kernel gives 'now' weight 0"
                same = samples.example_trace({**q, "padding": "same"}) if params["input"][0] > 1 else None
                assert same is None or not np.array_equal(same.output, tr.output), where
            if d > 1:
                plain = samples.example_trace({**q, "dilation": [1] * len(params["input"])})
                n = min(len(plain.output), len(tr.output))
                assert not np.array_equal(plain.output[:n], tr.output[:n]), f"{where}: dilation changes nothing"
                if tr.x.shape == tr.output.shape:
                    assert not np.array_equal(tr.output, tr.x), f"{where}: the output only copies the input"
            checked += 1
    assert checked >= 5
