"""Slides and print (issue 12): the 14x14 'same' animation (196 steps) at 1920 wide as MP4 and GIF, our
GIF encoder against Pillow's, the slide pack from a warm cache, and how large the numbers are on a slide."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

MP4_GOAL_S = 10.0
GIF_RATIO_GOAL = 2.5
PACK_GOAL_S = 2.0
TYPE_GOAL_PX = 24
BIG = ("conv2d", {"input": "14x14", "kernel": 3, "padding": "same"})


def _met(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def _pillow_gif(frames, durations) -> int:
    from PIL import Image

    images = [Image.fromarray(f.copy()).quantize(32, dither=Image.Dither.NONE) for f in frames]
    buf = io.BytesIO()
    images[0].save(buf, "GIF", save_all=True, append_images=images[1:], duration=durations, loop=0, optimize=True)
    return len(buf.getvalue())


def _site_animations() -> tuple[list, Path]:
    """The site's figures (every fence of docs/) and the repository's figure cache (warm after make site)."""
    from convfig.mkdocs.core import FigureSite, Settings

    root = Path(__file__).resolve().parent.parent
    site = FigureSite(Settings(root / "docs", root / ".cache" / "convfig"))
    site.scan()
    return site.wanted(), root / ".cache" / "convfig"


def bench_slides() -> list[tuple]:
    from convfig.render.export import Options, draw, number_size
    from convfig.render.formats import encode, write_mp4
    from convfig.render.registry import KINDS, make_spec
    from convfig.render.slides import build_slide_pack

    spec = make_spec(*BIG)
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        drawn = draw(spec, Options(width=1920))
        video = write_mp4(drawn, Path(tmp) / "big.mp4", Options(width=1920), 2)
        mp4_s = time.perf_counter() - t0
        size = (Path(tmp) / "big.mp4").stat().st_size
        w, h = drawn.geo.page
        rows.append(("MP4 1920 wide, 14x14 same (draw + H.264)", mp4_s, "s",
                     f"{len(drawn.rendered.frames)} steps, {video} video frames, {w}x{h}, {size:,} B; goal <= "
                     f"{MP4_GOAL_S:g} s -> {_met(mp4_s <= MP4_GOAL_S)}"))
        t0 = time.perf_counter()
        big = encode(drawn, "gif", Options(width=1920))
        gif_s = time.perf_counter() - t0
        site = encode(draw(spec, Options()), "gif", Options())
        ratio = len(big) / len(site)
        rows.append(("GIF 1920 wide, 14x14 same", len(big), "B", f"encode {gif_s:.2f} s; site size {len(site):,} B; "
                     f"ratio {ratio:.2f}x; goal <= {GIF_RATIO_GOAL:g}x -> {_met(ratio <= GIF_RATIO_GOAL)}"))
        pil = _pillow_gif(drawn.rendered.frames, drawn.durations_ms)
        rows.append(("Pillow GIF writer, same frames (32 colours, optimize)", pil, "B",
                     f"ours is {len(big) / pil:.0%} of it -> the project's encoder stays for GIF"))
        specs, cache = _site_animations()
        t0 = time.perf_counter()
        build_slide_pack(specs, Path(tmp) / "pack.zip", cache=cache, jobs=None)     # fills what the cache lacks
        fill = time.perf_counter() - t0
        t0 = time.perf_counter()
        info = build_slide_pack(specs, Path(tmp) / "pack.zip", cache=cache)
        warm = time.perf_counter() - t0
        rows.append(("slide pack of the site from a warm cache", warm, "s", f"{info['figures']} animations, "
                     f"{info['bytes']:,} B (first call {fill:.1f} s); goal <= {PACK_GOAL_S:g} s -> "
                     f"{_met(warm <= PACK_GOAL_S)}"))
    for kind in KINDS:
        try:
            d = draw(make_spec(kind, {}), Options(slide=True))
        except Exception as exc:            # a kind in progress elsewhere: say so, keep measuring the rest
            rows.append((f"slide type size: {kind}", 0.0, "px", f"not drawn ({type(exc).__name__})"))
            continue
        px, cap = number_size(d)
        rows.append((f"slide digit height: {kind} (1920x1080)", cap, "px", f"type {px:.1f} px, scale "
                     f"{d.geo.scale:.2f}; goal: digits >= {TYPE_GOAL_PX} px tall -> {_met(cap >= TYPE_GOAL_PX)}"))
    return rows
