"""`make bench`: every benchmark in BENCHES, printed as a table (numbers only, nothing asserted).

Each bench function returns rows (name, value, unit, note). Add new benches to BENCHES.
"""

from __future__ import annotations

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))     # this checkout's convfig, whatever the venv's editable install points at

import matplotlib  # noqa: E402

matplotlib.use("Agg")

# conv_arithmetic's 8 non-transposed GIFs (../shared/anchors/README.md): i k s p d, bytes, width, frames
ANCHORS = [
    ("no_padding_no_strides", 4, 3, 1, 0, 1, 37751, 244, 4),
    ("padding_strides", 5, 3, 2, 1, 1, 118422, 395, 9),
    ("padding_strides_odd", 6, 3, 2, 1, 1, 122211, 445, 9),
    ("same_padding_no_strides", 5, 3, 1, 1, 1, 276460, 395, 25),
    ("dilation", 7, 3, 1, 0, 2, 124951, 395, 9),
    ("arbitrary_padding_no_strides", 5, 4, 1, 2, 1, 476750, 495, 36),
    ("full_padding_no_strides", 5, 3, 1, 2, 1, 435605, 495, 49),
    ("no_padding_strides", 5, 3, 2, 0, 1, 44665, 294, 4),
]

# conv_arithmetic's 7 transposed GIFs: i' k s p (PyTorch ConvTranspose padding) a (output_padding), bytes, width,
# frames; drawn by both transposed figure kinds (transpose-conv is their view: an ordinary conv, one frame per
# output cell; transpose-stamps: one frame per input cell)
TRANSPOSED = [
    ("no_padding_no_strides_transposed", 2, 3, 1, 0, 0, 164355, 344, 16),
    ("arbitrary_padding_no_strides_transposed", 6, 4, 1, 2, 0, 323062, 445, 25),
    ("same_padding_no_strides_transposed", 5, 3, 1, 1, 0, 213333, 395, 25),
    ("full_padding_no_strides_transposed", 7, 3, 1, 2, 0, 287001, 395, 25),
    ("no_padding_strides_transposed", 2, 3, 2, 0, 0, 197717, 395, 25),
    ("padding_strides_transposed", 3, 3, 2, 1, 0, 272498, 395, 25),
    ("padding_strides_odd_transposed", 3, 3, 2, 1, 1, 303965, 445, 36),
]

FRAME_GOAL_MS = 8.0
RATIO_GOAL = 0.03
BYTES_GOAL = 0.25


def _render_encode(params: dict, theme: str = "light"):
    from convfig.render.encode import encode_gif
    from convfig.render.registry import make_spec, render

    r = render(make_spec("conv2d", params, theme))
    return r, encode_gif(r.frames, r.durations_ms, keep=r.palette_hint)


def bench_anim2d() -> list[tuple]:
    """Render + encode of the 14x14 / 3x3 / same animation (numbers shown) vs the naive script."""
    import naive_funcanimation

    params = {"input": "14x14", "kernel": 3, "padding": "same"}
    _render_encode({"input": "4x4"})                      # warm imports and font caches
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        r, gif = _render_encode(params)
        best = min(best, time.perf_counter() - t0)
    n = len(r.frames)
    ours = best * 1e3 / n
    naive_frames = int(os.environ.get("CONVFIG_BENCH_NAIVE_FRAMES", "12"))
    naive = naive_funcanimation.run(frames=naive_frames)
    ratio = ours / naive
    return [
        ("conv2d 14x14 k3 same: render+encode", ours, "ms/frame",
         f"{n} frames, {r.width}x{r.height}, {len(gif):,} B; goal <= {FRAME_GOAL_MS:g} -> "
         + ("MET" if ours <= FRAME_GOAL_MS else "MISSED")),
        ("naive FuncAnimation+PillowWriter, same animation", naive, "ms/frame",
         f"full redraw, first {naive_frames} frames"),
        ("ratio ours / naive", ratio, "x", f"goal <= {RATIO_GOAL} -> " + ("MET" if ratio <= RATIO_GOAL else "MISSED")),
    ]


