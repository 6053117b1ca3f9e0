"""Content-addressed figure cache: ``.cache/convfig/<sha256>.<ext>``, written atomically.

Key = sha256 of (kind, params without the page caption, theme, STYLE_VERSION, sha256 of every source
file of the convfig package). Any change to the engine or the renderers therefore gives new keys, so a
long-running ``mkdocs serve`` never shows stale figures after a restart.

Every file is written to a temporary file in the cache directory and moved into place with
``os.replace`` (atomic on POSIX and Windows): two processes rendering the same figure at once both
write complete files and the last rename wins, readers never see a partial file. The JSON metadata
file is written last and marks an entry complete.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from convfig.render.style import STYLE_VERSION
from convfig.render.types import FigureSpec

DEFAULT_DIR = Path(".cache") / "convfig"
NON_PIXEL_KEYS = ("caption",)          # params that never change the files
GLUE = ("cli", "mkdocs")                # subpackages left out of the source hash


@functools.lru_cache(maxsize=1)
def source_hash() -> str:
    """sha256 over the convfig package's .py files (relative path + bytes, sorted), except the glue that
    never changes pixels (the CLI, the MkDocs plugin / Markdown extension)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts or path.relative_to(root).parts[0] in GLUE:
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def cache_key(spec: FigureSpec) -> str:
    params = {k: v for k, v in spec.params.items() if k not in NON_PIXEL_KEYS}
    key = {"kind": spec.kind, "params": params, "theme": spec.theme, "style": STYLE_VERSION, "source": source_hash()}
    if spec.target != "page":
        key["target"] = spec.target
    blob = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def current_umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    """Write bytes to path via a temp file in the same directory + os.replace (no partial files); the
    file gets the mode a plain ``open(path, "wb")`` would (0666 minus the umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~current_umask())   # mkstemp makes 0600; a new file respects the umask
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` as a hard link (no second copy of the bytes), or copy it when the
    file system cannot link; never leaves a partial file. A target that is already that link is left be."""
    try:
        os.link(source, target)          # the common case (a fresh site folder): one system call
        return
    except FileExistsError:
        try:
            if os.path.samefile(source, target):
                return
        except OSError:
            pass
    except FileNotFoundError:
        if not Path(source).exists():
            raise
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        os.link(source, tmp)
    except OSError:
        tmp.write_bytes(source.read_bytes())
    os.replace(tmp, target)


def write_if_changed(path: str | os.PathLike, data: bytes) -> bool:
    """Atomic write unless the file already holds these bytes (keeps mtimes, avoids serve loops)."""
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


class Cache:
    """Files of rendered figures by key: ``<key>.gif|png|svg``, ``<key>-frames/NNN.png``, ``<key>.json``."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root if root is not None else os.environ.get("CONVFIG_CACHE", DEFAULT_DIR))

    def path(self, key: str, ext: str) -> Path:
        return self.root / f"{key}.{ext}"

    def load(self, key: str) -> dict | None:
        """{'meta': dict, 'files': {ext: bytes}, 'frames': [bytes]} or None when missing/incomplete."""
        meta_path = self.path(key, "json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            files = {ext: self.path(key, ext).read_bytes() for ext in meta["files"]}
            frames = [(self.root / f"{key}-frames" / f"{i:03d}.png").read_bytes()
                      for i in range(meta.get("frame_pngs", 0))]
        except (OSError, ValueError, KeyError):
            return None
        return {"meta": meta, "files": files, "frames": frames}

    def store(self, key: str, meta: dict, files: dict[str, bytes], frames: list[bytes] | None = None) -> None:
        for ext, data in files.items():
            atomic_write(self.path(key, ext), data)
        for i, data in enumerate(frames or []):
            atomic_write(self.root / f"{key}-frames" / f"{i:03d}.png", data)
        meta = {**meta, "files": sorted(files), "frame_pngs": len(frames or [])}
        atomic_write(self.path(key, "json"), json.dumps(meta, sort_keys=True).encode())


def render_files(spec: FigureSpec, cache: Cache | None = None) -> dict:
    """Render (or load from cache) one figure: {'meta', 'files': {ext: bytes}, 'frames': [png bytes]}.

    meta is ``plan_entry``'s. Per-frame PNGs are produced when ``spec.params['stepper']`` is set.
    """
    from convfig.render.encode import encode, encode_frame_pngs
    from convfig.render.registry import render

    cache = cache if cache is not None else Cache()
    key = cache_key(spec)
    hit = cache.load(key)
    if hit is not None:
        return hit
    meta = plan_entry(spec)               # the size budget, before any drawing
    rendered = render(spec)
    files = encode(rendered)
    frames = encode_frame_pngs(rendered) if meta["frame_pngs"] else []
    cache.store(key, meta, files, frames)
    return {"meta": meta, "files": files, "frames": frames}


def plan_entry(spec: FigureSpec) -> dict:
    """The metadata of a figure's cache entry, from its plan alone (nothing drawn: a few milliseconds), so
    a page can be written while another process draws the files: {"alt", "steps", "width", "height",
    "frames", "durations_ms", "kind", "params", "theme", "name", "files", "frame_pngs"}."""
    from convfig.render import canvas, protocol
    from convfig.render.registry import check_size

    check_size(spec.kind, spec.params)
    layout = protocol.layout_of(spec)
    width, height = canvas.scaled_size(layout.width, layout.height)
    n = len(layout.steps) or 1
    animated = bool(layout.steps)
    return {"alt": layout.alt, "steps": [st.text for st in layout.steps] if animated else [layout.alt],
            "width": width, "height": height, "frames": n,
            "durations_ms": protocol.durations(n, int(spec.params.get("fps", 2))) if animated else [0],
            "kind": spec.kind, "params": spec.params, "theme": spec.theme, "name": spec.name,
            "files": ["gif", "png"] if animated else ["png", "svg"],
            "frame_pngs": n if animated and spec.params.get("stepper") else 0}
