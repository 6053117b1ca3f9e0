"""The slide pack: every animation of a catalogue as GIF and MP4 on a 1920 x 1080 slide, in one zip
with a README that lists the command that makes each file and the licence.

    from convfig.render.slides import build_slide_pack
    build_slide_pack([{"kind": "conv2d", "params": {"input": "5x5"}}], "slide-pack.zip")

Files are cached like the site's figures (``Cache``: key = the figure's cache key + the pack's options),
so a pack whose figures are all cached is only read and zipped. The zip is deterministic (sorted
entries, fixed dates, stored: GIF and MP4 are compressed already) and written atomically.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shlex
import zipfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from convfig.render.cache import Cache, atomic_write, cache_key
from convfig.render.types import FigureSpec

PACK_OPTIONS = {"slide": True}           # export.Options for every file of the pack (16:9, 1920 wide)
PACK_THEME = "light"                     # slides are projected: one theme
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LICENCE = ("The figures are made by convfig (MIT licence) from computed numbers; use them freely in your "
           "slides and courses. Credit is welcome: \"figures: convfig\".")


def _key(spec: FigureSpec) -> str:
    blob = json.dumps({"figure": cache_key(spec), "pack": PACK_OPTIONS, "files": ["gif", "mp4"]}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def command(spec: FigureSpec, output: str) -> str:
    """The `convfig figure` command that makes this file (parameters that differ from the kind's defaults)."""
    from convfig.params import PARAMS
    from convfig.render.registry import canonical_params

    defaults = canonical_params(spec.kind, {})
    words = ["convfig", "figure", spec.kind]
    for key, value in spec.params.items():
        if key in ("caption", "stepper") or value is None or (value == defaults.get(key) and key != "input"):
            continue
        if isinstance(value, list) and value and isinstance(value[0], list):
            text = ",".join(f"{a}:{b}" for a, b in value)          # per-axis (before, after) padding
        elif isinstance(value, list):
            sep = "," if key in ("values", "kernel_values", "bias") else "x"
            text = sep.join(str(v) for v in (value[:1] if key != "input" and len(set(value)) == 1 else value))
        else:
            text = str(value)
        words += [PARAMS[key].flag or "--" + key.replace("_", "-"), shlex.quote(text)]
    return " ".join(words + ["--slide", "-o", output])


def pack_entry(spec: FigureSpec, cache_root: str | None) -> dict[str, Any]:
    """Make (or find in the cache) one figure's GIF and MP4; returns its metadata."""
    from convfig.render.export import Options, draw
    from convfig.render.formats import encode, write_mp4
    from convfig.render.registry import check_size

    cache = Cache(cache_root)
    key = _key(spec)
    meta_path = cache.path(key, "json")
    if meta_path.exists() and cache.path(key, "gif").exists() and cache.path(key, "mp4").exists():
        return dict(json.loads(meta_path.read_text(encoding="utf-8")))
    check_size(spec.kind, spec.params)
    opts = Options(**PACK_OPTIONS)      # type: ignore[arg-type]
    drawn = draw(spec, opts)
    atomic_write(cache.path(key, "gif"), encode(drawn, "gif", opts))
    video = write_mp4(drawn, cache.path(key, "mp4"), opts, int(spec.params.get("fps", 2)))
    meta = {"name": spec.name, "kind": spec.kind, "alt": drawn.layout.alt, "frames": len(drawn.rendered.frames),
            "video_frames": video, "width": drawn.geo.page[0], "height": drawn.geo.page[1], "key": key}
    atomic_write(meta_path, json.dumps(meta, sort_keys=True).encode())
    return meta


def _readme(entries: list[tuple[FigureSpec, dict[str, Any]]]) -> str:
    lines = ["# convfig slide pack", "",
             "Every animation of the site, as an animated GIF and as an MP4 video (H.264), on a 16:9 slide of "
             "1920 x 1080 pixels. MP4 is what PowerPoint, Keynote and Google Slides play most reliably; set "
             "the video to loop in the slide software. The GIF loops by itself.", "",
             "Make one yourself, at any size, with your own numbers (pip install 'convfig[slides]'):", "",
             "    convfig figure conv2d --input 5x5 --kernel-values sobel-x --slide -o sobel.mp4", "",
             "## Files", ""]
    for spec, meta in entries:
        lines += [f"### {spec.name}", "", meta["alt"], "",
                  f"- `{spec.name}.gif`, `{spec.name}.mp4` ({meta['frames']} steps)",
                  f"- made with: `{command(spec, spec.name + '.mp4')}`", ""]
    lines += ["## Licence", "", LICENCE, ""]
    return "\n".join(lines)


def build_slide_pack(specs: Iterable[Any], out_zip: str | os.PathLike[str], cache: str | os.PathLike[str] | None
                     = None, jobs: int | None = 1) -> dict[str, Any]:
    """Zip every animated figure of ``specs`` (FigureSpecs or catalogue entries) as GIF + MP4 at slide size,
    plus README.md; ``cache`` is the figure cache folder. Returns {"figures", "bytes", "path"}."""
    from convfig.render.batch import normalise

    seen: dict[str, FigureSpec] = {}
    for spec in normalise(list(specs)):
        if spec.animated and spec.name not in seen:
            seen[spec.name] = spec if spec.theme == PACK_THEME else FigureSpec(
                spec.kind, spec.params, PACK_THEME, name=spec.name, animated=True)
    todo = sorted(seen.values(), key=lambda s: s.name)
    root = str(cache) if cache is not None else None
    if jobs == 1 or len(todo) <= 1:
        metas = [pack_entry(s, root) for s in todo]
    else:
        with ProcessPoolExecutor(max_workers=min(jobs or os.cpu_count() or 1, len(todo))) as pool:
            metas = list(pool.map(pack_entry, todo, [root] * len(todo)))
    store = Cache(root)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        def add(name: str, data: bytes, method: int = zipfile.ZIP_STORED) -> None:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type, info.external_attr = method, 0o644 << 16
            z.writestr(info, data)

        add("README.md", _readme(list(zip(todo, metas))).encode(), zipfile.ZIP_DEFLATED)
        for spec, meta in zip(todo, metas):
            for ext in ("gif", "mp4"):
                add(f"{spec.name}.{ext}", store.path(meta["key"], ext).read_bytes())
    data = buf.getvalue()
    atomic_write(out_zip, data)
    return {"figures": len(todo), "bytes": len(data), "path": str(out_zip)}
