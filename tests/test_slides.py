"""Slides and print (issue 12): every format read back by an independent reader (Pillow for GIF, WebP,
APNG and PNG; ffmpeg from imageio-ffmpeg for MP4; an XML parser for SVG; pypdf for PDF), frame counts and
durations from the spec, sizes from the options, custom numbers in the Layout and in the engine's output,
crisp rendering at scale, and bad input refused with one line, exit 2 and no file left behind."""

from __future__ import annotations

import dataclasses
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import convfig
from convfig.cli import main
from convfig.render import protocol
from convfig.render import text as tx
from convfig.render.export import Options, draw, geometry, number_size, write
from convfig.render.formats import mp4_repeats
from convfig.render.registry import KINDS, make_spec
from convfig.render.style import LAST_FRAME_MS

SMALL = {"input": "3x4", "kernel": 2}            # 6 steps, non-square
SPEC = make_spec("conv2d", {**SMALL, "fps": 4})


def _gif_frames(data: bytes) -> tuple[int, list[int], dict]:
    im = Image.open(io.BytesIO(data))
    durations = []
    for i in range(im.n_frames):
        im.seek(i)
        durations.append(im.info["duration"])
    return im.n_frames, durations, dict(im.info)


@pytest.fixture(scope="module")
def drawn():
    return draw(SPEC, Options())


# ------------------------------------------------------------------ formats, read back independently
def test_gif_frames_durations_and_loop(tmp_path):
    info = write(SPEC, tmp_path / "a.gif", Options(hold_last=3, plays=3))
    n, durations, meta = _gif_frames((tmp_path / "a.gif").read_bytes())
    assert n == info["frames"] == 6
    assert durations == [250] * 5 + [3000]
    assert meta["loop"] == 2                      # the NETSCAPE field counts repeats: 3 plays in all
    write(SPEC, tmp_path / "once.gif", Options(plays=1))
    assert "loop" not in Image.open(tmp_path / "once.gif").info
    write(SPEC, tmp_path / "forever.gif", Options())
    assert Image.open(tmp_path / "forever.gif").info["loop"] == 0


@pytest.mark.parametrize("ext, fmt", [("webp", "WEBP"), ("apng", "PNG")])
def test_webp_and_apng_frames_durations_size(tmp_path, ext, fmt):
    write(SPEC, tmp_path / f"a.{ext}", Options(scale=2, plays=2))
    im = Image.open(tmp_path / f"a.{ext}")
    assert im.format == fmt and im.n_frames == 6
    layout = protocol.layout_of(SPEC)
    assert im.size == (layout.width * 2, layout.height * 2)
    durations = []
    for i in range(im.n_frames):
        im.seek(i)
        im.load()                                 # WebP reports a frame's duration once it is decoded
        durations.append(im.info["duration"])
    assert durations == [250] * 5 + [max(250, LAST_FRAME_MS)]
    assert im.info["loop"] == 2


def test_animated_frames_match_the_drawing(tmp_path, drawn):
    """WebP is lossless and APNG exact: every decoded frame equals the driver's frame."""
    for ext in ("webp", "apng"):
        write(SPEC, tmp_path / f"b.{ext}", Options())
        im = Image.open(tmp_path / f"b.{ext}")
        for i in range(im.n_frames):
            im.seek(i)
            assert np.array_equal(np.asarray(im.convert("RGB")), drawn.rendered.frames[i]), (ext, i)


def test_mp4_is_h264_yuv420p_even_with_the_spec_frames_and_duration(tmp_path, drawn):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    info = write(SPEC, tmp_path / "a.mp4", Options(scale=1.5, hold_last=2))
    expected = mp4_repeats([250] * 5 + [2000], 4)
    assert info["video_frames"] == sum(expected) == 5 + 8
    frames, secs = imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "a.mp4"))
    assert frames == sum(expected)
    assert secs == pytest.approx(sum(expected) / 4, abs=0.01)
    reader = imageio_ffmpeg.read_frames(str(tmp_path / "a.mp4"))
    meta = next(reader)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    w, h = meta["size"]
    assert w % 2 == 0 and h % 2 == 0 and (w, h) == (info["width"] + info["width"] % 2,
                                                  info["height"] + info["height"] % 2)
    first = np.frombuffer(next(reader), np.uint8).reshape(h, w, 3)
    want = draw(SPEC, Options(scale=1.5)).rendered.frames[0]
    diff = np.abs(first[:want.shape[0], :want.shape[1]].astype(int) - want.astype(int))
    assert diff.mean() < 4, "colours survive H.264 + yuv420p (BT.709 both ways)"
    reader.close()


