"""The playground in Chromium: redraw time after a control change, page weight, JS/Python parity.

- redraw: Conv2D 16x16, 3 channels, 4 filters, padding same; a control is changed (seed, padding,
  kernel_size, strides in turn) and the page redraws everything (engine, facts, SVG), in a 1280x900 window
  (the output panels below the fold) and in a 1280x3400 one (the whole figure on screen). Measured in the
  page: from the input event to a forced style + layout of the new figure (the synchronous work of one
  frame), and to the next animation frame; plus the main thread's CPU time per change (DevTools
  Performance.TaskDuration in thread ticks), which another process's load does not inflate as much.
- weight: every byte the playground page loads, minus Material's own assets (its bundle, its stylesheets,
  its search worker and index), uncompressed as served and gzip'd.
- parity: 2,000 random layers through docs/assets/playground/engine.js and the Python engine
  (tests/playground_parity.py), counted.

Needs site/ (built here if missing) and /usr/bin/chromium.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import statistics
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]
LAYER = "#input=16x16&kernel=3&strides=1&padding=same&dilation=1&groups=1&channels=3&filters=4&seed=0"
REDRAW_GOAL_MS = 16.0
WEIGHT_GOAL = 150 * 1024
CHANGES = 40

# one control change, timed in the page: [sync ms (event -> layout done), ms to the next frame]
CHANGE = """async (i) => {
  const n = Math.floor(i / 4) % 2;      // every change really changes the layer (from padding same, k3, s1)
  const steps = [['cfp-seed', String(i + 1)], ['cfp-padding', n ? 'same' : 'valid'],
                 ['cfp-kernel-0', n ? '3' : '2'], ['cfp-strides-1', n ? '1' : '2']];
  const [id, value] = steps[i % steps.length];
  const el = document.getElementById(id);
  const t0 = performance.now();
  el.value = value;
  el.dispatchEvent(new Event('input', {bubbles: true}));
  document.getElementById('cfp-figure').getBoundingClientRect();
  const t1 = performance.now();
  await new Promise((r) => requestAnimationFrame(() => r()));
  const t2 = performance.now();
  return [t1 - t0, t2 - t0, document.getElementById('convfig-playground').dataset.status, id];
}"""


def _site() -> Path:
    site = ROOT / "site"
    if not (site / "playground" / "index.html").is_file():
        env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"}
        env.pop("CONVFIG_OFFLINE", None)
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                       env=env, check=True, capture_output=True)
    return site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _material(url: str) -> bool:
    """Material's own assets: its JavaScript bundle and workers, its stylesheets, the search index."""
    path = url.split("?")[0]
    return "/assets/javascripts/" in path or "/assets/stylesheets/" in path or "/search/" in path


def _weight(browser, base: str) -> tuple:
    """Bytes the playground page loads beyond Material's own assets (a fresh context: nothing cached)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: dict[str, bytes] = {}
    page.on("response", lambda r: sizes.setdefault(r.url, r.body() if r.ok else b""))
    page.goto(base + "playground/" + LAYER, wait_until="networkidle")
    page.wait_for_selector("#convfig-playground[data-status=ok]")
    context.close()
    ours = {u: b for u, b in sizes.items() if not _material(u)}
    raw_bytes = sum(len(b) for b in ours.values())
    gz = sum(len(gzip.compress(b, 9)) for b in ours.values())
    material = sum(len(b) for u, b in sizes.items() if _material(u))
    own = sum(len(b) for u, b in ours.items() if "/assets/playground/" in u)
    return ("playground page weight beyond Material", raw_bytes, "B",
            f"{len(ours)} files ({own:,} B the playground's own JS+CSS), gzip {gz:,} B; Material's "
            f"{material:,} B not counted; goal <= {WEIGHT_GOAL:,} B -> "
            + ("MET" if raw_bytes <= WEIGHT_GOAL else "MISSED"))


def _redraw(browser, base: str, height: int = 900) -> list[tuple]:
    """Control changes on the 16x16, 3-channel, 4-filter layer: time to layout, to the next frame, CPU.
    ``height``: the window's; at 900 px the output panels are below the fold (the browser skips laying out
    what is off screen: content-visibility), at 3,400 px the whole figure is on screen."""
    context = browser.new_context(viewport={"width": 1280, "height": height})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
    page.goto(base + "playground/" + LAYER, wait_until="load")
    page.wait_for_selector("#convfig-playground[data-status=ok]")

    def task_ms() -> float:
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return metrics["TaskDuration"] * 1e3

    sync, frame, cpu = [], [], []
    by_control: dict[str, list[float]] = {}
    for i in range(CHANGES):       # the times, without DevTools calls in between (they slow the next task)
        page.wait_for_timeout(30)
        s, f, status, control = page.evaluate(CHANGE, i)
        assert status == "ok", status
        if i >= 4:            # the first few warm the JIT
            sync.append(s)
            frame.append(f)
            by_control.setdefault(control.replace("cfp-", ""), []).append(s)
    for i in range(CHANGES, CHANGES + CHANGES // 2):      # the main thread's CPU time, one change at a time
        page.wait_for_timeout(30)
        before = task_ms()
        page.evaluate(CHANGE, i)
        cpu.append(task_ms() - before)
    context.close()
    med = statistics.median(sync)
    per = ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in by_control.items())
    if height != 900:
        return [(f"redraw, whole figure on screen (window 1280x{height})", med, "ms",
                 f"min {min(sync):.1f}; next frame {statistics.median(frame):.1f}; CPU {statistics.median(cpu):.1f} "
                 f"(min {min(cpu):.1f}); load avg {os.getloadavg()[0]:.1f}")]
    return [
        ("redraw Conv2D 16x16 c3 f4 (event -> layout)", med, "ms",
         f"median of {len(sync)} changes (min {min(sync):.1f}; per control {per}); load avg "
         f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; goal <= {REDRAW_GOAL_MS:g} -> "
         + ("MET" if med <= REDRAW_GOAL_MS else "MISSED")),
        ("redraw, event -> next animation frame", statistics.median(frame), "ms", f"min {min(frame):.1f}"),
        ("redraw, main-thread CPU per change", statistics.median(cpu), "ms",
         f"min {min(cpu):.1f} (DevTools TaskDuration in thread ticks, ~7 ms of it the measuring itself)"),
    ]


def _parity(browser) -> tuple:
    from playground_parity import compare, js_layers, load_engine, python_layer, random_raws

    page = browser.new_page()
    load_engine(page)
    raws = random_raws(2000, seed=0)
    js = js_layers(page, raws)
    page.close()
    agree = sum(not compare(r, python_layer(r), j) for r, j in zip(raws, js))
    refused = sum("error" in j for j in js)
    return ("parity JS vs Python, random layers", agree, "of 2000",
            f"{refused} of them refusals; goal 2000/2000 -> " + ("MET" if agree == 2000 else "MISSED"))


def bench_playground() -> list[tuple]:
    if not Path(CHROMIUM).exists():
        return [("playground", 0.0, "-", f"skipped: {CHROMIUM} missing")]
    from playwright.sync_api import sync_playwright

    site = _site()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://localhost:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            rows = [_weight(browser, base), *_redraw(browser, base), *_redraw(browser, base, 3400),
                    _parity(browser)]
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return rows


if __name__ == "__main__":
    for row in bench_playground():
        print(row)