def bench_gif_sizes() -> list[tuple]:
    """GIF bytes and width for conv_arithmetic's 8 parameter sets, drawn with numbers and labels."""
    rows = []
    for name, i, k, s, p, d, ref_bytes, ref_w, ref_frames in ANCHORS:
        r, gif = _render_encode({"input": f"{i}x{i}", "kernel": k, "strides": s, "padding": p, "dilation": d})
        frac = len(gif) / ref_bytes
        ok = frac <= BYTES_GOAL and r.width >= ref_w
        rows.append((f"gif {name} (i{i} k{k} s{s} p{p} d{d})", len(gif), "B",
                     f"{frac:.0%} of {ref_bytes:,} B; width {r.width} vs {ref_w}; frames {len(r.frames)} vs "
                     f"{ref_frames}; goal <= 25% -> " + ("MET" if ok else "MISSED")))
    return rows


def bench_transposed_gif_sizes() -> list[tuple]:
    """GIF bytes and width for conv_arithmetic's 7 transposed sets, both transposed views, light and dark."""
    from convfig.render.encode import encode_gif
    from convfig.render.registry import make_spec, render

    rows = []
    for name, i, k, s, p, a, ref_bytes, ref_w, ref_frames in TRANSPOSED:
        for kind in ("transpose-conv", "transpose-stamps"):
            for theme in ("light", "dark"):
                r = render(make_spec(kind, {"input": f"{i}x{i}", "kernel": k, "strides": s, "padding": p,
                                            "output_padding": a}, theme))
                gif = encode_gif(r.frames, r.durations_ms, keep=r.palette_hint)
                frac = len(gif) / ref_bytes
                ok = frac <= BYTES_GOAL and r.width >= ref_w
                rows.append((f"{name[:-11]} {kind[10:]} {theme}", len(gif), "B",
                             f"{frac:.0%} of {ref_bytes:,} B; width {r.width} vs {ref_w}; frames {len(r.frames)} vs "
                             f"{ref_frames}; goal <= 25% -> " + ("MET" if ok else "MISSED")))
    return rows


def bench_engine_rows() -> list[tuple]:
    """conv on (1, 128, 128, 3) with 16 3x3 filters (same), and the trace of a 14x14 input."""
    try:
        from bench_engine import bench_engine
    except ImportError:
        return []
    return [(name, value, unit, "") for name, value, unit in bench_engine()]


def bench_site_rows() -> list[tuple]:
    """Full-site build cold / warm / without figures, and edit-to-page under mkdocs serve."""
    from bench_site import bench_site

    return bench_site()


def bench_limits_rows() -> list[tuple]:
    """The size budget: largest accepted figure of every kind, its CPU time and peak memory (goal 10 s, 1 GiB)."""
    from bench_limits import bench_limits

    return bench_limits()


def bench_slides_rows() -> list[tuple]:
    """Slides (issue 12): MP4/GIF at 1920 wide of the 14x14 'same' animation, slide pack warm, type size on a slide."""
    from bench_slides import bench_slides

    return bench_slides()


def bench_playground_rows() -> list[tuple]:
    """Playground in Chromium: redraw after a control change, page weight beyond Material, JS/Python parity."""
    from bench_playground import bench_playground

    return bench_playground()


BENCHES = [bench_engine_rows, bench_anim2d, bench_gif_sizes, bench_transposed_gif_sizes, bench_limits_rows,
           bench_site_rows, bench_slides_rows, bench_playground_rows]


def main() -> int:
    for fn in BENCHES:
        print(f"# {fn.__name__}: {(fn.__doc__ or '').strip().splitlines()[0] if fn.__doc__ else ''}")
        for name, value, unit, note in fn():
            v = f"{value:,.0f}" if unit == "B" else f"{value:.3f}" if value < 1 else f"{value:.2f}"
            print(f"  {name:<52} {v:>12} {unit:<9} {note}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