def test_png_svg_pdf_of_an_animation_are_its_last_frame(tmp_path, drawn):
    write(SPEC, tmp_path / "a.png", Options())
    assert np.array_equal(np.asarray(Image.open(tmp_path / "a.png").convert("RGB")), drawn.rendered.frames[-1])
    write(SPEC, tmp_path / "a.svg", Options(scale=2))
    root = ET.parse(tmp_path / "a.svg").getroot()
    layout = drawn.layout
    assert (root.get("width"), root.get("height")) == (str(layout.width * 2), str(layout.height * 2))
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    last = len(layout.steps) - 1
    assert set(layout.grid("output", last).values()) <= texts


def test_pdf_opens_with_its_page_size_fonts_and_numbers(tmp_path, drawn):
    pypdf = pytest.importorskip("pypdf")
    write(SPEC, tmp_path / "a.pdf", Options(slide=True))
    reader = pypdf.PdfReader(tmp_path / "a.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (1920, 1080)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descendants = [f.get_object()["/DescendantFonts"][0].get_object() for f in fonts.values()]
    assert descendants and all("/FontFile2" in d["/FontDescriptor"] for d in descendants), "TrueType embedded"
    text = reader.pages[0].extract_text()
    out = drawn.layout.grid("output", len(drawn.layout.steps) - 1)
    assert all(v.replace("\u2212", "-").lstrip("-") in text.replace("\u2212", "-") for v in out.values())
    assert "input" in text and "Conv2D" in text


@pytest.mark.parametrize("kind", [k for k, v in KINDS.items() if not v.animated][:3])
def test_diagrams_as_png_svg_pdf(tmp_path, kind):
    pypdf = pytest.importorskip("pypdf")
    spec = make_spec(kind, {})
    for ext in ("png", "svg", "pdf"):
        write(spec, tmp_path / f"d.{ext}", Options(width=1200))
    assert Image.open(tmp_path / "d.png").width == 1200
    assert ET.parse(tmp_path / "d.svg").getroot().get("width") == "1200"
    assert float(pypdf.PdfReader(tmp_path / "d.pdf").pages[0].mediabox.width) == pytest.approx(1200, abs=1)


def test_frames_folder(tmp_path, drawn):
    write(SPEC, None, Options(), frames_dir=tmp_path / "steps")
    files = sorted((tmp_path / "steps").iterdir())
    assert [f.name for f in files] == [f"{i:03d}.png" for i in range(6)]
    for i, f in enumerate(files):
        assert np.array_equal(np.asarray(Image.open(f).convert("RGB")), drawn.rendered.frames[i])


def test_same_request_same_bytes(tmp_path):
    for ext in ("gif", "svg", "pdf", "png", "webp", "apng", "mp4"):
        write(SPEC, tmp_path / f"1.{ext}", Options(scale=2))
        write(SPEC, tmp_path / f"2.{ext}", Options(scale=2))
        assert (tmp_path / f"1.{ext}").read_bytes() == (tmp_path / f"2.{ext}").read_bytes(), ext


# ------------------------------------------------------------------ size for the room
def test_scale_1_is_the_site_figure(drawn):
    site = protocol.render(SPEC)
    assert len(site.frames) == len(drawn.rendered.frames)
    assert all(np.array_equal(a, b) for a, b in zip(site.frames, drawn.rendered.frames))


def test_scaled_text_is_drawn_at_the_target_size_not_upscaled():
    layout = protocol.layout_of(SPEC)
    one, three = draw(SPEC, Options()).rendered.frames[-1], draw(SPEC, Options(scale=3)).rendered.frames[-1]
    assert three.shape[:2] == (layout.height * 3, layout.width * 3)
    upscaled = np.repeat(np.repeat(one, 3, axis=0), 3, axis=1)
    assert not np.array_equal(three, upscaled)
    cell = layout.at(("output", (0, 0)), len(layout.steps) - 1)
    x0, y0, x1, y1 = (round(v * 3) for v in (cell.x, cell.y, cell.x + cell.w, cell.y + cell.h))
    ink = (three[y0 + 4:y1 - 4, x0 + 4:x1 - 4] < 128).all(axis=2)
    rows = np.flatnonzero(ink.any(axis=1))
    want = tx.mask(cell.text, cell.size, cell.bold, scale=3).ink.shape[0]
    assert abs((rows[-1] - rows[0] + 1) - want) <= 1, "the digit is as tall as FreeType draws it at 3x"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_slide_preset_is_16_9_and_numbers_are_large(kind):
    """The back row reads the numbers: on a 1920 x 1080 slide the digits of every kind's smallest cell
    number are at least 24 px tall (ink height of a "0" as FreeType draws it; the type is then ~33 px).
    The kind plans for ``target="slide"``: wider arrangement, larger numbers."""
    d = draw(make_spec(kind, {}), Options(slide=True))
    assert d.geo.page == (1920, 1080)
    assert d.rendered.frames[0].shape[:2] <= (1080, 1920)
    font_px, digit_px = number_size(d)
    assert digit_px >= 24, (kind, font_px, digit_px)


def test_slide_target_changes_only_the_slide_cache_key():
    from convfig.render.cache import cache_key

    spec = make_spec("conv2d", {})
    assert spec.target == "page"
    slide = dataclasses.replace(spec, target="slide")
    assert cache_key(slide) != cache_key(spec)
    assert cache_key(dataclasses.replace(slide, target="page")) == cache_key(spec)


@pytest.mark.parametrize("opts, page", [
    (Options(width=1000), (1000, None)), (Options(height=500), (None, 500)),
    (Options(width=1000, height=1000), (1000, 1000)), (Options(scale=2), (892, 560)),
])
def test_geometry(opts, page):
    g = geometry(446, 280, opts)
    assert all(want is None or got == want for got, want in zip(g.page, page))
    assert g.size[0] <= g.page[0] and g.size[1] <= g.page[1]


def test_transparent_background(tmp_path):
    write(SPEC, tmp_path / "t.png", Options(background="transparent"))
    im = np.asarray(Image.open(tmp_path / "t.png"))
    assert im.shape[2] == 4 and im[0, 0, 3] == 0
    cell = protocol.layout_of(SPEC).at(("input", (0, 0)))
    assert im[round(cell.y) + 2, round(cell.x) + 2, 3] == 255, "cells stay opaque"
    assert 0 < len(np.unique(im[..., 3])) and ((im[..., 3] > 0) & (im[..., 3] < 255)).any(), "soft text edges"
    white = np.asarray(Image.open(io.BytesIO(_white_png(tmp_path))).convert("RGB")).astype(int)
    a = im[..., 3:4] / 255
    composed = im[..., :3] * a + 255 * (1 - a)
    assert np.abs(composed - white).max() <= 2, "the transparent PNG over white is the figure on white"


def _white_png(tmp_path: Path) -> bytes:
    write(SPEC, tmp_path / "w.png", Options(background="white"))
    return (tmp_path / "w.png").read_bytes()


# ------------------------------------------------------------------ your own numbers
def test_custom_numbers_reach_the_layout_and_the_engine():
    values = "1,2,3,4;5,6,7,8;9,10,11,12"
    spec = make_spec("conv2d", {"input": "3x4", "kernel": 2, "values": values, "kernel_values": "1,-1;2,0",
                                "bias": 0.5})
    layout = protocol.layout_of(spec)
    x = np.arange(1, 13, dtype=float).reshape(3, 4, 1)
    k = np.array([[1, -1], [2, 0]], float).reshape(2, 2, 1, 1)
    want = convfig.conv(x, k, np.array([0.5]))[..., 0]
    shown = layout.grid("input")
    assert shown[(1, 2)] == "7" and shown[(2, 0)] == "9"
    out = layout.grid("output", len(layout.steps) - 1)
    assert {pos: float(v.replace("\u2212", "-")) for pos, v in out.items()} == {
        (r, c): want[r, c] for r in range(want.shape[0]) for c in range(want.shape[1])}


def test_named_kernels_and_files(tmp_path):
    spec = make_spec("conv2d", {"input": "4x4", "kernel_values": "sobel-x", "values": 1})
    tr = protocol.kind_module("conv2d").compute(spec)
    assert tr.kernel[..., 0, 0].tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert (tr.x == 1).all() and (tr.output == 0).all(), "a flat input under Sobel gives zeros"
    np.save(tmp_path / "x.npy", np.arange(20).reshape(4, 5))
    (tmp_path / "k.csv").write_text("0,1\n1,0\n")
    spec = make_spec("conv2d", {"input": "4x5", "kernel": 2, "values": str(tmp_path / "x.npy"),
                                "kernel_values": str(tmp_path / "k.csv")})
    tr = protocol.kind_module("conv2d").compute(spec)
    assert tr.output[0, 0, 0] == 1 + 5
    one_d = make_spec("conv1d", {"input": 5, "kernel_values": "laplacian", "values": "0,0,3,0,0"})
    assert protocol.kind_module("conv1d").compute(one_d).output[:, 0].tolist() == [3, -6, 3]


def test_default_figures_are_unchanged_by_the_new_parameters():
    plain = make_spec("conv2d", {"input": "4x4"})
    assert plain.params["values"] is None and "values" not in plain.name
    assert protocol.layout_of(plain).grid("input") == protocol.layout_of(
        make_spec("conv2d", {"input": "4x4", "values": None})).grid("input")


# ------------------------------------------------------------------ bad input: exit 2, one line, no file
BAD = [
    (["figure", "conv2d", "-o", "OUT.jpg"], "unknown extension"),
    (["figure", "padding-modes", "-o", "OUT.webp"], "still diagram"),
    (["figure", "padding-modes", "-o", "OUT.mp4"], "still diagram"),
    (["figure", "conv2d", "--background", "transparent", "-o", "OUT.gif"], "no partial transparency"),
    (["figure", "conv2d", "--background", "transparent", "-o", "OUT.mp4"], "no partial transparency"),
    (["figure", "conv2d", "--background", "pink", "-o", "OUT.png"], "invalid choice"),
    (["figure", "conv2d", "--scale", "0", "-o", "OUT.gif"], "--scale 0"),
    (["figure", "conv2d", "--scale", "2", "--width", "800", "-o", "OUT.gif"], "either --scale"),
    (["figure", "conv2d", "--width", "20000", "-o", "OUT.gif"], "--width 20000"),
    (["figure", "conv2d", "--scale", "8", "--input", "12x12", "-o", "OUT.gif"], "px a side"),
    (["figure", "conv2d", "--loop", "often", "-o", "OUT.gif"], "--loop"),
    (["figure", "conv2d", "--loop", "0.5", "-o", "OUT.gif"], "--loop"),
    (["figure", "conv2d", "--hold-last", "-1", "-o", "OUT.gif"], "--hold-last"),
    (["figure", "conv2d", "--hold-last", "3", "-o", "OUT.png"], "one picture"),
    (["figure", "conv2d", "--fps", "0", "-o", "OUT.gif"], "--fps"),
    (["figure", "conv2d", "--input", "3x3", "--values", "1,2,3", "-o", "OUT.gif"], "gives 3 numbers"),
    (["figure", "conv2d", "--input", "3x3", "--values", "1,2,a3;4,5,6;7,8,9", "-o", "OUT.gif"], "not a number"),
    (["figure", "conv2d", "--input", "3x3", "--values", "1,2;3,4,5;6,7,8,9", "-o", "OUT.gif"], "different lengths"),
    (["figure", "conv2d", "--input", "3x2", "--values", "1,2,3;4,5,6", "-o", "OUT.gif"], "rows of 2"),
    (["figure", "conv2d", "--input", "3x3", "--values", "inf", "-o", "OUT.gif"], "finite"),
    (["figure", "conv2d", "--values", "missing.npy", "-o", "OUT.gif"], "cannot be read"),
    (["figure", "conv2d", "--kernel-values", "sobel", "-o", "OUT.gif"], "named kernel"),
    (["figure", "conv2d", "--kernel", "2", "--kernel-values", "blur", "-o", "OUT.gif"], "3 wide"),
    (["figure", "conv3d", "--kernel-values", "sobel-x", "-o", "OUT.gif"], "3D kernel"),
    (["figure", "conv2d", "--bias", "1,2", "-o", "OUT.gif"], "gives 2 numbers"),
    (["figure", "padding-modes", "--values", "1", "-o", "OUT.png"], "not a parameter"),
    (["figure", "conv2d"], "give an output file"),
    (["figure", "nope", "-o", "OUT.gif"], "invalid choice"),
    (["figure", "padding-modes", "--frames", "OUT"], "still diagram"),
    (["gif", "--input", "4x4", "-o", "OUT.gif", "--poster", "OUT.mp4"], "one picture"),
    (["gif", "--input", "4x4", "--slide", "--background", "transparent", "-o", "OUT.mp4"], "no partial"),
]


@pytest.mark.parametrize("argv, words", BAD, ids=[" ".join(a[1:]) for a, _ in BAD])
def test_bad_input_exits_2_with_one_line_and_no_file(tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.chdir(tmp_path)
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert words in err
    assert list(tmp_path.iterdir()) == [], "nothing written, no temp file left"


def test_frames_folder_must_be_new_or_empty(tmp_path, capsys):
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "keep.txt").write_text("mine")
    assert main(["figure", "conv2d", "--frames", str(tmp_path / "steps")]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "steps").iterdir()] == ["keep.txt"]


