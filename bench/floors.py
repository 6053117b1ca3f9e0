"""`make floors`: run the engine tests with the oldest dependency versions pyproject.toml allows.

Builds a throwaway venv (default /tmp/convfig-floors), installs every runtime dependency pinned to its
floor (``numpy>=1.24`` -> ``numpy==1.24.0``) plus pytest and hypothesis, installs convfig without its
dependencies, and runs the engine tests there. Prints the versions it used and pytest's summary; exits
with pytest's code. Not part of `make test` (it downloads packages and takes a minute or two).

    python bench/floors.py [--venv DIR] [--python python3.11] [pytest args ...]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_engine.py", "tests/test_golden.py", "tests/test_properties.py"]
# the text module reads glyphs through Pillow's ImageFont and finds fonts with matplotlib: run its examples too
DOCTESTS = ["convfig/render/text.py"]


def floor_pins(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """'numpy>=1.24' -> 'numpy==1.24.0' for every runtime dependency that has a floor."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = []
    for dep in deps:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)\s*(,.*)?", dep)
        if not m:
            raise SystemExit(f"floors: cannot read a floor from {dep!r}")
        version = m.group(2)
        version += ".0" * max(0, 3 - version.count(".") - 1)
        pins.append(f"{m.group(1)}=={version}")
    return pins


def run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", default="/tmp/convfig-floors", help="where to build the venv")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the venv")
    args, pytest_args = ap.parse_known_args(argv)
    venv = Path(args.venv)
    py = venv / "bin" / "python"
    if not py.exists():
        run([args.python, "-m", "venv", str(venv)])
    pins = floor_pins()
    run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(py), "-m", "pip", "install", "-q", *pins, "pytest", "hypothesis"])
    run([str(py), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)])
    subprocess.run([str(py), "-c", "import sys, numpy, matplotlib, PIL, tqdm; print('floors:', "
                    "'python', sys.version.split()[0], 'numpy', numpy.__version__, 'matplotlib', "
                    "matplotlib.__version__, 'pillow', PIL.__version__, 'tqdm', tqdm.__version__)"], check=True)
    tests = pytest_args or [*TESTS, "--doctest-modules", *(d for d in DOCTESTS if (ROOT / d).exists())]
    return subprocess.run([str(py), "-m", "pytest", "-p", "no:cacheprovider", *tests], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
