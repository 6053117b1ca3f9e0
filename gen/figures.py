"""Render every figure the pages ask for and put it in the site (mkdocs-gen-files script).

Under ``mkdocs build`` / ``serve`` (plugin ``gen-files``) this script:

1. scans docs/**/*.md for ``{{ figure ... }}`` / ``{{ gallery }}`` lines (gen/directives.py),
2. validates them against ``convfig.render.registry`` (a bad one fails the build with ``docs/page.md:LINE``),
3. renders both themes with ``convfig.render.batch.render_catalogue`` (content-addressed cache in
   ``.cache/convfig``, so a rebuild with nothing changed renders nothing),
4. copies the files into the build under ``figures/`` with ``mkdocs_gen_files.open(..., "wb")`` and
5. rewrites each page that has directives (never touching docs/ on disk).

Standalone (no MkDocs), e.g. for another static-site tool::

    python gen/figures.py --out build/figures-site          # rewritten pages + figures/
    python gen/figures.py --check                           # only validate the directives
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import directives as D  # noqa: E402  (gen/ is not a package; mkdocs-gen-files runs this file by path)

D = importlib.reload(D)  # `mkdocs serve` re-runs this file in the same process: pick up edits

log = logging.getLogger("mkdocs.plugins.convfig")

Writer = Callable[[str, bytes], None]


def cache_dir() -> Path:
    return Path(os.environ.get("CONVFIG_CACHE", ROOT / ".cache" / "convfig"))


def nav_order(nav) -> list[str]:
    """Page sources in the order of mkdocs.yml's nav (nested sections flattened)."""
    out: list[str] = []

    def walk(item):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for v in item.values():
                walk(v)
        elif isinstance(item, list):
            for v in item:
                walk(v)

    walk(nav or [])
    return [p for p in out if p.endswith(".md")]


def nav_titles(nav) -> dict[str, str]:
    """Page source -> its title in mkdocs.yml's nav."""
    out: dict[str, str] = {}

    def walk(item):
        if isinstance(item, dict):
            for title, v in item.items():
                if isinstance(v, str):
                    out[v] = title
                else:
                    walk(v)
        elif isinstance(item, list):
            for v in item:
                walk(v)

    walk(nav or [])
    return out


