"""Render a catalogue of figures into a folder, in parallel, with a progress bar. Works without MkDocs.

    from convfig.render.batch import render_catalogue
    info = render_catalogue([{"kind": "conv2d", "params": {"input": "5x5", "padding": "same"}}], "out/")

Files per figure and theme (``<stem>`` = ``<name>-<theme>``):
  animations: <stem>.gif, <stem>.png (poster); diagrams: <stem>.png, <stem>.svg;
  always <stem>.json {"alt", "steps", "width", "height", "frames", "kind", "params", ...};
  with params["stepper"]: <stem>/000.png, 001.png, ... (one per frame).
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from convfig.errors import ConvfigError
from convfig.render.cache import Cache, render_files, write_if_changed
from convfig.render.registry import make_spec
from convfig.render.style import THEMES
from convfig.render.types import FigureSpec


def normalise(specs: Any) -> list[FigureSpec]:
    """Accept FigureSpecs, dicts {"kind", "params", "theme" | "themes"} (both themes when neither is
    given), a {"figures": [...]} document or a {name: {...}} mapping. Duplicates are dropped."""
    if isinstance(specs, dict):
        specs = specs["figures"] if "figures" in specs else list(specs.values())
    out: list[FigureSpec] = []
    seen = set()
    for i, item in enumerate(specs):
        if isinstance(item, FigureSpec):
            candidates = [item]
        elif isinstance(item, dict):
            if "kind" not in item:
                raise ConvfigError(f"catalogue entry {i}: needs a 'kind' (one of the figure kinds)")
            themes = item.get("themes") or ([item["theme"]] if "theme" in item else list(THEMES))
            if isinstance(themes, str):
                themes = [themes]
            try:
                candidates = [make_spec(item["kind"], item.get("params") or {}, t) for t in themes]
            except ConvfigError as exc:
                raise ConvfigError(f"catalogue entry {i} ({item['kind']}): {exc}") from None
        else:
            raise ConvfigError(f"catalogue entry {i}: expected a mapping with 'kind' and 'params'")
        for spec in candidates:
            ident = (spec.name, spec.theme)
            if ident not in seen:
                seen.add(ident)
                out.append(spec)
    return out


def _render_one(spec: FigureSpec, out_dir: str, cache_root: str | None) -> tuple[str, dict]:
    """Render one figure into out_dir (a module-level function: workers import it, whatever the start method)."""
    res = render_files(spec, Cache(cache_root))
    stem = f"{spec.name}-{spec.theme}"
    out = Path(out_dir)
    written = []
    for ext, data in res["files"].items():
        write_if_changed(out / f"{stem}.{ext}", data)
        written.append(f"{stem}.{ext}")
    for i, data in enumerate(res["frames"]):
        write_if_changed(out / stem / f"{i:03d}.png", data)
        written.append(f"{stem}/{i:03d}.png")
    meta = dict(res["meta"])
    meta.pop("files", None)
    write_if_changed(out / f"{stem}.json", json.dumps(meta, sort_keys=True, indent=1,
                                                      ensure_ascii=False).encode())
    written.append(f"{stem}.json")
    return stem, {**meta, "stem": stem, "files": written}


def render_catalogue(specs: Iterable[Any], out_dir: str | os.PathLike[str], jobs: int | None = None,
                     progress: bool = True, cache_dir: str | os.PathLike[str] | None = None,
                     mp_context: BaseContext | str | None = None) -> dict[str, dict]:
    """Render every figure (both themes unless given) into out_dir; returns {stem: info}.

    stem = "<name>-<theme>"; info = the JSON metadata + "stem", "name", "theme" and "files" (paths
    relative to out_dir). Parallel across cores (jobs=None: all cores; jobs=1: serial in this process).
    ``mp_context``: a multiprocessing context or start method name ("spawn", "forkserver", "fork");
    None = the platform's default. Workers get picklable FigureSpecs and inherit nothing.
    """
    from tqdm import tqdm

    todo = normalise(specs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache_root = str(cache_dir) if cache_dir is not None else None
    jobs = jobs or os.cpu_count() or 1
    results: dict[str, dict] = {}
    bar = tqdm(total=len(todo), desc="figures", unit="fig", disable=not progress)
    try:
        args = [(s, str(out), cache_root) for s in todo]
        if jobs == 1 or len(todo) <= 1:
            for a in args:
                stem, info = _render_one(*a)
                results[stem] = info
                bar.update(1)
        else:
            ctx = multiprocessing.get_context(mp_context) if not isinstance(mp_context, BaseContext) else mp_context
            with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
                futures = [pool.submit(_render_one, *a) for a in args]
                for fut in futures:
                    stem, info = fut.result()
                    results[stem] = info
                    bar.update(1)
    finally:
        bar.close()
    return results


def load_catalogue(path: str | os.PathLike[str]) -> Any:
    """Read a catalogue file: JSON, or YAML when PyYAML is installed (.yml / .yaml)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConvfigError(f"--catalogue {path}: cannot read ({exc.strerror})") from None
    if path.suffix.lower() in (".yml", ".yaml"):
        try:
            import yaml
        except ImportError:
            raise ConvfigError(f"--catalogue {path}: YAML needs PyYAML; use a .json catalogue") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConvfigError(f"--catalogue {path}: not valid YAML ({exc})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ConvfigError(f"--catalogue {path}: not valid JSON ({exc})") from None
