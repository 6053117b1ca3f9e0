"""The hand-written baseline: matplotlib FuncAnimation + PillowWriter, full redraw of every frame.

Same animation as `convfig gif --input 14x14 --kernel 3 --padding same`: padded input with numbers,
the kernel window, the equation, the output filling in. Each frame clears the axes and draws all cells
and numbers again, the way such a script is usually written.

Run: python bench/naive_funcanimation.py [--frames N] [-o naive.gif]   (prints ms per frame)
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import convfig  # noqa: E402


def build(n: int = 14, frames: int | None = None):
    spec = convfig.ConvSpec.make(input_shape=(n, n), kernel_size=3, padding="same")
    x, k, b = convfig.example(spec)
    t = convfig.trace(x, k, b, padding="same")
    padded, kern, out = t.padded[..., 0], t.kernel[..., 0, 0], t.output[..., 0]
    ph, pw = padded.shape
    oh, ow = out.shape
    (pt, _), (pl, _) = spec.pads
    steps = t.steps if frames is None else t.steps[:frames]
    fig, ax = plt.subplots(figsize=(12.3, 6.8), dpi=100)

    def draw(i):
        ax.clear()
        ax.set_xlim(-1, pw + 5 + ow + 1)
        ax.set_ylim(max(ph, oh) + 3, -2)
        ax.set_axis_off()
        st = steps[i]
        rows, cols = st.window
        for r in range(ph):
            for c in range(pw):
                pad = not (pt <= r < pt + n and pl <= c < pl + n)
                inwin = r in rows and c in cols
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#fde3cf" if inwin else
                                       ("#f4f4f4" if pad else "#e3f1fb"), edgecolor="#6b6b6b",
                                       hatch="//" if pad else None, linestyle="--" if pad else "-"))
                ax.text(c + 0.5, r + 0.5, f"{padded[r, c]:g}", ha="center", va="center", fontsize=11)
                if inwin:
                    a, bb = list(rows).index(r), list(cols).index(c)
                    ax.text(c + 0.5, r + 0.85, f"×{kern[a, bb]:g}", ha="center", va="center", fontsize=7)
        ax.add_patch(Rectangle((cols[0], rows[0]), 3, 3, fill=False, edgecolor="#D55E00", linewidth=3))
        for r in range(3):
            for c in range(3):
                ax.add_patch(Rectangle((pw + 1 + c, r), 1, 1, facecolor="#fde3cf", edgecolor="#D55E00"))
                ax.text(pw + 1.5 + c, r + 0.5, f"{kern[r, c]:g}", ha="center", va="center", fontsize=11)
        done = {tuple(s.out_pos) for s in steps[: i + 1]}
        for r in range(oh):
            for c in range(ow):
                filled = (r, c) in done
                ax.add_patch(Rectangle((pw + 5 + c, r), 1, 1, facecolor="#f7d58c" if filled else "white",
                                       edgecolor="#6b6b6b"))
                if filled:
                    ax.text(pw + 5.5 + c, r + 0.5, f"{out[r, c]:g}", ha="center", va="center", fontsize=11)
        terms = " + ".join(f"{v:g}·{w:g}" for v, w in zip(st.values[..., 0].ravel(), kern.ravel()))
        ax.text(0, max(ph, oh) + 1, f"output {st.out_pos} = {terms} = {st.sums[0]:g}", family="monospace",
                fontsize=10)
        ax.text(0, -1.2, "input 14×14, same → pad 1 before / 1 after", fontsize=11)
        ax.text(0, max(ph, oh) + 2.2, spec.keras_call(), family="monospace", fontsize=9)
        return []

    return fig, FuncAnimation(fig, draw, frames=len(steps), blit=False)


def run(frames: int | None = 12, out: str | None = None) -> float:
    """Render `frames` frames (None = all 196) to a GIF; returns milliseconds per frame."""
    n_frames = 196 if frames is None else frames
    fig, anim = build(frames=frames)
    path = out or os.path.join(tempfile.mkdtemp(), "naive.gif")
    t0 = time.perf_counter()
    anim.save(path, writer=PillowWriter(fps=2))
    dt = time.perf_counter() - t0
    plt.close(fig)
    return dt * 1e3 / n_frames


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=12, help="frames to render (default 12; 0 = all 196)")
    ap.add_argument("-o", "--output", default=None)
    a = ap.parse_args()
    print(f"naive FuncAnimation + PillowWriter: {run(a.frames or None, a.output):.0f} ms/frame")