def test_cli_figure_writes_and_says_so(tmp_path, capsys):
    out = tmp_path / "slide.mp4"
    assert main(["figure", "conv2d", "--input", "3x3", "--values", "-1,0,1;-1,0,1;-1,0,1", "--kernel-values",
                 "sobel-x", "--slide", "-o", str(out)]) == 0
    line = capsys.readouterr().out
    assert "1920×1080" in line and out.stat().st_size > 0


def test_gif_shortcut_takes_the_new_formats_and_flags(tmp_path, capsys):
    pytest.importorskip("imageio_ffmpeg")
    out, poster = tmp_path / "c.mp4", tmp_path / "c.png"
    assert main(["gif", "--input", "4x4", "--kernel-values", "laplacian", "--width", "1280", "--fps", "5",
                 "--hold-last", "1", "-o", str(out), "--poster", str(poster)]) == 0, capsys.readouterr().err
    import imageio_ffmpeg

    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 3 + 5                        # 4 steps at 5 fps, the last held 1 s
    assert Image.open(poster).width == 1280


# ------------------------------------------------------------------ the slide pack
PACK = [{"kind": "conv2d", "params": {"input": "3x3", "kernel": 2, "kernel_values": "1,0;0,-1"}},
        {"kind": "conv1d", "params": {"input": 4, "kernel": 2, "fps": 3}},
        {"kind": "coverage", "params": {}}]


