"""Batch rendering works under every multiprocessing start method (spawn and forkserver: Python 3.14's
default on Linux): workers import what they need and get picklable FigureSpecs, nothing fork-inherited."""

from __future__ import annotations

import multiprocessing
import pickle

import pytest

from convfig.params import ParamError
from convfig.render.batch import render_catalogue
from convfig.render.registry import make_spec

CATALOGUE = [
    {"kind": "strides", "params": {"input": "5x5", "kernel": 3, "strides": 2}, "theme": "light"},
    {"kind": "padding-modes", "params": {"input": 5, "kernel": 3}, "theme": "dark"},
]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_render_catalogue_under_start_method(tmp_path, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    info = render_catalogue(CATALOGUE, tmp_path / "out", jobs=2, progress=False, cache_dir=tmp_path / "cache",
                            mp_context=method)
    assert sorted(info) == ["padding-modes-i5-dark", "strides-i5x5-light"]
    for stem, meta in info.items():
        assert (tmp_path / "out" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (tmp_path / "out" / f"{stem}.svg").exists() and meta["frames"] == 1
    # the same files as a serial run in this process
    render_catalogue(CATALOGUE, tmp_path / "serial", jobs=1, progress=False, cache_dir=tmp_path / "c2")
    for stem in info:
        assert (tmp_path / "out" / f"{stem}.png").read_bytes() == (tmp_path / "serial" / f"{stem}.png").read_bytes()


def test_what_crosses_the_process_boundary_pickles():
    spec = make_spec("conv2d", {"input": "4x4"}, "dark")
    assert pickle.loads(pickle.dumps(spec)) == spec and pickle.loads(pickle.dumps(spec)).name == spec.name
    err = pickle.loads(pickle.dumps(ParamError("kernel", "3x3x3", "gives 3 values", True)))
    assert str(err) == "kernel '3x3x3' gives 3 values" and err.for_cli() == "--kernel '3x3x3' gives 3 values"
