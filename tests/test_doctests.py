"""Every docstring example in the convfig package runs (``doctest`` on each module)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "convfig"
SKIP = {"convfig.__main__"}        # running it is running the CLI
MODULES = sorted(
    ".".join(p.relative_to(PKG.parent).with_suffix("").parts).removesuffix(".__init__")
    for p in PKG.rglob("*.py") if "__pycache__" not in p.parts
)


@pytest.mark.parametrize("name", [m for m in MODULES if m not in SKIP])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (run pytest -s)"


def test_engine_modules_have_examples():
    """The engine's modules show how they are used."""
    for name in ("convfig", "convfig.arithmetic", "convfig.compute", "convfig.spec", "convfig.errors",
                 "convfig.params", "convfig.render.registry"):
        assert doctest.testmod(importlib.import_module(name), verbose=False).attempted > 0, name
