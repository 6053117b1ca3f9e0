"""Render a catalogue of figures into a folder, in parallel, with a progress bar. Works without MkDocs.

    from convfig.render.batch import render_catalogue
    info = render_catalogue([{"kind": "conv2d", "params": {"input": "5x5", "padding": "same"}}], "out/")

Files per figure and theme (``<stem>`` = ``<name>-<theme>``):
  animations: <stem>.gif, <stem>.png (poster); diagrams: <stem>.png, <stem>.svg;
  always <stem>.json {"alt", "steps", "width", "height", "frames", "kind", "params", ...};
  with params["stepper"]: <stem>/000.png, 001.png, ... (one per frame).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

from convfig.errors import ConvfigError
from convfig.render.cache import Cache, render_files, write_if_changed
from convfig.render.registry import make_spec
from convfig.render.style import THEMES
from convfig.render.types import FigureSpec

T = TypeVar("T")
WATCH_S = 0.5        # how often a worker checks that its parent is alive


def _entries(specs: Any) -> list[Any]:
    """The list of catalogue entries of a list, a {"figures": [...]} document or a {name: {...}} mapping."""
    if isinstance(specs, dict):
        specs = specs["figures"] if "figures" in specs else list(specs.values())
    if isinstance(specs, (str, bytes)) or not isinstance(specs, (list, tuple)) and not hasattr(specs, "__iter__"):
        raise ConvfigError(f"catalogue: expected a list of figures or {{\"figures\": [...]}}, got "
                           f"{type(specs).__name__} {str(specs)[:40]!r}")
    return list(specs)


def _entry_specs(i: int, item: dict) -> list[FigureSpec]:
    """The FigureSpecs (one per theme) of catalogue entry i, every field checked, the size budget included."""
    kind, params = item["kind"], item.get("params") or {}
    if not isinstance(kind, str):
        raise ConvfigError(f"catalogue entry {i}: kind must be a figure kind name (a string), got {kind!r}")
    themes = item.get("themes") or ([item["theme"]] if "theme" in item else list(THEMES))
    if isinstance(themes, str):
        themes = [themes]
    if not isinstance(themes, (list, tuple)) or not all(isinstance(t, str) for t in themes):
        raise ConvfigError(f"catalogue entry {i} ({kind}): themes must be a list of {' / '.join(THEMES)}, "
                           f"got {themes!r}")
    if not isinstance(params, dict):
        raise ConvfigError(f"catalogue entry {i} ({kind}): params must be a mapping of parameter names to "
                           f"values, got {params!r}")
    try:
        return [make_spec(kind, params, t) for t in themes]
    except ConvfigError as exc:
        raise ConvfigError(f"catalogue entry {i} ({kind}): {exc}") from None


def normalise(specs: Any) -> list[FigureSpec]:
    """Accept FigureSpecs, dicts {"kind", "params", "theme" | "themes"} (both themes when neither is
    given), a {"figures": [...]} document or a {name: {...}} mapping. Duplicates are dropped.

    Every entry is validated, size budget included (convfig.limits), before any figure is drawn."""
    out: list[FigureSpec] = []
    seen = set()
    for i, item in enumerate(_entries(specs)):
        if isinstance(item, FigureSpec):
            candidates = [item]
        elif isinstance(item, dict):
            if "kind" not in item:
                raise ConvfigError(f"catalogue entry {i}: needs a 'kind' (one of the figure kinds)")
            candidates = _entry_specs(i, item)
        else:
            raise ConvfigError(f"catalogue entry {i}: expected a mapping with 'kind' and 'params'")
        for spec in candidates:
            ident = (spec.name, spec.theme)
            if ident not in seen:
                seen.add(ident)
                out.append(spec)
    return out


def _render_one(spec: FigureSpec, cache_root: str | None) -> tuple[str, dict, dict[str, bytes]]:
    """Render (or load from the cache) one figure: (stem, metadata, {relative path: bytes}).

    A module-level function: workers import it, whatever the start method. Nothing is written to the
    output folder here; the parent writes every figure once all of them succeeded."""
    try:
        res = render_files(spec, Cache(cache_root))
    except ConvfigError as exc:
        raise ConvfigError(f"figure {spec.name} ({spec.theme}): {exc}") from None
    stem = f"{spec.name}-{spec.theme}"
    files = {f"{stem}.{ext}": data for ext, data in res["files"].items()}
    files.update({f"{stem}/{i:03d}.png": data for i, data in enumerate(res["frames"])})
    meta = dict(res["meta"])
    meta.pop("files", None)
    files[f"{stem}.json"] = json.dumps(meta, sort_keys=True, indent=1, ensure_ascii=False).encode()
    return stem, meta, files


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit when the process that started the build dies (kill -9 included).

    Linux: the kernel sends SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG); everywhere: a daemon
    thread polls whether the parent still exists (a forkserver's workers are not its children)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # the parent handles Ctrl-C and stops the pool
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            time.sleep(WATCH_S)
            if not _alive(parent):
                os._exit(1)

    threading.Thread(target=watch, name="convfig-watch-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    if os.getppid() == pid:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class Stopped(KeyboardInterrupt):
    """The build got SIGTERM (or SIGINT): workers are stopped, nothing more is written."""


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise Stopped in the main thread while a build runs (handlers restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Stopped(f"stopped by signal {signum}")

    old = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now (they hold nothing worth waiting for)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)


def worker_pool(jobs: int, mp_context: BaseContext | str | None = None) -> ProcessPoolExecutor:
    """``jobs`` worker processes that exit when this process dies (``parallel_map``'s pool; kept open by
    ``mkdocs serve`` to draw an edited figure while the pages build)."""
    ctx = mp_context if isinstance(mp_context, BaseContext) else multiprocessing.get_context(mp_context)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_watch_parent, initargs=(os.getpid(),))


def parallel_map(fn: Callable[..., T], args: Iterable[tuple], jobs: int | None = None,
                 mp_context: BaseContext | str | None = None, each: Callable[[int], Any] | None = None) -> list[T]:
    """``[fn(*a) for a in args]`` on up to ``jobs`` worker processes (None: all cores; 1, or one item: here).

    The one pool every build uses (catalogue, site, slide pack): workers are started by ``mp_context``
    (a context or a start method name; None: the platform's default), exit when this process dies
    (kill -9 included), and SIGTERM/SIGINT stop them (Stopped). ``each(1)`` is called after every result.

    >>> parallel_map(pow, [(2, 3), (3, 2)], jobs=1)
    [8, 9]
    """
    todo = list(args)
    jobs = min(jobs or os.cpu_count() or 1, len(todo))
    out: list[T] = []
    with _stop_on_signals():
        if jobs <= 1:
            for a in todo:
                out.append(fn(*a))
                if each:
                    each(1)
            return out
        pool = worker_pool(jobs, mp_context)
        try:
            for fut in [pool.submit(fn, *a) for a in todo]:
                out.append(fut.result())
                if each:
                    each(1)
        except BaseException:
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)
    return out


def _write_all(out: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        write_if_changed(out / rel, data)


def render_catalogue(specs: Iterable[Any], out_dir: str | os.PathLike[str], jobs: int | None = None,
                     progress: bool = True, cache_dir: str | os.PathLike[str] | None = None,
                     mp_context: BaseContext | str | None = None) -> dict[str, dict]:
    """Render every figure (both themes unless given) into out_dir; returns {stem: info}.

    stem = "<name>-<theme>"; info = the JSON metadata + "stem", "name", "theme" and "files" (paths
    relative to out_dir). Parallel across cores (jobs=None: all cores; jobs=1: serial in this process).
    ``mp_context``: a multiprocessing context or start method name ("spawn", "forkserver", "fork");
    None = the platform's default. Workers get picklable FigureSpecs and inherit nothing; they exit when
    this process dies, and SIGTERM/SIGINT stop them (Stopped, a KeyboardInterrupt, is raised).
    Every figure is validated (size budget included) before any is drawn, and the output folder is
    written only once every figure succeeded.
    """
    from tqdm import tqdm

    todo = normalise(specs)
    out = Path(out_dir)
    cache_root = str(cache_dir) if cache_dir is not None else None
    bar = tqdm(total=len(todo), desc="figures", unit="fig", disable=not progress)
    try:
        done = parallel_map(_render_one, [(s, cache_root) for s in todo], jobs, mp_context, each=bar.update)
    finally:
        bar.close()
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for stem, meta, files in done:
        _write_all(out, files)
        results[stem] = {**meta, "stem": stem, "files": list(files)}
    return results


def load_catalogue(path: str | os.PathLike[str]) -> Any:
    """Read a catalogue file: JSON, or YAML when PyYAML is installed (.yml / .yaml). Every problem is one
    ConvfigError line naming the file (and the line for syntax errors)."""
    path = Path(path)
    where = f"--catalogue {path}"
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConvfigError(f"{where}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConvfigError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    try:
        if path.suffix.lower() in (".yml", ".yaml"):
            return _load_yaml(text, where)
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ConvfigError(f"{where}: not valid JSON ({exc})") from None
    except RecursionError:
        raise ConvfigError(f"{where}: nested too deeply to read") from None


def _load_yaml(text: str, where: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise ConvfigError(f"{where}: YAML needs PyYAML; use a .json catalogue") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ConvfigError(f"{where}: not valid YAML{at} ({problem})") from None
