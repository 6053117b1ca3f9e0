"""Engine benchmarks: conv on (1, 128, 128, 3) with 16 3x3 filters (same), trace of a 14x14 input.

Run: python bench/bench_engine.py   (prints numbers, asserts nothing)
"""

from __future__ import annotations

import time

import numpy as np

import convfig


def best_of(fn, repeat: int = 7) -> float:
    """Best wall time of `repeat` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def bench_engine() -> list[tuple[str, float, str]]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 128, 128, 3)).astype(np.float32)
    k = rng.normal(size=(3, 3, 3, 16)).astype(np.float32)
    b = np.zeros(16, np.float32)
    rows = [("conv (1,128,128,3) * 16 3x3 filters, same", best_of(lambda: convfig.conv(x, k, b, padding="same")),
             "ms")]
    spec = convfig.ConvSpec.make((14, 14), 3, padding="same")
    xs, ks, bs = convfig.example(spec)
    rows.append(("trace 14x14, 3x3, same (196 steps)", best_of(lambda: convfig.trace(xs, ks, bs, padding="same")),
                 "ms"))
    return rows


if __name__ == "__main__":
    for name, value, unit in bench_engine():
        print(f"{name:<50} {value:9.2f} {unit}")
