"""What ``mkdocs serve`` needs beyond a build, so an edited fence reaches the page fast.

- ``watch_docs``: a native watch of the docs folder (inotify on Linux) that wakes MkDocs's rebuild loop
  at once, instead of its 0.5 s poller;
- ``workers``: one worker process kept for the session, where an edited figure is drawn while the
  pages build on the other core (``warm`` loads the renderer in it first; ``stop`` ends it);
- ``TEMPLATES``: compiled theme templates kept between rebuilds.

    >>> TEMPLATES.store == {}
    True
"""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import jinja2
import jinja2.bccache

from convfig.render.batch import worker_pool

_POOL: list[ProcessPoolExecutor] = []


def warm() -> None:
    """Draw and encode a small figure once (imports, fonts, glyphs), so the first edit renders at the
    speed of the next ones; nothing is written."""
    from convfig.render.encode import encode, encode_frame_pngs
    from convfig.render.registry import make_spec, render

    for theme in ("light", "dark"):
        rendered = render(make_spec("conv2d", {"input": "4x4", "kernel": 3, "stepper": 1}, theme))
        encode(rendered)
        encode_frame_pngs(rendered)


def workers() -> ProcessPoolExecutor:
    """The session's worker process (it exits with this process)."""
    if not _POOL:
        _POOL.append(worker_pool(1, "spawn"))
    return _POOL[0]


def start() -> None:
    """Warm this process (planning measures text) and the worker before the first edit."""
    threading.Thread(target=warm, daemon=True).start()
    workers().submit(warm)


def stop() -> None:
    while _POOL:
        _POOL.pop().shutdown(wait=False, cancel_futures=True)


def watch_docs(server: Any, docs_dir: str) -> Any:
    """Watch ``docs_dir`` natively and wake the server's rebuild loop on a save; MkDocs's poller stops
    watching it (one save, one build) and its wait for more events of a save drops from 0.1 s (suited to
    a 0.5 s poller) to 0.03 s. Returns the started observer, or None where the server has no such loop
    (MkDocs other than 1.5-1.6) or watchdog no native observer: MkDocs's polling then stays."""
    cond = getattr(server, "_rebuild_cond", None)
    if cond is None or not hasattr(server, "_want_rebuild"):
        return None
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if Observer is PollingObserver:
        return None

    def wake(event: Any) -> None:
        if not event.is_directory and event.event_type in ("created", "modified", "moved", "deleted"):
            with cond:       # (inotify also reports reads: opened / closed_no_write, the build's own)
                server._want_rebuild = True
                cond.notify_all()

    handler = FileSystemEventHandler()
    handler.on_any_event = wake  # type: ignore[method-assign]
    observer = Observer()
    observer.schedule(handler, docs_dir, recursive=True)
    observer.daemon = True
    observer.start()
    try:
        server.unwatch(docs_dir)
    except (KeyError, AttributeError):
        pass
    if isinstance(getattr(server, "build_delay", None), float):
        server.build_delay = min(server.build_delay, 0.03)
    return observer


class _Templates(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory between the rebuilds of one session (MkDocs makes a new
    Jinja environment per build and would compile every template again; Jinja checks each template's
    source checksum, so an edited template is compiled afresh)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _Templates()
