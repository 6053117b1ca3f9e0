"""Figure core: kinds registry and validation, themes/contrast, GIF/PNG encoding, cache, batch."""

from __future__ import annotations

import importlib
import io
import json
import multiprocessing
import os

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convfig.errors import ConvfigError
from convfig.render import KINDS, make_spec
from convfig.render.cache import Cache, atomic_write, cache_key, render_files
from convfig.render.encode import Palette, encode_gif, encode_png
from convfig.render.fmt import num as fmt_num
from convfig.render.fmt import sum_text as sum_equation
from convfig.render.registry import check_size, figure_name
from convfig.render.style import THEMES, contrast_ratio, contrast_report
from convfig.render.types import FrameSeq, Rendered

PLAN_KINDS = ["conv2d", "conv1d", "conv3d", "channels", "padding-modes", "coverage", "strides", "dilation",
              "receptive-field", "model-shapes", "dims"]


# ---------------------------------------------------------------- registry
def test_every_kind_registered():
    assert set(PLAN_KINDS) <= set(KINDS)
    for name in PLAN_KINDS:
        k = KINDS[name]
        mod = importlib.import_module(k.module)
        assert callable(mod.compute) and callable(mod.plan)
    assert [k for k in PLAN_KINDS if KINDS[k].animated] == ["conv2d", "conv1d", "conv3d", "channels"]


def test_make_spec_fills_defaults_and_canonicalises():
    a = make_spec("conv2d", {"input": "5x5", "kernel": 3, "strides": "2", "padding": "SAME"})
    b = make_spec("conv2d", {"input": [5, 5], "kernel": [3, 3], "strides": [2, 2], "padding": "same"})
    assert a.params == b.params and a.name == b.name == "conv2d-i5x5-s2-psame"
    assert a.params["dilation"] == [1, 1] and a.params["seed"] == 0
    assert make_spec("conv2d", {"padding": "0:1,1:1"}).params["padding"] == [[0, 1], [1, 1]]
    assert make_spec("conv2d", {"padding": [[0, 1], [1, 1]]}).params["padding"] == [[0, 1], [1, 1]]
    assert make_spec("conv2d", {"padding": 2}).params["padding"] == 2


def test_caption_not_in_name_or_cache_key():
    a = make_spec("conv2d", {"input": "5x5"})
    b = make_spec("conv2d", {"input": "5x5", "caption": "Hello"})
    assert a.name == b.name and cache_key(a) == cache_key(b)
    assert cache_key(a) != cache_key(make_spec("conv2d", {"input": "5x5"}, "dark"))
    assert cache_key(a) != cache_key(make_spec("conv2d", {"input": "5x5", "seed": 1}))


@pytest.mark.parametrize("kind, params, theme, match", [
    ("conv2d", {"input": "5xa"}, "light", r"^input:"),
    ("conv2d", {"input": "5"}, "light", r"^input: conv2d needs a 2D input"),
    ("conv2d", {"kernel": "3x3x3"}, "light", r"^kernel '3x3x3' gives 3 values but input has 2 axes"),
    ("conv2d", {"padding": "mirror"}, "light", r"^padding:"),
    ("conv2d", {"padding": [[0, 1]]}, "light", r"^padding: needs one \(before, after\) pair per axis"),
    ("conv2d", {"strides": 0}, "light", r"^strides:"),
    ("conv2d", {"fps": 99}, "light", r"^fps: must be between 1 and 50"),
    ("conv2d", {"colour": "red"}, "light", r"^colour: not a parameter of 'conv2d'"),
    ("conv2d", {}, "sepia", r"^theme: must be one of light, dark"),
    ("spiral", {}, "light", r"^kind: unknown figure kind 'spiral'"),
    ("conv2d", {"input": "3x3", "kernel": 5}, "light", r"kernel_size"),
    ("conv2d", {"strides": 2, "dilation": 2}, "light", r"Keras refuses"),
    ("conv1d", {"padding": "causal", "input": "4x4"}, "light", r"^input:"),
])
def test_make_spec_errors_name_the_parameter(kind, params, theme, match):
    with pytest.raises(ConvfigError, match=match):
        make_spec(kind, params, theme)


def test_check_size_refuses_huge_before_rendering():
    with pytest.raises(ConvfigError, match="2,304 frames, over the budget of 1,000 frames.*smaller input"):
        check_size("conv2d", make_spec("conv2d", {"input": "50x50"}).params)
    with pytest.raises(ConvfigError, match="cells over all frames"):
        check_size("conv2d", make_spec("conv2d", {"input": "60x60", "strides": 3}).params)
    check_size("conv2d", make_spec("conv2d", {"input": "14x14", "padding": "same"}).params)


