"""Packaging truths: one version string, py.typed shipped, the console script and `python -m convfig`."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import convfig
from convfig.cli import main

tomllib = pytest.importorskip("tomllib")   # Python >= 3.11

ROOT = Path(__file__).resolve().parent.parent


def test_one_version_string(capsys):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "convfig.__version__"}
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"convfig {convfig.__version__}"
    assert metadata.version("convfig") == convfig.__version__


def test_py_typed_is_shipped():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert (ROOT / "convfig" / "py.typed").is_file()
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["convfig"]


def test_module_entry_point_prints_the_version():
    proc = subprocess.run([sys.executable, "-m", "convfig", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == f"convfig {convfig.__version__}"