def _files_for(spec_pair, out_dir: Path, d: D.Directive) -> tuple[D.FigureFiles, list[tuple[str, Path]]]:
    """FigureFiles (site paths) for one figure + the (site path, local file) pairs to copy."""
    light = spec_pair[0]
    name, animated = light.name, light.animated
    copies: list[tuple[str, Path]] = []
    meta: dict[str, dict] = {}
    main, poster, svg, frame_dirs, alt = {}, {}, {}, {}, {}

    def add(site_rel: str, local: Path) -> str:
        if not local.is_file():
            raise D.DirectiveError(d.page, d.line, f"renderer did not produce {local.name}")
        path = f"{D.FIGURES_DIR}/{site_rel}"
        copies.append((path, local))
        return path

    for spec in spec_pair:
        t = spec.theme
        base = f"{name}-{t}"
        jpath = out_dir / f"{base}.json"
        if not jpath.is_file():
            raise D.DirectiveError(d.page, d.line, f"renderer did not produce {jpath.name}")
        meta[t] = json.loads(jpath.read_text(encoding="utf-8"))
        alt[t] = meta[t].get("alt", "")
        if animated:
            main[t] = add(f"{base}.gif", out_dir / f"{base}.gif")
            poster[t] = add(f"{base}.png", out_dir / f"{base}.png")
        else:
            main[t] = poster[t] = add(f"{base}.png", out_dir / f"{base}.png")
            if (out_dir / f"{base}.svg").is_file():
                svg[t] = add(f"{base}.svg", out_dir / f"{base}.svg")
        if d.stepper and animated:
            n = int(meta[t].get("frames", 0))
            for i in range(n):
                add(f"{base}/{i:03d}.png", out_dir / base / f"{i:03d}.png")
            frame_dirs[t] = f"{D.FIGURES_DIR}/{base}"
    m = meta["light"]
    durations = sorted(int(x) for x in m.get("durations_ms") or [900])
    files = D.FigureFiles(
        name=name,
        kind=light.kind,
        animated=animated,
        width=int(m["width"]),
        height=int(m["height"]),
        alt=alt,
        steps=[str(s) for s in m.get("steps", [])],
        frames=int(m.get("frames", 1)),
        main=main,
        poster=poster,
        svg=svg,
        frame_dirs=frame_dirs,
        params=dict(light.params),
        delay_ms=max(300, durations[len(durations) // 2]),
    )
    return files, copies


MANIFEST = ".convfig-site.json"


def _manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def stale(specs: list, out_dir: Path) -> list:
    """The specs whose files in out_dir were not made from their current cache key (engine source,
    style and parameters), so a rebuild with nothing changed skips the batch renderer entirely."""
    from convfig.render.cache import cache_key

    done = _manifest(out_dir)

    def complete(s) -> bool:
        stem = f"{s.name}-{s.theme}"
        names = [f"{stem}.json", f"{stem}.png"] + ([f"{stem}.gif"] if s.animated else [])
        if s.params.get("stepper"):
            names.append(f"{stem}/000.png")
        return all((out_dir / n).is_file() for n in names)

    return [s for s in specs if done.get(f"{s.name}-{s.theme}") != cache_key(s) or not complete(s)]


def record(specs: list, out_dir: Path) -> None:
    from convfig.render.cache import atomic_write, cache_key

    done = _manifest(out_dir)
    done.update({f"{s.name}-{s.theme}": cache_key(s) for s in specs})
    atomic_write(out_dir / MANIFEST, json.dumps(done, sort_keys=True, indent=0).encode())


def build(
    docs_dir: Path,
    *,
    shown_as: str,
    use_directory_urls: bool,
    write_bytes: Writer,
    write_page: Callable[[str, str], None],
    order: list[str] | None = None,
    titles: dict[str, str] | None = None,
    progress: bool = False,
    check_only: bool = False,
    link: Callable[[str, Path], None] | None = None,
) -> dict:
    """Do the whole job; returns counts and timings. Raises DirectiveError for a bad directive."""
    t0 = time.perf_counter()
    pages = D.collect(docs_dir, shown_as)
    everything = [d for ds in pages.values() for d in ds]
    specs = D.validate(everything)
    stats = {"pages": len(pages), "directives": len(specs)}
    if check_only:
        return stats

    # a figure asked for with and without stepper=1 is rendered once: the stepper variant serves both
    def base(pair) -> str:
        return json.dumps([pair[0].kind, {k: v for k, v in pair[0].params.items() if k != "stepper"}],
                          sort_keys=True)

    with_frames = {base(pair): pair for pair in specs.values() if pair[0].params.get("stepper")}
    specs = {d: with_frames.get(base(pair), pair) for d, pair in specs.items()}

    # one render per distinct figure (name + theme); several directives may share a figure
    unique: dict[str, list] = {}
    for pair in specs.values():
        unique.setdefault(pair[0].name, pair)
    flat = [s for pair in unique.values() for s in pair]
    out_dir = cache_dir() / "site"
    out_dir.mkdir(parents=True, exist_ok=True)
    t1 = time.perf_counter()
    todo = stale(flat, out_dir)
    if todo:
        from convfig.render.batch import render_catalogue

        render_catalogue(todo, out_dir, progress=progress, cache_dir=cache_dir())
        record(todo, out_dir)
    t2 = time.perf_counter()

    files: dict[D.Directive, D.FigureFiles] = {}
    written: set[str] = set()
    size = 0
    for d, pair in specs.items():
        f, copies = _files_for(pair, out_dir, d)
        files[d] = f
        for site_path, local in copies:
            if site_path not in written:
                if link is not None:
                    link(site_path, local)
                    size += local.stat().st_size
                else:
                    data = local.read_bytes()
                    size += len(data)
                    write_bytes(site_path, data)
                written.add(site_path)

    # gallery: first use of each animation, in nav order
    rank = {src: i for i, src in enumerate(order or [])}
    gallery: list[tuple[D.Directive, D.FigureFiles]] = []
    seen: set[str] = set()
    for src in sorted(pages, key=lambda s: (rank.get(s, len(rank)), s)):
        for d in pages[src]:
            if d.name == "figure" and files[d].animated and files[d].name not in seen:
                seen.add(files[d].name)
                gallery.append((d, files[d]))

    for src, ds in pages.items():
        text = (docs_dir / src).read_text(encoding="utf-8")
        write_page(src, D.rewrite(text, ds, files, src, use_directory_urls, gallery, titles))
    t3 = time.perf_counter()
    stats.update(
        figures=len(unique),
        rendered=len(todo),
        animations=sum(1 for p in unique.values() if p[0].animated),
        files=len(written),
        bytes=size,
        scan_s=round(t1 - t0, 3),
        render_s=round(t2 - t1, 3),
        copy_s=round(t3 - t2, 3),
    )
    return stats


def _relative_docs(docs_dir: Path) -> str:
    try:
        return docs_dir.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return docs_dir.as_posix()


def run_in_mkdocs() -> None:
    import mkdocs_gen_files
    from mkdocs.exceptions import PluginError

    editor = mkdocs_gen_files.FilesEditor.current()
    config = editor.config
    docs_dir = Path(config["docs_dir"])

    def write_bytes(path: str, data: bytes) -> None:
        with editor.open(path, "wb") as fh:
            fh.write(data)

    def link_file(path: str, local: Path) -> None:
        """Like write_bytes(path, local.read_bytes()) but a hard link when the file system allows it:
        600 figure files cost ~0.5 s to copy on every (re)build here, ~0.05 s to link."""
        editor.open(path, "wb").close()  # registers figures/<file> with the build (gen-files API)
        target = os.path.join(editor.directory, path)
        try:
            os.link(local, target + ".tmp")
            os.replace(target + ".tmp", target)
        except OSError:
            with open(target, "wb") as fh:
                fh.write(local.read_bytes())

    def write_page(src: str, text: str) -> None:
        with editor.open(src, "w") as fh:
            fh.write(text)

    order = nav_order(config["nav"])
    existing = {f.src_uri for f in editor.files}
    for src in order:  # nav pages not written yet: a stub, so the nav (and --strict) hold meanwhile
        if src not in existing:
            log.info("convfig: %s is not written yet; using a stub page", src)
            write_page(src, f"# {Path(src).stem.replace('-', ' ').capitalize()}\n\nThis page is being written.\n")

    try:
        stats = build(
            docs_dir,
            shown_as=_relative_docs(docs_dir),
            use_directory_urls=config["use_directory_urls"],
            write_bytes=write_bytes,
            write_page=write_page,
            order=order,
            titles=nav_titles(config["nav"]),
            link=link_file,
            progress=sys.stderr.isatty(),
        )
    except D.DirectiveError as e:
        raise PluginError(str(e)) from None
    log.info("convfig figures: %s", ", ".join(f"{k}={v}" for k, v in stats.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default=str(ROOT / "docs"), help="docs folder (default: docs/)")
    ap.add_argument("--out", help="write rewritten pages and figures/ into this folder")
    ap.add_argument("--check", action="store_true", help="only validate the directives")
    ap.add_argument("--no-directory-urls", action="store_true", help="links for use_directory_urls: false")
    args = ap.parse_args(argv)
    if not args.out and not args.check:
        ap.error("give --out DIR or --check")
    docs = Path(args.docs)
    out = Path(args.out) if args.out else None
    if out is not None and out.resolve() == docs.resolve():
        ap.error("--out must not be the docs folder (no generated file goes into docs/)")

    done: set[str] = set()

    def write_bytes(path: str, data: bytes) -> None:
        assert out is not None
        done.add(path)
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)

    def write_page(src: str, text: str) -> None:
        write_bytes(src, text.encode("utf-8"))

    try:
        stats = build(
            docs,
            shown_as=_relative_docs(docs),
            use_directory_urls=not args.no_directory_urls,
            write_bytes=write_bytes,
            write_page=write_page,
            progress=sys.stderr.isatty(),
            check_only=args.check,
        )
    except D.DirectiveError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if out is not None:  # a complete docs tree: the pages without figures and the assets too
        for path in sorted(docs.rglob("*")):
            rel = path.relative_to(docs).as_posix()
            if path.is_file() and rel not in done:
                write_bytes(rel, path.read_bytes())
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
elif __name__ == "<run_path>":  # run by mkdocs-gen-files (runpy.run_path)
    run_in_mkdocs()
