"""Shared fixtures for the browser tests (test_browser.py, test_a11y.py): the built site, a local HTTP
server for it, and Debian's chromium driven by Playwright (never a downloaded browser).

`make site` builds site/ and site-offline/ before `make test` (.ci/run). If they are missing or older than
the pages, the fixtures build them (locally) or fail saying so (CI). Without /usr/bin/chromium the browser
tests skip locally and fail in CI.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]
IN_CI = bool(os.environ.get("CI"))


def _stale(site: Path) -> bool:
    """True when a page, the config, gen/ or an asset changed after the site was built."""
    built = (site / "index.html").stat().st_mtime
    sources = [ROOT / "mkdocs.yml", *(ROOT / "docs").rglob("*"), *(ROOT / "gen").glob("*.py"),
               *(ROOT / "convfig" / "mkdocs").rglob("*")]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def _ensure(site: Path, offline: bool) -> Path:
    if (site / "index.html").is_file() and (site / "figures").is_dir() and (IN_CI or not _stale(site)):
        return site
    if IN_CI:
        pytest.fail(f"{site.name}/ is missing: run `make site` before `make test`", pytrace=False)
    env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true"}
    env.pop("CONVFIG_OFFLINE", None)
    if offline:
        env["CONVFIG_OFFLINE"] = "true"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return site


@pytest.fixture(scope="session")
def site() -> Path:
    return _ensure(ROOT / "site", offline=False)


@pytest.fixture(scope="session")
def offline_site() -> Path:
    return _ensure(ROOT / "site-offline", offline=True)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: .ci/run installs it with apt (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message + "; browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()