def test_figure_name_is_file_safe():
    name = figure_name("conv2d", make_spec("conv2d", {"padding": [[0, 1], [2, 3]], "caption": "a/b"}).params)
    assert all(ch.isalnum() or ch in "-_.x" for ch in name)


# ---------------------------------------------------------------- style
@pytest.mark.parametrize("theme", list(THEMES))
def test_text_contrast_at_least_4_5(theme):
    report = contrast_report(THEMES[theme])
    low = {pair: round(v, 2) for pair, v in report.items() if v < 4.5}
    assert not low, low


def test_contrast_ratio_extremes():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


def test_number_and_equation_text():
    assert fmt_num(-1.0) == "\u22121" and fmt_num(0.5) == "0.5" and fmt_num(-0.0) == "0"
    assert sum_equation([1, 0], [2, -1], 2) == "1\u00b72 + 0\u00b7(\u22121) = 2"
    long = sum_equation(list(range(25)), [1] * 25, 300)
    assert "25 products" in long and long.endswith("= 300")


# ---------------------------------------------------------------- encoding
def _frames(n=4, h=40, w=60):
    out = []
    for i in range(n):
        f = np.full((h, w, 3), 255, np.uint8)
        f[5:15, 5 + 10 * i:15 + 10 * i] = (213, 94, 0)
        f[30:, :] = (0, 114, 178)
        out.append(f)
    return out


def test_gif_loops_shared_palette_exact_frames():
    frames = _frames()
    data = encode_gif(frames, [500, 500, 500, 2000])
    im = Image.open(io.BytesIO(data))
    assert im.info["loop"] == 0 and im.n_frames == 4
    assert data[10] & 0x80  # global colour table
    for i, f in enumerate(ImageSequence.Iterator(im)):
        assert np.array_equal(np.asarray(f.convert("RGB")), frames[i])
        assert f.info["duration"] == (2000 if i == 3 else 500)
    # no local colour tables: every image descriptor's packed byte has bit 7 clear
    assert _local_tables(data) == 0


def _local_tables(data: bytes) -> int:
    """Count image descriptors with a local colour table (walks the GIF blocks)."""
    pos = 13 + 3 * (2 ** ((data[10] & 7) + 1))
    count = 0
    while data[pos] != 0x3B:
        if data[pos] == 0x21:          # extension: skip sub-blocks
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        elif data[pos] == 0x2C:        # image descriptor
            packed = data[pos + 9]
            count += bool(packed & 0x80)
            pos += 10 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0) + 1
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        else:
            raise AssertionError(f"unexpected block {data[pos]:#x}")
    return count


def test_gif_keeps_identical_frames_and_is_deterministic():
    frames = _frames(2) + _frames(2)[1:]
    a = encode_gif(frames, [100, 100, 300])
    assert Image.open(io.BytesIO(a)).n_frames == 3
    assert a == encode_gif([f.copy() for f in frames], [100, 100, 300])


def test_palette_limits_colours_and_keeps_flat_colours_exact():
    rng = np.random.default_rng(0)
    img = np.full((64, 64, 3), 255, np.uint8)
    img[:32] = (0, 114, 178)
    img[40:, 40:] = rng.integers(0, 256, size=(24, 24, 3))
    pal = Palette([img], 32)
    assert len(pal) <= 32
    mapped = pal.colors[pal.index(img)]
    assert np.array_equal(mapped[:32], img[:32]) and np.array_equal(mapped[33, :40], img[33, :40])


def test_framesequence_reconstructs_and_encodes_like_a_list():
    frames = _frames(5)
    seq = FrameSeq(frames[0].copy())
    for prev, cur in zip(frames, frames[1:]):
        ys, xs = np.nonzero((prev != cur).any(axis=2))
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        seq.append_patches([(y0, x0, cur[y0:y1, x0:x1].copy())])
    assert len(seq) == 5 and all(np.array_equal(seq[i], frames[i]) for i in (4, 0, 2, -1))
    assert encode_gif(seq, [100] * 5) == encode_gif(frames, [100] * 5)


def test_png_poster_roundtrip():
    f = _frames(1)[0]
    data = encode_png(f)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), f)
    assert data == encode_png(f.copy())


def test_rendered_checks_its_fields():
    with pytest.raises(ValueError):
        Rendered(frames=_frames(2), durations_ms=[100], alt="a", steps=["x", "y"])
    with pytest.raises(ValueError):
        Rendered(frames=[_frames(1)[0], np.zeros((3, 3, 3), np.uint8)], durations_ms=[1, 1], alt="a",
                 steps=["x", "y"])


# ---------------------------------------------------------------- cache
def test_atomic_write_leaves_no_temp(tmp_path):
    p = atomic_write(tmp_path / "a" / "x.bin", b"abc")
    assert p.read_bytes() == b"abc"
    assert os.listdir(tmp_path / "a") == ["x.bin"]


