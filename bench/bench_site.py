"""Site benchmarks, side by side in one run: MkDocs cold build (empty figure cache), the slide pack step that
`make site` runs after it (cold, then warm), warm rebuild, the same
site without the plugin, Zensical cold (empty page cache, warm figure cache) and warm, the time from
editing one fence under `mkdocs serve` to the page served with the new figure, and the memory peak of a
cold build (resident memory of the build and its render workers, summed, sampled every 50 ms).

Run: python bench/bench_site.py   (prints numbers, asserts nothing; works on a copy in a temp dir)
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLD_GOAL_S = 20.0
EDIT_GOAL_S = 1.0
WARM_EXTRA_S = 0.5
MEMORY_GOAL_GIB = 1.5
EDITS = 7
ZENSICAL = Path(sys.executable).with_name("zensical")


def _copy_project(dest: Path) -> None:
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")


def _env(cache: Path) -> dict:
    env = {**os.environ, "CONVFIG_CACHE": str(cache), "DISABLE_MKDOCS_2_WARNING": "true",
           "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    env.pop("CONVFIG_OFFLINE", None)
    return env


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def _run(args: list[str], cwd: Path, cache: Path) -> tuple[float, int]:
    """(seconds, peak summed RSS in bytes) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=_env(cache), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    done.set()
    watcher.join()
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{err.decode()[-2000:]}")
    return seconds, peak


def _mkdocs(project: Path, cache: Path, config: str = "mkdocs.yml") -> tuple[float, int]:
    return _run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d",
                 str(project / "site-mkdocs")], project, cache)


def _zensical(project: Path, cache: Path, clean: bool = False) -> float:
    return _run([str(ZENSICAL), "build", *(["--clean"] if clean else [])], project, cache)[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    data = _get_bytes(url)
    return None if data is None else data.decode()


def _get_bytes(url: str) -> bytes | None:
    """The body at ``url``, None when it cannot be fetched."""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read()
    except OSError:
        return None


def _serve_edits(project: Path, cache: Path, edits: int = EDITS) -> list[float]:
    """Seconds from saving a page with one fence changed to the served page showing the new figure (the
    page names it and every image file of it is served), for ``edits`` saves in one `mkdocs serve`
    session, each a new seed on the page's first conv2d fence (a figure no cache has seen)."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                            env=_env(cache), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/strides/"
    page = project / "docs" / "strides.md"
    text = page.read_text()
    times = []
    try:
        deadline = time.time() + 300
        while _get(url) is None and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(2.0)                     # serve has started (a reader's first edit comes later than this)
        for _ in range(edits):
            seed = 100 + time.time_ns() % 900
            new, n = re.subn(r"(```convfig\nkind: conv2d\n)", rf"\g<1>seed: {seed}\n", text, count=1)
            assert n == 1, "no conv2d fence on strides.md"
            before = _get(url) or ""
            t0 = time.perf_counter()
            page.write_text(new)
            times.append(float("nan"))
            while time.perf_counter() - t0 < 120:
                html = _get(url)
                srcs = re.findall(rf'src="([^"]*seed{seed}[^"]*)"', html or "")
                if html and html != before and srcs and all(_get_bytes(urllib.parse.urljoin(url, s)) for s in srcs):
                    times[-1] = time.perf_counter() - t0
                    break
                time.sleep(0.01)
            time.sleep(1.0)                 # the build finished; the next save comes a moment later
        return times
    finally:
        page.write_text(text)
        proc.terminate()
        proc.wait(timeout=20)


def _verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def bench_site() -> list[tuple]:
    """MkDocs cold / warm / without figures, Zensical cold / warm, serve edit-to-page, memory peak."""
    with tempfile.TemporaryDirectory() as tmp:
        project, cache = Path(tmp) / "project", Path(tmp) / "cache"
        _copy_project(project)
        cold, peak = _mkdocs(project, cache)
        (project / "site-mkdocs" / "downloads").mkdir()
        pack_args = [sys.executable, "-m", "convfig", "slide-pack", "--docs", "docs", "-o",
                     "site-mkdocs/downloads/convfig-slide-pack.zip"]
        pack_cold, pack_peak = _run(pack_args, project, cache)
        pack_warm = _run(pack_args, project, cache)[0]
        warm = min(_mkdocs(project, cache)[0] for _ in range(3))
        plain = project / "mkdocs-nofigures.yml"
        text = (project / "mkdocs.yml").read_text()
        text = re.sub(r"\n  - convfig\.mkdocs\.extension:\n(      [^\n]*\n)*", "\n", text)   # no plugin, no fences
        plain.write_text(re.sub(r"\n  - convfig\b[^\n]*\n(      [^\n]*\n)*", "\n", text))
        bare = min(_mkdocs(project, cache, plain.name)[0] for _ in range(3))
        zen_cold = _zensical(project, cache, clean=True) if ZENSICAL.exists() else float("nan")
        zen_warm = min(_zensical(project, cache) for _ in range(2)) if ZENSICAL.exists() else float("nan")
        # Zensical with an empty figure cache too (both builders cold)
        zen_all_cold = _zensical(project, Path(tmp) / "cache-zensical", clean=True) if ZENSICAL.exists() \
            else float("nan")
        edits = _serve_edits(project, cache)
        edit = statistics.median(edits)
    gib = peak / 2**30
    return [
        ("mkdocs build, empty figure cache", cold, "s",
         f"goal <= {COLD_GOAL_S:g} s -> {_verdict(cold <= COLD_GOAL_S)}"),
        ("mkdocs build memory peak (build + workers)", gib, "GiB",
         f"goal <= {MEMORY_GOAL_GIB:g} GiB -> {_verdict(gib <= MEMORY_GOAL_GIB)}"),
        ("slide pack, its own step (convfig slide-pack --docs)", pack_cold, "s",
         f"after the cold build: every animation drawn again at 1920x1080, GIF + MP4; memory peak "
         f"{pack_peak / 2**30:.2f} GiB; from the warm cache {pack_warm:.2f} s"),
        ("mkdocs rebuild, nothing changed", warm, "s",
         f"goal <= no-plugin + {WARM_EXTRA_S:g} = {bare + WARM_EXTRA_S:.2f} s -> "
         f"{_verdict(warm <= bare + WARM_EXTRA_S)} (+{warm - bare:.2f} s)"),
        ("same site without the plugin", bare, "s", ""),
        ("zensical build, empty figure cache", zen_all_cold, "s",
         f"goal <= {COLD_GOAL_S:g} s -> {_verdict(zen_all_cold <= COLD_GOAL_S)}"),
        ("zensical build --clean, figures cached", zen_cold, "s", ""),
        ("zensical rebuild, nothing changed", zen_warm, "s", ""),
        ("mkdocs serve: edit one fence -> page served", edit, "s",
         f"median of {len(edits)} saves in one session ({', '.join(f'{e:.2f}' for e in edits)}); goal <= "
         f"{EDIT_GOAL_S:g} s -> {_verdict(edit <= EDIT_GOAL_S)}"),
    ]


if __name__ == "__main__":
    for name, value, unit, note in bench_site():
        print(f"{name:<50} {value:9.2f} {unit:<4} {note}")
