"""Site benchmarks: cold build (empty figure cache), warm rebuild, the same site without figures, and the
time from editing one figure's parameters under `mkdocs serve` to the rebuilt page being served.

Run: python bench/bench_site.py   (prints numbers, asserts nothing; works on a copy in a temp dir)
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLD_GOAL_S = 20.0
EDIT_GOAL_S = 2.0


def _copy_project(dest: Path) -> None:
    for name in ("docs", "gen"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")


def _env(cache: Path) -> dict:
    return {**os.environ, "CONVFIG_CACHE": str(cache), "DISABLE_MKDOCS_2_WARNING": "true",
            "NO_MKDOCS_2_WARNING": "1"}


def _build(project: Path, cache: Path, config: str = "mkdocs.yml") -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d",
                    str(project / "site")], cwd=project, env=_env(cache), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode()
    except OSError:
        return None


def _serve_edit(project: Path, cache: Path) -> float:
    """Seconds from saving a page with changed figure parameters to the served page showing the new figure."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a",
                             f"127.0.0.1:{port}"], cwd=project, env=_env(cache), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/strides/"
    try:
        deadline = time.time() + 120
        while _get(url) is None and time.time() < deadline:
            time.sleep(0.2)
        page = project / "docs" / "strides.md"
        text = page.read_text()
        seed = 100 + time.time_ns() % 900            # a figure no cache has seen before this run
        new, n = re.subn(r"(```convfig\nkind: conv2d\n)", rf"\g<1>seed: {seed}\n", text, count=1)
        assert n == 1, "no conv2d figure on strides.md"
        before = _get(url) or ""
        time.sleep(1.0)                     # let the watcher settle
        t0 = time.perf_counter()
        page.write_text(new)
        while time.perf_counter() - t0 < 60:
            html = _get(url)
            if html and html != before and f"seed{seed}" in html:
                return time.perf_counter() - t0
            time.sleep(0.05)
        return float("nan")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bench_site() -> list[tuple]:
    """Full-site build cold / warm / without figures, and edit-to-page under mkdocs serve."""
    with tempfile.TemporaryDirectory() as tmp:
        project, cache = Path(tmp) / "project", Path(tmp) / "cache"
        _copy_project(project)
        cold = _build(project, cache)
        warm = min(_build(project, cache) for _ in range(3))
        plain = project / "mkdocs-nofigures.yml"
        plain.write_text(re.sub(r"\n  - gen-files:\n(      .*\n)+", "\n", (project / "mkdocs.yml").read_text()))
        bare = min(_build(project, cache, plain.name) for _ in range(3))
        edit = _serve_edit(project, cache)
    return [
        ("site build, empty figure cache", cold, "s", f"goal <= {COLD_GOAL_S:g} s -> "
         + ("MET" if cold <= COLD_GOAL_S else "MISSED")),
        ("site rebuild, nothing changed", warm, "s", f"goal <= no-figures + 1 = {bare + 1:.2f} s -> "
         + ("MET" if warm <= bare + 1 else "MISSED")),
        ("same site without figures (no gen-files)", bare, "s", ""),
        ("mkdocs serve: edit figure params -> page served", edit, "s", f"goal <= {EDIT_GOAL_S:g} s -> "
         + ("MET" if edit <= EDIT_GOAL_S else "MISSED")),
    ]


if __name__ == "__main__":
    for name, value, unit, note in bench_site():
        print(f"{name:<50} {value:9.2f} {unit:<3} {note}")
