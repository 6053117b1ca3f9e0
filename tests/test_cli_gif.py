"""`convfig gif` and `convfig render`: files, determinism, one-line errors with exit 2, no partial files."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest
from PIL import Image

from convfig.cli import main
from convfig.cli.gif import gif_kind


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_gif_and_poster(tmp_path, capsys):
    out, poster = tmp_path / "conv.gif", tmp_path / "conv.png"
    code, stdout, err = run(capsys, "gif", "--input", "5x5", "--kernel", "3", "--strides", "2", "--padding",
                            "same", "-o", out, "--poster", poster, "--alt")
    assert code == 0 and err == ""
    im = Image.open(out)
    assert im.n_frames == 9 and im.width >= 400 and im.info["loop"] == 0
    assert Image.open(poster).size == im.size
    assert "9 frames" in stdout and "keras.layers.Conv2D" in stdout
    assert sorted(os.listdir(tmp_path)) == ["conv.gif", "conv.png"]


def test_gif_deterministic_and_themes(tmp_path, capsys):
    paths = [tmp_path / n for n in ("a.gif", "b.gif", "c.gif")]
    for p, theme in zip(paths, ("light", "light", "dark")):
        assert run(capsys, "gif", "--input", "4x4", "--theme", theme, "--seed", "2", "-o", p)[0] == 0
    a, b, c = (p.read_bytes() for p in paths)
    assert a == b and a != c


def test_gif_fps_sets_durations(tmp_path, capsys):
    out = tmp_path / "f.gif"
    assert run(capsys, "gif", "--input", "4x4", "--fps", "4", "-o", out)[0] == 0
    im = Image.open(out)
    assert im.info["duration"] == 250


def test_gif_kind_by_rank_and_channels():
    assert gif_kind(1, 1, 1) == "conv1d"
    assert gif_kind(2, 1, 1) == "conv2d"
    assert gif_kind(2, 3, 1) == "channels" and gif_kind(2, 1, 2) == "channels"
    assert gif_kind(3, 1, 1) == "conv3d"


BAD = [
    (["--input", "5xa"], r"--input '5xa'"),
    (["--input", "0x5"], r"--input"),
    (["--input", "5x5x5x5"], r"--input"),
    (["--input", "5x5", "--kernel", "3x3x3"], r"--kernel"),
    (["--input", "5x5", "--kernel", "7"], r"kernel_size 7 is larger"),
    (["--input", "5x5", "--strides", "0"], r"--strides"),
    (["--input", "5x5", "--padding", "mirror"], r"--padding 'mirror'"),
    (["--input", "5x5", "--padding", "causal"], r"causal"),
    (["--input", "7x7", "--strides", "2", "--dilation", "2"], r"Keras refuses"),
    (["--input", "5x5", "--channels", "3", "--groups", "2"], r"divisible by groups"),
    (["--input", "5x5", "--theme", "sepia"], r"--theme: invalid choice"),
    (["--input", "5x5", "--fps", "0"], r"--fps 0: must be between 1 and 50"),
    (["--input", "5x5", "--fps", "fast"], r"--fps: invalid int value"),
    (["--input", "5x5", "--seed", "-1"], r"--seed -1"),
    (["--input", "60x60"], r"--input '60x60': .*3,364 frames, over the budget of 1,000 frames.*smaller input"),
    (["--input", "500", "--strides", "50", "--channels", "8", "--filters", "8"], r"megapixels.*smaller input"),
    (["--input", "80x80", "--strides", "4"], r"cells in one picture.*smaller input"),
    (["--input", "5x5", "--channels", "0"], r"channels"),
]


@pytest.mark.parametrize("args, match", BAD)
def test_bad_input_one_line_exit_2_no_file(tmp_path, capsys, args, match):
    out = tmp_path / "x.gif"
    code, stdout, err = run(capsys, "gif", *args, "-o", out)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(match, err), err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("output, match", [
    ("missing-dir/x.gif", r"-o .*does not exist"),
    ("x.jpg", r"-o x.jpg: unknown extension"),
    (".", r"-o \.: "),
])
def test_bad_output_path(tmp_path, capsys, monkeypatch, output, match):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "gif", "--input", "4x4", "-o", output)
    assert code == 2 and err.count("\n") == 1
    assert re.search(match, err), err
    assert os.listdir(tmp_path) == []


def test_missing_output_flag(capsys):
    code, _, err = run(capsys, "gif", "--input", "4x4")
    assert code == 2 and "-o/--output" in err


def test_subprocess_error_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "convfig", "gif", "--input", "5x5", "--padding", "bogus",
                           "-o", str(tmp_path / "x.gif")], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "x.gif").exists()


def test_render_catalogue_command(tmp_path, capsys):
    cat = tmp_path / "cat.json"
    cat.write_text(json.dumps({"figures": [{"kind": "conv2d", "params": {"input": "4x4"}, "theme": "light"}]}))
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "render", "--catalogue", cat, "--out", out, "--jobs", "1", "--quiet",
                            "--cache", tmp_path / "cache")
    assert code == 0, err
    assert "rendered 1 figures" in stdout
    assert sorted(os.listdir(out)) == ["conv2d-i4x4-light.gif", "conv2d-i4x4-light.json",
                                       "conv2d-i4x4-light.png"]
    assert Image.open(io.BytesIO((out / "conv2d-i4x4-light.gif").read_bytes())).n_frames == 4


@pytest.mark.parametrize("content, match", [
    ("not json", r"--catalogue .*not valid JSON"),
    ('[{"kind": "conv2d", "params": {"input": "5xq"}}]', r"catalogue entry 0 \(conv2d\): input:"),
    ('[{"params": {}}]', r"needs a 'kind'"),
    ('"just a string"', r"expected a list of figures"),
])
def test_render_bad_catalogue(tmp_path, capsys, content, match):
    cat = tmp_path / "cat.json"
    cat.write_text(content)
    code, _, err = run(capsys, "render", "--catalogue", cat, "--out", tmp_path / "out", "--quiet")
    assert code == 2 and err.count("\n") == 1
    assert re.search(match, err), err
    assert not (tmp_path / "out").exists()


def test_render_missing_catalogue(tmp_path, capsys):
    code, _, err = run(capsys, "render", "--catalogue", tmp_path / "nope.json", "--out", tmp_path / "o")
    assert code == 2 and "cannot read" in err