def test_render_files_caches(tmp_path):
    spec = make_spec("conv2d", {"input": "3x3"})
    cache = Cache(tmp_path)
    first = render_files(spec, cache)
    key = cache_key(spec)
    assert (tmp_path / f"{key}.gif").exists() and (tmp_path / f"{key}.json").exists()
    again = render_files(spec, cache)
    assert again["files"] == first["files"] and again["meta"]["alt"] == first["meta"]["alt"]
    assert first["meta"]["frames"] == 1 and first["meta"]["width"] >= 400


def _render_into(cache_dir: str) -> str:
    spec = make_spec("conv2d", {"input": "5x5", "padding": "same"})
    res = render_files(spec, Cache(cache_dir))
    return cache_key(spec), len(res["files"]["gif"])


def test_two_processes_rendering_the_same_figure_leave_one_valid_file(tmp_path):
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = pool.map(_render_into, [str(tmp_path)] * 4)
    keys = {k for k, _ in results}
    assert len(keys) == 1
    key = keys.pop()
    names = sorted(os.listdir(tmp_path))
    assert names == sorted(f"{key}.{ext}" for ext in ("gif", "png", "json")), names  # no temp files left
    gif = (tmp_path / f"{key}.gif").read_bytes()
    assert {n for _, n in results} == {len(gif)}
    assert Image.open(io.BytesIO(gif)).n_frames == 25
    meta = json.loads((tmp_path / f"{key}.json").read_text())
    assert meta["frames"] == 25 and meta["files"] == ["gif", "png"]


# ---------------------------------------------------------------- batch
def test_render_catalogue_writes_planned_files(tmp_path):
    from convfig.render.batch import render_catalogue

    cat = [{"kind": "conv2d", "params": {"input": "4x4", "stepper": 1}},
           {"kind": "conv2d", "params": {"input": "5x5", "strides": 2, "padding": "same"}, "theme": "dark"}]
    info = render_catalogue(cat, tmp_path / "out", jobs=2, progress=False, cache_dir=tmp_path / "cache")
    assert set(info) == {"conv2d-i4x4-step-light", "conv2d-i4x4-step-dark", "conv2d-i5x5-s2-psame-dark"}
    out = tmp_path / "out"
    for stem in info:
        for ext in ("gif", "png", "json"):
            assert (out / f"{stem}.{ext}").is_file()
        meta = json.loads((out / f"{stem}.json").read_text())
        assert {"alt", "steps", "width", "height", "frames", "kind", "params"} <= set(meta)
        assert len(meta["steps"]) == meta["frames"]
    assert sorted(os.listdir(out / "conv2d-i4x4-step-light")) == ["000.png", "001.png", "002.png", "003.png"]
    # serial run from the cache gives the same bytes
    info2 = render_catalogue(cat, tmp_path / "out2", jobs=1, progress=False, cache_dir=tmp_path / "cache")
    assert info2.keys() == info.keys()
    for stem in info:
        assert (out / f"{stem}.gif").read_bytes() == (tmp_path / "out2" / f"{stem}.gif").read_bytes()


def test_render_catalogue_rejects_bad_entries(tmp_path):
    from convfig.render.batch import render_catalogue

    with pytest.raises(ConvfigError, match=r"catalogue entry 0 \(conv2d\): padding:"):
        render_catalogue([{"kind": "conv2d", "params": {"padding": "x"}}], tmp_path, progress=False)
    with pytest.raises(ConvfigError, match="catalogue entry 0: needs a 'kind'"):
        render_catalogue([{"params": {}}], tmp_path, progress=False)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_planned_metadata_is_what_drawing_and_encoding_give(kind, tmp_path):
    """Under serve a page is written from plan_entry's metadata (nothing drawn) while a worker draws the
    files: every fact in it must be what the drawn figure and its encoded files have, for every kind
    (stepper variant for animations), and the cache entry holds it."""
    from convfig.render.cache import plan_entry
    from convfig.render.encode import encode
    from convfig.render.registry import render

    spec = make_spec(kind, {"stepper": 1} if KINDS[kind].animated else {})
    meta = plan_entry(spec)
    r = render(spec)
    drawn = {"alt": r.alt, "steps": r.steps, "width": r.width, "height": r.height, "frames": len(r.frames),
             "durations_ms": list(r.durations_ms), "files": sorted(encode(r)),
             "frame_pngs": len(r.frames) if KINDS[kind].animated else 0}
    assert {k: meta[k] for k in drawn} == drawn
    entry = render_files(spec, Cache(tmp_path))
    assert len(entry["frames"]) == meta["frame_pngs"] and sorted(entry["files"]) == meta["files"]
    assert Cache(tmp_path).load(cache_key(spec))["meta"] == json.loads(json.dumps(meta))