def test_slide_pack_zip_readme_cache(tmp_path, monkeypatch, capsys):
    pytest.importorskip("imageio_ffmpeg")
    import shlex
    import zipfile

    from convfig.render import export, slides

    cache = tmp_path / "cache"
    info = slides.build_slide_pack(PACK, tmp_path / "pack.zip", cache=cache)
    assert info["figures"] == 2                            # the diagram is not an animation
    z = zipfile.ZipFile(tmp_path / "pack.zip")
    names = sorted(z.namelist())
    stems = sorted({n.rsplit(".", 1)[0] for n in names if n != "README.md"})
    assert names == sorted(["README.md"] + [f"{s}.{e}" for s in stems for e in ("gif", "mp4")])
    readme = z.read("README.md").decode()
    assert "Licence" in readme and "MIT" in readme
    for stem in stems:
        gif = Image.open(io.BytesIO(z.read(f"{stem}.gif")))
        assert gif.size == (1920, 1080)
        line = next(t for t in readme.splitlines() if f"-o {stem}.mp4" in t)
        argv = shlex.split(line.split("`")[1])[1:]
        argv[-1] = str(tmp_path / f"{stem}.gif")
        assert main(argv) == 0, capsys.readouterr().err
        assert (tmp_path / f"{stem}.gif").read_bytes() == z.read(f"{stem}.gif"), "the README's command remakes it"
    first = (tmp_path / "pack.zip").read_bytes()

    def no_drawing(*a, **k):
        raise AssertionError("a warm pack draws nothing")

    monkeypatch.setattr(export, "draw", no_drawing)
    slides.build_slide_pack(PACK, tmp_path / "again.zip", cache=cache)
    assert (tmp_path / "again.zip").read_bytes() == first


