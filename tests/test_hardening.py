"""Issue 13: hostile input through the API, the CLI and the catalogue; the one size budget; files that
respect the umask; workers that die with their build.

Every bad input must give a ConvfigError (API) or exit 2 (CLI) with one line that names the parameter,
leave no file behind, and take < 2 s. The numbered tests reproduce the issue's list; the hypothesis
tests at the end generate bad values for every API and CLI parameter.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convfig
from convfig import limits
from convfig.cli import main
from convfig.params import PARAMS
from convfig.render import registry
from convfig.render.protocol import layout_of

ROOT = Path(__file__).resolve().parent.parent
FAST_S = 2.0


def run(capsys, *argv):
    t0 = time.perf_counter()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err, time.perf_counter() - t0


def refused(capsys, tmp_path, *argv, match: str, fast: bool = True) -> str:
    """Exit 2, one stderr line (no traceback) matching `match`, nothing new in tmp_path, < 2 s (when the
    refusal comes before any drawing: `fast`)."""
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err, took = run(capsys, *argv)
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert re.search(match, err), err
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "a refused command left a file behind"
    assert took < FAST_S or not fast, took
    return err


# ---------------------------------------------------------------------------------------------- API 1-5


def test_1_non_tuple_input_shape():
    for bad in (5, 5.0, None, "55"):
        with pytest.raises(convfig.ConvfigError, match="input_shape"):
            convfig.output_shape(bad, 3, filters=1)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.uint16, np.bool_])
def test_2_small_integer_types_are_exact(dtype):
    rng = np.random.default_rng(1)
    hi = 2 if dtype is np.bool_ else min(np.iinfo(dtype).max, 250)
    lo = 0 if dtype is np.bool_ else max(np.iinfo(dtype).min, -120)
    x = rng.integers(lo, hi, size=(5, 4, 2), endpoint=True).astype(dtype)
    k = rng.integers(lo, hi, size=(3, 2, 2, 3), endpoint=True).astype(dtype)
    want = convfig.conv(x.astype(float), k.astype(float))
    got = convfig.conv(x, k)
    assert got.dtype.kind == "i" and np.array_equal(got, want)      # no wrap-around, no bool saturation
    tr = convfig.trace(x, k)
    assert np.array_equal(tr.output, want)


def test_2_integer_sums_never_wrap():
    big = np.full((3, 1), 2 ** 62, np.int64)
    with pytest.raises(convfig.ConvfigError, match=r"^x and kernel: integer sums could reach .*beyond int64"):
        convfig.conv(big, np.full((3, 1, 1), 4, np.int64))
    with pytest.raises(convfig.ConvfigError, match=r"^x: uint64 values above"):
        convfig.conv(np.array([[2 ** 63 + 5], [0], [0]], np.uint64), np.ones((1, 1, 1), np.int64))
    x, k = np.full((3, 1), 2 ** 40, np.int64), np.full((3, 1, 1), -7, np.int64)     # near the edge: exact
    assert int(convfig.conv(x, k)[0, 0]) == 3 * 2 ** 40 * -7


def test_5_conv_too_big_to_allocate_is_an_error():
    t0 = time.perf_counter()
    for padding in (10 ** 9, [(10 ** 12, 0), (0, 0)]):
        with pytest.raises(convfig.ConvfigError, match=r"^x: the padded input alone needs .*GiB.*smaller input or "
                                                       r"padding"):
            convfig.conv(np.ones((3, 3, 1)), np.ones((3, 3, 1, 1)), padding=padding)
    assert time.perf_counter() - t0 < FAST_S


def test_3_numpy_integer_groups_everywhere():
    x, k = np.ones((5, 5, 4)), np.ones((3, 3, 2, 4))
    assert np.array_equal(convfig.conv(x, k, groups=np.int64(2)), convfig.conv(x, k, groups=2))
    assert convfig.output_shape((5, 5, 4), 3, filters=4, groups=np.int64(2)) == (3, 3, 4)


@pytest.mark.parametrize("name, make", [
    ("x", lambda: (np.full((3, 3, 1), "a"), np.ones((3, 3, 1, 1)), None)),
    ("x", lambda: (np.ones((3, 3, 1)) + 1j, np.ones((3, 3, 1, 1)), None)),
    ("x", lambda: (np.array([[[object()]] * 3] * 3), np.ones((3, 3, 1, 1)), None)),
    ("kernel", lambda: (np.ones((3, 3, 1)), np.ones((3, 3, 1, 1)) * 1j, None)),
    ("kernel", lambda: (np.ones((3, 3, 1)), [[["a"]]], None)),
    ("bias", lambda: (np.ones((3, 3, 1)), np.ones((3, 3, 1, 1)), ["b"])),
    ("x", lambda: ([[1, 2], [3]], np.ones((3, 1, 1)), None)),
])
def test_4_strings_objects_complex_refused(name, make):
    x, k, b = make()
    for fn in (convfig.conv, convfig.trace):
        with pytest.raises(convfig.ConvfigError, match=rf"^{name}\b"):
            fn(x, k, b)


def test_5_trace_has_a_size_guard():
    t0 = time.perf_counter()
    with pytest.raises(convfig.ConvfigError, match=r"^x: .*MiB, over the memory budget.*smaller input"):
        convfig.trace(np.zeros((2000, 2000, 1)), np.ones((3, 3, 1, 1)))
    with pytest.raises(convfig.ConvfigError, match=r"^spec: .*over the memory budget"):
        convfig.trace_example(convfig.ConvSpec.make((100_000, 100_000), 3))
    assert time.perf_counter() - t0 < FAST_S
    convfig.trace(np.zeros((60, 60, 1)), np.ones((3, 3, 1, 1)))     # well inside the budget


# ---------------------------------------------------------------------------------------------- CLI 6-13

OK_CATALOGUE = [{"kind": "conv2d", "params": {"input": "4x4"}, "theme": "light"}]


def _catalogue(tmp_path: Path, name: str, content: str | bytes) -> Path:
    d = tmp_path.parent / f"{tmp_path.name}-in"
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return p


@pytest.mark.parametrize("content, match", [
    ('{"figures": null}', r"catalogue: expected a list"),
    ('{"figures": 5}', r"catalogue: expected a list"),
    ('"conv2d"', r"catalogue: expected a list"),
    ('[{"kind": "conv2d", "params": "5x5"}]', r"entry 0 \(conv2d\): params must be a mapping"),
    ('[{"kind": "conv2d", "params": [1, 2]}]', r"entry 0 \(conv2d\): params must be a mapping"),
    ('[{"kind": ["conv2d"]}]', r"entry 0: kind must be a figure kind name"),
    ('[{"kind": "conv2d", "themes": 5}]', r"entry 0 \(conv2d\): themes must be"),
    ('[{"kind": "conv2d", "themes": ["sepia"]}]', r"entry 0 \(conv2d\): theme"),
    ('[5]', r"entry 0: expected a mapping"),
    (b'[{"kind": "conv2d\xff"}]', r"not UTF-8"),
    ("[" * 100_000 + "]" * 100_000, r"nested too deeply|not valid JSON"),
    ('[{"kind": "conv2d",', r"not valid JSON"),
])
def test_6_bad_catalogues(tmp_path, capsys, content, match):
    cat = _catalogue(tmp_path, "cat.json", content)
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "out", "--cache", tmp_path / "c",
            "--quiet", match=match)


def test_6_output_folder_problems(tmp_path, capsys, monkeypatch):
    cat = _catalogue(tmp_path, "ok.json", json.dumps(OK_CATALOGUE))
    (tmp_path / "afile").write_text("x")
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "afile" / "sub", "--quiet",
            match=r"--out .*afile.* is a file")
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "afile", "--quiet",
            match=r"--out .*not a directory")
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "o", "--cache", tmp_path / "afile",
            "--quiet", match=r"--cache .*not a directory")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if "ro" in str(p) else real_access(p, mode))
    (tmp_path / "ro").mkdir()
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "ro" / "x", "--quiet",
            match=r"--out .*not writable")


def test_6_disk_full(tmp_path, capsys, monkeypatch):
    from convfig.render import cache

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(cache, "atomic_write", full)
    cat = _catalogue(tmp_path, "ok.json", json.dumps(OK_CATALOGUE))
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "o", "--cache", tmp_path / "c",
            "--jobs", "1", "--quiet", match=r"cannot write .*No space left on device", fast=False)


def test_7_malformed_yaml_is_one_line(tmp_path, capsys):
    pytest.importorskip("yaml")
    cat = _catalogue(tmp_path, "cat.yml", "figures:\n  - kind: conv2d\n   params: {input: 5x5\n")
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "o", "--quiet",
            match=r"not valid YAML at line \d+, column \d+")


def test_8_bad_poster_writes_nothing_and_blames_poster(tmp_path, capsys):
    refused(capsys, tmp_path, "gif", "--input", "9x9", "-o", tmp_path / "a.gif", "--poster",
            tmp_path / "nope" / "p.png", match=r"--poster ")


def test_9_oversized_entry_refused_before_any_file(tmp_path, capsys):
    entries = [{"kind": "conv2d", "params": {"input": "4x4"}}, {"kind": "coverage", "params": {"input": "300x300"}},
               {"kind": "conv2d", "params": {"input": "5x4"}}]
    cat = _catalogue(tmp_path, "cat.json", json.dumps(entries))
    refused(capsys, tmp_path, "render", "--catalogue", cat, "--out", tmp_path / "out", "--cache", tmp_path / "c",
            "--quiet", match=r"catalogue entry 1 \(coverage\): input: .*over the budget")


@pytest.mark.parametrize("argv, match", [
    (["--input", "2000"], r"--input '2000': the conv1d figure would draw .*over the budget.*smaller input such as"),
    (["--input", "866"], r"--input '866': .*over the budget"),
    (["--input", "30x30x30"], r"--input '30x30x30': .*over the budget"),
    (["--input", "100x100", "--channels", "3"], r"--input '100x100': the channels figure .*over the budget"),
])
def test_10_gif_sizes_bounded(tmp_path, capsys, argv, match):
    refused(capsys, tmp_path, "gif", *argv, "-o", tmp_path / "x.gif", match=match)


@pytest.mark.parametrize("kind, params, key", [
    ("coverage", {"input": "200x200"}, "input"),
    ("coverage", {"input": "400x400"}, "input"),
    ("dilation", {"input": "300x300"}, "input"),
    ("strides", {"input": "5000x5000"}, "input"),
    ("padding-modes", {"input": "5000"}, "input"),
    ("receptive-field", {"kernels": [100000, 3]}, "kernels"),
])
def test_11_diagrams_bounded(kind, params, key):
    t0 = time.perf_counter()
    with pytest.raises(convfig.ConvfigError, match=rf"^{key}: the {kind} figure would draw .*over the budget"):
        registry.make_spec(kind, params)
    assert time.perf_counter() - t0 < FAST_S


def test_12_underscore_is_not_a_digit_separator(tmp_path, capsys):
    refused(capsys, tmp_path, "shape", "--input", "5_5", "--kernel", "1", match=r"--input '5_5'")


def test_13_files_respect_the_umask(tmp_path, capsys):
    old = os.umask(0o027)
    try:
        code, *_ = run(capsys, "gif", "--input", "4x4", "-o", tmp_path / "a.gif", "--poster", tmp_path / "a.png")
        assert code == 0
        cat = _catalogue(tmp_path, "ok.json", json.dumps(OK_CATALOGUE))
        code, *_ = run(capsys, "render", "--catalogue", cat, "--out", tmp_path / "out", "--cache", tmp_path / "cache",
                       "--jobs", "1", "--quiet")
        assert code == 0
    finally:
        os.umask(old)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 2 + 3 + 3
    assert {p.stat().st_mode & 0o777 for p in files} == {0o640}


# ---------------------------------------------------------------------------------------------- the budget


def test_readme_states_the_budget():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for what, limit in limits.BUDGET.rows():
        assert f"| {what} | {limit} |" in readme, (what, limit)


def test_budget_cell_size_is_the_renderers():
    from convfig.render.style import CELL_PX

    assert limits.CELL_PX == CELL_PX


def _samples():
    for name, kind in registry.KINDS.items():
        yield name, {}
        if "input" in kind.defaults:
            bigger = [n + (n + 1) // 2 for n in kind.defaults["input"]]
            yield name, {"input": "x".join(map(str, bigger))}
    yield "channels", {"input": "6x6", "channels": 4, "filters": 3}
    yield "conv1d", {"input": "20", "channels": 2, "filters": 3}


@pytest.mark.parametrize("kind, params", list(_samples()))
def test_estimate_covers_what_is_drawn(kind, params):
    """The estimate never undercounts the frames, nor the pixels by more than 2x (so the limits hold)."""
    try:
        spec = registry.make_spec(kind, params)
        layout = layout_of(spec)
    except convfig.ConvfigError as exc:        # the kind's own rule (e.g. strides draws <= 64 windows)
        assert "budget" not in str(exc), exc   # 1.5x a default input never breaks the budget
        return
    est = limits.estimate(kind, spec.params, animated=spec.animated,
                          window=_window(kind, spec.params))
    frames = max(1, len(layout.steps))
    assert est.frames >= frames
    if kind in ("conv1d", "conv2d", "conv3d", "channels"):
        assert est.frames == frames
    drawn = layout.width * layout.height * layout.ss ** 2
    assert est.pixels * 2 >= drawn, (est, layout.width, layout.height, layout.ss)


def _window(kind, params):
    layer = registry.KINDS[kind].layer
    if layer == "conv" or "input" not in params:
        return None
    from convfig.layers import as_conv

    return lambda p: as_conv(layer, p)


@pytest.mark.parametrize("kind, params", [
    ("conv2d", {"input": "60x60"}), ("conv1d", {"input": "3000"}), ("conv3d", {"input": "20x20x20"}),
    ("channels", {"input": "40x40", "channels": 4}), ("coverage", {"input": "150x150"}),
    ("dilation", {"input": "150x150"}), ("padding-modes", {"input": "900"}),
])
def test_refusal_suggests_an_input_that_fits(kind, params):
    with pytest.raises(convfig.ConvfigError) as info:
        registry.make_spec(kind, params)
    msg = str(info.value)
    assert "\n" not in msg and "over the budget of" in msg
    smaller = re.search(r"such as (\d+(?:x\d+)*)", msg)
    assert smaller, msg
    registry.make_spec(kind, {**params, "input": smaller[1]})           # the suggestion is accepted
    bigger = [int(n) + 1 for n in smaller[1].split("x")]
    with pytest.raises(convfig.ConvfigError):                             # and is the largest of that shape
        registry.make_spec(kind, {**params, "input": "x".join(map(str, bigger))})


def test_every_kind_checks_the_budget_in_make_spec(monkeypatch):
    tiny = limits.Budget(cells=1, cell_frames=1, frames=0, pixels=1, pixel_frames=1, memory=1)
    real = limits.check
    monkeypatch.setattr(limits, "check", lambda *a, **k: real(*a, **{**k, "budget": tiny}))
    for kind in registry.KINDS:
        with pytest.raises(convfig.ConvfigError, match="over the budget"):
            registry.make_spec(kind, {})


# ---------------------------------------------------------------------------------------------- processes 17


def _children(pid: int) -> set[int]:
    """Processes whose parent is pid (Linux /proc)."""
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_17_workers_die_with_the_build(tmp_path, sig):
    entries = [{"kind": "conv2d", "params": {"input": "16x16", "seed": s}, "theme": "light"} for s in range(12)]
    cat = tmp_path / "cat.json"
    cat.write_text(json.dumps(entries))
    build = subprocess.Popen([sys.executable, "-m", "convfig", "render", "--catalogue", str(cat), "--out",
                              str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--jobs", "2", "--quiet"],
                             cwd=ROOT, stderr=subprocess.PIPE)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
        workers |= _children(build.pid)
        time.sleep(0.05)
    assert workers, "the build started no worker"
    time.sleep(0.5)                                      # the workers are busy drawing
    assert build.poll() is None, "the build ended before the test could stop it"
    build.send_signal(sig)
    build.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)], "a worker outlived its build"
    assert not (tmp_path / "out").exists()               # stopped before the end: nothing half-written
    if sig == signal.SIGTERM:
        assert build.returncode != 0 and b"Traceback" not in build.stderr.read()


# ---------------------------------------------------------------------------------------------- hypothesis

# derandomized: the same generated values on every run, so CI never meets a new one by chance
FUZZ = settings(max_examples=40, deadline=FAST_S * 1000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

junk = st.one_of(st.none(), st.text(max_size=6), st.floats(allow_nan=True), st.complex_numbers(),
                 st.lists(st.text(max_size=2), min_size=1, max_size=3),
                 st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))
bad_count = st.one_of(st.integers(max_value=0), st.booleans(), st.floats(), st.text(max_size=4), st.none(),
                      st.integers(min_value=1).map(lambda n: [n, n, n, n]))
bad_axis = st.one_of(bad_count, st.lists(st.integers(max_value=0), min_size=2, max_size=2),
                     st.lists(st.integers(min_value=1, max_value=3), min_size=3, max_size=5))
bad_padding = st.one_of(st.text(min_size=1, max_size=6).filter(lambda s: s.lower() not in ("valid", "same", "full",
                                                                                            "causal")),
                        st.integers(max_value=-1), st.floats(), st.none(),
                        st.lists(st.tuples(st.integers(max_value=-1), st.integers()), min_size=2, max_size=2),
                        st.lists(st.integers(min_value=0, max_value=2), min_size=3, max_size=3))

# each API parameter, a strategy of bad values, and the words the message may name it by
API_PARAMS = {
    "strides": (bad_axis, ("strides",)),
    "dilation_rate": (bad_axis, ("dilation_rate",)),
    "padding": (bad_padding, ("padding",)),
    "groups": (st.one_of(bad_count, st.integers(min_value=3, max_value=50)), ("groups",)),
}


def _one_line_naming(exc: BaseException, names: tuple[str, ...]) -> None:
    msg = str(exc)
    assert "\n" not in msg and msg, msg
    assert any(n in msg for n in names), (msg, names)


@pytest.mark.parametrize("param", sorted(API_PARAMS))
def test_fuzz_conv_parameters(param):
    strategy, names = API_PARAMS[param]

    @FUZZ
    @given(strategy)
    def check(value):
        x, k = np.ones((5, 5, 2)), np.ones((3, 3, 2, 2))
        for fn in (lambda: convfig.conv(x, k, **{param: value}), lambda: convfig.trace(x, k, **{param: value}),
                   lambda: convfig.output_shape((5, 5, 2), 3, filters=2, **{param: value})):
            with pytest.raises(convfig.ConvfigError) as info:
                fn()
            _one_line_naming(info.value, names)

    check()


bad_shape = st.one_of(junk, st.integers(), st.lists(st.integers(max_value=0), min_size=1, max_size=4),
                      st.lists(st.integers(min_value=1, max_value=9), min_size=5, max_size=7),
                      st.lists(st.floats(), min_size=2, max_size=4))


@FUZZ
@given(bad_shape)
def test_fuzz_output_shape_input_shape(value):
    with pytest.raises(convfig.ConvfigError) as info:
        convfig.output_shape(value, 1, filters=1)
    _one_line_naming(info.value, ("input_shape", "channels"))


@FUZZ
@given(st.one_of(junk, bad_count, st.lists(st.integers(max_value=0), min_size=1, max_size=3)))
def test_fuzz_output_shape_kernel_and_filters(value):
    with pytest.raises(convfig.ConvfigError) as info:
        convfig.output_shape((5, 5, 1), value, filters=1)
    _one_line_naming(info.value, ("kernel_size",))
    with pytest.raises(convfig.ConvfigError) as info:
        convfig.output_shape((5, 5, 1), 3, filters=value)
    _one_line_naming(info.value, ("filters",))


bad_arrays = st.one_of(st.text(max_size=3), st.complex_numbers().map(lambda c: np.full((3, 3, 1), c)),
                       st.sampled_from([np.full((3, 3, 1), "a"), np.zeros((0, 3, 1)), np.zeros((3,)),
                                        [[1, 2], [3]], np.array([[[None]] * 3] * 3)]))


@FUZZ
@given(bad_arrays, st.sampled_from(["x", "kernel", "bias"]))
def test_fuzz_arrays(value, which):
    args = {"x": np.ones((3, 3, 1)), "kernel": np.ones((3, 3, 1, 1)), "bias": None, which: value}
    if which == "bias" and isinstance(value, np.ndarray) and value.shape == (3,):
        value = args["bias"] = np.ones((2,))
    for fn in (convfig.conv, convfig.trace):
        with pytest.raises(convfig.ConvfigError) as info:
            fn(args["x"], args["kernel"], args["bias"])
        _one_line_naming(info.value, (which, "kernel", "input_shape", "x"))


def _cli_bad(param: str) -> st.SearchStrategy[str]:
    common = st.one_of(st.sampled_from(["", " ", "x", "5_5", "3x", "x3", "1.5", "-1", "0", "1e3", "٣", "3;rm",
                                        "5x5x5x5", "nan"]),
                       st.text(alphabet="abcxyz_-.,;:!", min_size=1, max_size=5))
    if param == "padding":
        return common.filter(lambda s: s.strip().lower() not in ("valid", "same", "full", "causal")
                             and not re.fullmatch(r"\s*\d+\s*", s))
    if param in ("seed",):
        return st.sampled_from(["-1", "x", "1.5", "", str(2 ** 40)])
    if param == "fps":
        return st.sampled_from(["0", "51", "-3", "fast", "", "1.5"])
    if param in ("channels", "filters", "groups"):
        return st.sampled_from(["0", "-2", "x", "", "1.5", "3x3"])
    return common


CLI_PARAMS = [p for p in ("input", "channels", "filters", "kernel", "strides", "padding", "dilation", "groups", "seed",
                          "fps") if PARAMS[p].flag]


@pytest.mark.parametrize("param", CLI_PARAMS)
def test_fuzz_cli_gif_flags(tmp_path, capsys, param):
    flag = PARAMS[param].flag
    assert flag is not None

    @FUZZ
    @given(_cli_bad(param))
    def check(value):
        argv = ["gif", "--input", "5x5", flag, value, "-o", str(tmp_path / "x.gif")]
        if param == "input":
            argv = ["gif", f"{flag}={value}", "-o", str(tmp_path / "x.gif")]
        else:
            argv[3:5] = [f"{flag}={value}"]
        err = refused(capsys, tmp_path, *argv, match=".")
        assert flag in err or param in err, err

    check()


@pytest.mark.parametrize("flag, value", [("--theme", "sepia"), ("--theme", ""), ("-o", "x.txt"), ("-o", "dir/"),
                                         ("--poster", "nope/p.png")])
def test_cli_gif_other_flags(tmp_path, capsys, flag, value):
    argv = ["gif", "--input", "5x5", "-o", str(tmp_path / "x.gif")]
    target = str(tmp_path / value) if flag in ("-o", "--poster") else value
    if flag == "-o":
        argv[-1] = target
    else:
        argv += [flag, target]
    err = refused(capsys, tmp_path, *argv, match=".")
    assert flag in err or flag.lstrip("-") in err, err


@FUZZ
@given(st.sampled_from(["0", "-1", "x", ""]))
def test_fuzz_cli_render_jobs(tmp_path_factory, value):
    tmp = tmp_path_factory.mktemp("jobs")
    cat = tmp / "c.json"
    cat.write_text(json.dumps(OK_CATALOGUE))
    proc_code = main(["render", "--catalogue", str(cat), f"--jobs={value}", "--out", str(tmp / "o"), "--quiet"])
    assert proc_code == 2 and not (tmp / "o").exists()


catalogue_values = st.one_of(junk, bad_count, st.integers(min_value=10_000, max_value=10 ** 9).map(str))


@FUZZ
@given(st.sampled_from(["input", "kernel", "strides", "padding", "dilation", "channels", "filters", "groups", "seed",
                        "fps", "nonsense"]), catalogue_values)
def test_fuzz_catalogue_params(tmp_path_factory, key, value):
    """A catalogue entry with one bad parameter: one error naming the entry and the parameter, no file."""
    tmp = tmp_path_factory.mktemp("cat")
    entry = {"kind": "conv2d", "params": {key: value}}
    try:
        registry.make_spec("conv2d", entry["params"])
    except convfig.ConvfigError:
        pass
    else:
        return                                            # a value that happens to be fine
    cat = tmp / "c.json"
    cat.write_text(json.dumps([OK_CATALOGUE[0], entry], default=str))
    t0 = time.perf_counter()
    import io
    from contextlib import redirect_stderr

    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["render", "--catalogue", str(cat), "--out", str(tmp / "o"), "--cache", str(tmp / "c"), "--quiet"])
    text = err.getvalue()
    assert code == 2 and text.count("\n") == 1 and "catalogue entry 1" in text, text
    assert any(n in text for n in (key, *RELATED.get(key, ()))), text
    assert not (tmp / "o").exists() and not (tmp / "c").exists()
    assert time.perf_counter() - t0 < FAST_S


# ---------------------------------------------------------------------------------------------- pages 14-16
# against the ```convfig fence (issue 8), through the fence parser and a real `mkdocs build --strict`

FENCE_MENTIONS = (
    "# Tiny\n\n"
    "Write ` ```convfig ` then `kind: conv2d` and ```` ```convfig ```` to ask for a figure.\n\n"
    "<!-- draft\n```convfig\nkind: nope\n```\n-->\n\n"
    "An example, as an indented code block:\n\n"
    "    ```convfig\n    kind: nope\n    input: 5x5\n    ```\n\n"
    "The end.\n"
)


def test_14_15_fence_mentions_are_not_figures():
    from convfig.mkdocs import fence as F

    assert F.find_fences(FENCE_MENTIONS) == []


def test_16_huge_fence_is_refused_on_its_line_with_the_budget():
    from convfig.mkdocs import fence as F

    t0 = time.perf_counter()
    with pytest.raises(F.FenceError, match=r"^docs/p\.md:5: conv2d figure: input: .*over the budget of .*smaller "
                                           r"input such as \d+x\d+"):
        F.check(F.parse_body("kind: conv2d\ninput: 500x500\ncaption: big", "docs/p.md", 3))
    assert time.perf_counter() - t0 < FAST_S


def test_14_16_site_build(tmp_path):
    from test_site import _tiny_project, mkdocs

    (tmp_path / "ok").mkdir()
    (tmp_path / "huge").mkdir()
    ok = _tiny_project(tmp_path / "ok", FENCE_MENTIONS)
    proc = mkdocs("build", "--strict", cwd=ok)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    html = (ok / "site" / "index.html").read_text(encoding="utf-8")
    assert "kind: nope" in html                     # the indented example is shown as code, untouched
    assert "<img" not in html.split("The end.")[0].split("An example")[1]

    huge = _tiny_project(tmp_path / "huge", "# T\n\n```convfig\nkind: coverage\ninput: 900x900\ncaption: c\n```\n")
    t0 = time.perf_counter()
    proc = mkdocs("build", "--strict", cwd=huge)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert re.search(r"docs/index\.md:5: coverage figure: input: .*over the budget", proc.stdout + proc.stderr)
    assert time.perf_counter() - t0 < 60                # refused before drawing (the issue saw 30 s+ builds)


@pytest.mark.parametrize("fn", [
    lambda: convfig.pool_trace(np.zeros((3000, 3000, 1)), 1),
    lambda: convfig.depthwise_trace(np.zeros((2000, 2000, 1)), np.ones((3, 3, 1, 1))),
    lambda: convfig.separable_trace(np.zeros((2000, 2000, 1)), np.ones((3, 3, 1, 1)), np.ones((1, 1, 1, 1))),
    lambda: convfig.transpose_trace(np.zeros((1000, 1000, 1)), np.ones((3, 3, 1, 1)), strides=2),
])
def test_5_every_layer_trace_has_the_size_guard(fn):
    t0 = time.perf_counter()
    with pytest.raises(convfig.ConvfigError, match=r"^x: tracing .*over the memory budget"):
        fn()
    assert time.perf_counter() - t0 < FAST_S


# every option of every command, read from the parser itself: whatever the value, no traceback; exit 0, or
# exit 2 with one line naming the option (or the rule it broke) and no file left behind

def _options():
    from convfig.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for command, parser in sub.choices.items():
        if command not in FUZZED_COMMANDS:
            continue
        for action in parser._actions:
            if action.option_strings and action.nargs != 0 and action.dest not in ("help", "version"):
                yield command, tuple(action.option_strings), action.dest


FUZZED_COMMANDS = ("shape", "gif", "figure", "render", "slide-pack")


OPTIONS = sorted(set(_options()))
JUNK_FLAG_VALUES = st.one_of(
    st.sampled_from(["", " ", "x", "-1", "0", "1e9", "nan", "5_5", "3x", "٣", "99999999999999999999", "1,2,a",
                     "1:2:3", "-", "--", "true", "none", "x" * 300]),
    st.text(alphabet="0123456789x-.,:;_ab", min_size=1, max_size=6))
# a refusal may name the rule's parameter rather than the option typed (a dilation that makes the kernel too
# large for the input is a kernel_size error)
RELATED = {"input": ("kernel",), "padding": ("kernel",), "dilation": ("kernel",), "strides": ("kernel",),
           "output_padding": ("strides",), "pool": ("input",), "values": ("input",), "kernel_values": ("kernel",),
           "groups": ("channels", "filters")}


def _base(command: str, tmp: Path) -> list[str]:
    if command == "render":
        cat = tmp.parent / f"{tmp.name}-cat.json"
        cat.write_text(json.dumps(OK_CATALOGUE))
        return ["render", "--catalogue", str(cat), "--out", str(tmp / "out"), "--cache", str(tmp / "cache"),
                "--jobs", "1", "--quiet"]
    if command == "slide-pack":
        cat = tmp.parent / f"{tmp.name}-cat.json"
        cat.write_text(json.dumps(OK_CATALOGUE))
        return ["slide-pack", "--catalogue", str(cat), "--cache", str(tmp / "cache"), "--jobs", "1", "-o",
                str(tmp / "pack.zip")]
    if command == "shape":
        return ["shape", "--input", "5x5", "--kernel", "3"]
    if command == "figure":
        return ["figure", "conv2d", "--input", "4x4", "-o", str(tmp / "x.gif")]
    return [command, "--input", "4x4", "-o", str(tmp / "x.gif")]


def test_the_option_fuzzer_knows_every_command():
    from convfig.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(sub.choices) <= set(FUZZED_COMMANDS), "add the new command (and a base command line) to the fuzzer"


@pytest.mark.parametrize("command, flags, dest", OPTIONS, ids=[f"{c}{f[-1]}" for c, f, _ in OPTIONS])
def test_fuzz_every_cli_option(tmp_path_factory, capsys, monkeypatch, command, flags, dest):
    flag = flags[-1]
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))     # a junk relative path (--cache=1.2) lands here

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(JUNK_FLAG_VALUES)
    def check(value):
        tmp = tmp_path_factory.mktemp("opt")
        argv = _base(command, tmp) + [f"{flag}={value}"]
        here = os.getcwd()
        os.chdir(tmp)                  # relative paths among the values land in tmp, never in the checkout
        try:
            t0 = time.perf_counter()
            code = main(argv)
            took = time.perf_counter() - t0
        finally:
            os.chdir(here)
        out, err = capsys.readouterr()
        assert "Traceback" not in err and code in (0, 2), (argv, code, err)
        if code == 2:
            assert err.count("\n") == 1, err
            names = (*flags, dest, dest.replace("_", "-"), *RELATED.get(dest, ()))
            assert any(n in err for n in names), (argv, err)
            assert not [p for p in tmp.rglob("*") if p.is_file()], (argv, "left a file behind")
            assert took < FAST_S or "cannot write" in err, (argv, took)

    check()


@pytest.mark.parametrize("frames, match", [(".", "current folder"), ("..", "current folder"),
                                           ("full", "not an empty folder"), ("x.gif", "same path as -o")])
def test_frames_folder_refused_before_writing(tmp_path, capsys, monkeypatch, frames, match):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    for command in (["gif"], ["figure", "conv2d"]):
        refused(capsys, tmp_path, *command, "--input", "4x4", "-o", tmp_path / "x.gif", f"--frames={frames}",
                match=rf"--frames {re.escape(frames)}: .*{match}")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
