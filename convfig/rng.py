"""The one seeded generator of example numbers, shared by Python and the playground's JavaScript.

Figures, ``convfig gif --seed`` and the playground page must show the same numbers for the same seed,
so the generator is small enough to write twice and is specified here, not borrowed from numpy (whose
PCG64 + SeedSequence is not practical to reproduce in a browser).

**Mulberry32, counter form.** For a seed ``s`` (an integer 0 <= s < 2**32) the i-th 32-bit word
(i = 0, 1, 2, ...) is, with every operation modulo 2**32 (``>>`` a logical shift, ``*`` the low 32
bits of the product, as JavaScript's ``Math.imul``)::

    a = s + (i + 1) * 0x6D2B79F5
    t = (a ^ (a >> 15)) * (a | 1)
    t = (t + ((t ^ (t >> 7)) * (t | 61))) ^ t
    word = t ^ (t >> 14)

This is Tommy Ettinger's public-domain mulberry32: the state advances by a constant, so word i depends
on (s, i) only and numpy computes all words at once. An integer in ``[low, high]`` comes from one word
by ``low + (word * (high - low + 1)) >> 32`` (exact in JavaScript too: the product stays below 2**53).

``example`` draws the input first, then the kernel, each in C order (last axis fastest):
input ``(*spatial, channels)`` in [0, 4], kernel ``(*kernel_size, channels // groups, filters)`` in
[-1, 1]. The JavaScript twin is ``docs/assets/playground/engine.js`` (``words``/``integers``);
tests/test_playground.py checks both give the same numbers.

>>> words(0, 3).tolist()
[1144304738, 1416247, 958946056]
>>> integers(7, 0, 4, 5).tolist()
[0, 0, 4, 3, 2]
"""

from __future__ import annotations

import numpy as np

MAX_SEED = 2**32 - 1
_STEP = 0x6D2B79F5


def words(seed: int, count: int, start: int = 0) -> np.ndarray:
    """Words start .. start + count - 1 of the generator for ``seed`` (uint32)."""
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    i = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    a = ((np.uint64(seed) + i * np.uint64(_STEP)) & np.uint64(MAX_SEED)).astype(np.uint32)
    with np.errstate(over="ignore"):
        t = (a ^ (a >> np.uint32(15))) * (a | np.uint32(1))
        t = (t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61))) ^ t
        return t ^ (t >> np.uint32(14))


def integers(seed: int, low: int, high: int, count: int, start: int = 0) -> np.ndarray:
    """``count`` integers in [low, high] (both included) from words start, start + 1, ... (int64)."""
    span = np.uint64(high - low + 1)
    w = words(seed, count, start).astype(np.uint64)
    return (w * span >> np.uint64(32)).astype(np.int64) + low