def test_slide_pack_cli(tmp_path, capsys):
    import json

    cat = tmp_path / "cat.json"
    cat.write_text(json.dumps([PACK[2]]))
    assert main(["slide-pack", "--catalogue", str(cat), "-o", str(tmp_path / "p.zip")]) == 2
    assert "no animated figures" in capsys.readouterr().err
    assert main(["slide-pack", "--catalogue", str(cat), "-o", str(tmp_path / "p.tar")]) == 2
    assert main(["slide-pack", "--catalogue", str(tmp_path / "none.json"), "-o", str(tmp_path / "p.zip")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat.json"]
    cat.write_text(json.dumps(PACK[1:]))
    assert main(["slide-pack", "--catalogue", str(cat), "-o", str(tmp_path / "p.zip"), "--cache",
                 str(tmp_path / "c"), "--jobs", "1"]) == 0
    assert "(1 animation as GIF and MP4" in capsys.readouterr().out


def test_slide_pack_cli_docs_errors(tmp_path, capsys):
    """--docs: a missing folder, a folder without animations and a bad fence give one line and exit 2;
    --docs and --catalogue together are refused; nothing is written."""
    docs = tmp_path / "docs"
    out = ["-o", str(tmp_path / "p.zip"), "--cache", str(tmp_path / "c")]
    assert main(["slide-pack", "--docs", str(docs), *out]) == 2
    err = capsys.readouterr().err
    assert "--docs" in err and "not a folder" in err
    docs.mkdir()
    (docs / "a.md").write_text("# a\n\n```convfig\nkind: coverage\ninput: 4x4\nkernel: 2\n```\n")
    assert main(["slide-pack", "--docs", str(docs), *out]) == 2
    assert "no animated figures" in capsys.readouterr().err
    (docs / "b.md").write_text("# b\n\n```convfig\nkind: conv2d\nstrides: 0\n```\n")
    assert main(["slide-pack", "--docs", str(docs), *out]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "b.md:5" in err and "strides" in err, err
    assert main(["slide-pack", "--docs", str(docs), "--catalogue", "x.json", *out]) == 2
    assert "not allowed with argument --docs" in capsys.readouterr().err
    assert not (tmp_path / "p.zip").exists() and not (tmp_path / "c").exists()


@pytest.mark.parametrize("kind, params", [
    ("conv1d", {"input": 6, "kernel": 3, "padding": "causal"}),
    ("conv3d", {"input": "3x3x4", "kernel": 2}),
    ("channels", {"input": "3x4", "kernel": 2, "channels": 2, "filters": 2}),
])
def test_custom_numbers_in_every_conv_kind(kind, params):
    from convfig.render import fmt

    spec0 = make_spec(kind, params)
    cs = spec0.params
    n_in = int(np.prod(cs["input"])) * cs["channels"]
    n_k = int(np.prod(cs["kernel"])) * cs["channels"] * cs["filters"]
    values = ",".join(str((3 * i) % 7 - 2) for i in range(n_in))
    weights = ",".join(str(i % 3 - 1) for i in range(n_k))
    spec = make_spec(kind, {**params, "values": values, "kernel_values": weights, "bias": "1"})
    x = np.array([(3 * i) % 7 - 2 for i in range(n_in)], float).reshape(tuple(cs["input"]) + (cs["channels"],))
    k = np.array([i % 3 - 1 for i in range(n_k)], float).reshape(tuple(cs["kernel"]) + (cs["channels"],
                                                                                         cs["filters"]))
    pad = cs["padding"]
    want = convfig.conv(x, k, np.ones(cs["filters"]), padding=pad)
    layout = protocol.layout_of(spec)
    shown = sorted(layout.grid("output", len(layout.steps) - 1).values())
    assert shown == sorted(fmt.num(v) for v in want.ravel())


def test_slide_gif_is_the_page_frames(tmp_path):
    """A figure placed on a 1920x1080 page: the GIF's delta frames land at the right offset."""
    d = draw(SPEC, Options(slide=True))
    write(SPEC, tmp_path / "s.gif", Options(slide=True))
    im = Image.open(tmp_path / "s.gif")
    assert im.size == (1920, 1080) and im.n_frames == 6
    for i, page in enumerate(d.rgb_frames()):
        im.seek(i)
        got = np.asarray(im.convert("RGB")).astype(int)
        assert np.abs(got - page).mean() < 1.5, i         # a shared 32-colour palette: anti-aliasing shades merge


@pytest.mark.parametrize("mode", ["true", "separate"])
def test_site_build_offers_the_slide_pack(tmp_path, mode):
    """A site with ``plugins: [convfig: {slide_pack: true}]`` gets downloads/convfig-slide-pack.zip (every
    animation of its fences; the diagram is left out), built once into the figure cache. With
    ``slide_pack: separate`` the build links the pack (--strict passes) but leaves building it to
    ``convfig slide-pack --docs docs``, which puts it into the site and the cache; the next build links it."""
    pytest.importorskip("imageio_ffmpeg")
    import os
    import subprocess
    import sys
    import zipfile

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        "# t\n\n[pack](downloads/convfig-slide-pack.zip)\n\n```convfig\nkind: conv1d\ninput: 4\nkernel: 2\n```\n\n"
        "```convfig\nkind: coverage\ninput: 4x4\nkernel: 2\n```\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ntheme:\n  name: material\n  font: false\nplugins:\n"
                                         f"  - convfig:\n      slide_pack: {mode}\n      jobs: 1\n", encoding="utf-8")
    env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CONVFIG_CACHE", None)
    env.pop("CONVFIG_OFFLINE", None)
    pack = tmp_path / "site" / "downloads" / "convfig-slide-pack.zip"

    def run(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return proc.stdout + proc.stderr

    log = run("mkdocs", "build", "--strict")
    if mode == "separate":
        assert not pack.exists() and "slide pack is not built yet" in log
        assert 'href="downloads/convfig-slide-pack.zip"' in (tmp_path / "site" / "index.html").read_text()
        pack.parent.mkdir()
        assert "wrote site/downloads/convfig-slide-pack.zip (1 animation " in run(
            "convfig", "slide-pack", "--docs", "docs", "-o", "site/downloads/convfig-slide-pack.zip")
    names = zipfile.ZipFile(pack).namelist()
    assert sorted(names) == ["README.md", "conv1d-i4-k2.gif", "conv1d-i4-k2.mp4"]
    cached = sorted((tmp_path / ".cache" / "convfig").glob("slide-pack-*.zip"))
    assert len(cached) == 1 and cached[0].read_bytes() == pack.read_bytes()
    stamp = cached[0].stat().st_mtime_ns
    pack.unlink()
    run("mkdocs", "build", "--strict")
    assert pack.read_bytes() == cached[0].read_bytes() and cached[0].stat().st_mtime_ns == stamp, "warm: reused"


def test_pack_cache_entries_load_like_figures(tmp_path):
    """The pack's cache entries follow the figure cache's format (Cache.load reads them back whole)."""
    pytest.importorskip("imageio_ffmpeg")
    from convfig.render.cache import Cache
    from convfig.render.slides import pack_entry, pack_specs

    spec = pack_specs([PACK[1]])[0]
    meta = pack_entry(spec, str(tmp_path))
    got = Cache(tmp_path).load(meta["key"])
    assert got is not None and sorted(got["files"]) == ["gif", "mp4"] and got["files"]["mp4"][4:8] == b"ftyp"


def test_every_animation_format_plays_in_chromium(tmp_path, browser):
    """Chromium (the browser tests' own) decodes the MP4 as H.264 video of the right size and length, and
    shows the GIF, WebP and APNG."""
    pytest.importorskip("imageio_ffmpeg")
    for ext in ("mp4", "gif", "webp", "apng"):
        write(SPEC, tmp_path / f"a.{ext}", Options(width=640))
    (tmp_path / "a.html").write_text('<video id="v" src="a.mp4" muted preload="auto"></video>'
                                     + "".join(f'<img src="a.{e}">' for e in ("gif", "webp", "apng")))
    page = browser.new_page()
    try:
        page.goto((tmp_path / "a.html").as_uri())
        page.wait_for_function("document.getElementById('v').readyState >= 2", timeout=30000)
        got = page.evaluate("""() => { const v = document.getElementById('v');
            return {w: v.videoWidth, h: v.videoHeight, d: v.duration, err: v.error,
                    imgs: [...document.images].map(i => i.complete && i.naturalWidth)}; }""")
    finally:
        page.close()
    layout = protocol.layout_of(SPEC)
    w, h = geometry(layout.width, layout.height, Options(width=640)).page
    assert got["err"] is None and (got["w"], got["h"]) == (w + w % 2, h + h % 2), got
    assert got["d"] == pytest.approx(sum(mp4_repeats([250] * 5 + [LAST_FRAME_MS], 4)) / 4, abs=0.05)
    assert got["imgs"] == [640, 640, 640], got
