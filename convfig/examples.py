"""Hand-chosen example numbers: small inputs with a pattern and kernels that respond to it.

The seed's random integers show the arithmetic; a named example shows what a kernel *does*: the output
lights up where the pattern is. Every name works for any rank (1D/2D/3D), kernel size, channels and
filters; the pattern runs along the last spatial axis (an edge), across the first (a line), or sits in
the middle (a bump, an impulse).

- ``edge``: a step from 0 to 3 half way along the last axis; the kernel is a difference detector
  (-1 before its centre, +1 after, 0 on the centre), so the output is 0 on flat ground and large where
  the window straddles the step.
- ``line``: a line of 3s across the middle of the first axis (a single spike in 1D); the kernel weights
  the centre row ``k - 1`` and every other row -1 (weights summing to 0): a peak on the line, negative
  beside it.
- ``bump``: a hill (3 in the middle, falling by one per cell); the kernel is a blur (1, 2, 1 ... outer
  products): a wider, smoother hill.
- ``impulse``: a single 1 in the middle (causal: early enough for its whole echo to fit); the kernel
  holds 1, 2, 3, ... so the output is the kernel itself, mirrored -- with dilation the gaps, with strides
  the skipped positions, with causal padding the delays are visible in the numbers.

With several filters, filter f uses the detector of the name shifted by f (edge, line, bump, impulse,
edge, ...) so that the maps differ; every channel of the input holds the same pattern.

>>> import numpy as np
>>> from convfig.spec import ConvSpec
>>> x, k, b = pattern(ConvSpec.make((6,), 3), "edge")
>>> x[:, 0].tolist(), k[:, 0, 0].tolist()
([0.0, 0.0, 0.0, 3.0, 3.0, 3.0], [-1.0, 0.0, 1.0])
"""

from __future__ import annotations

import numpy as np

from convfig.errors import ConvfigError
from convfig.spec import ConvSpec

NAMES = ("edge", "line", "bump", "impulse")


def _step(n: int) -> np.ndarray:
    return np.where(np.arange(n) >= n // 2, 3.0, 0.0)


def _input(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The pattern on one channel."""
    grids = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    if name == "edge":
        return _step(shape[-1])[(None,) * (len(shape) - 1)] * np.ones(shape)
    if name == "line":
        x = np.zeros(shape)
        x[shape[0] // 2] = 3.0
        return x
    dist = np.max([np.abs(g - n // 2) for g, n in zip(grids, shape)], axis=0)
    if name == "bump":
        return np.maximum(3.0 - dist, 0.0)
    return (dist == 0).astype(float)                      # impulse


def _impulse_1d_causal(spec: ConvSpec) -> np.ndarray:
    """Causal: the impulse early enough that its whole echo (k taps, d apart) fits after it."""
    (n,), (k,), (d,) = spec.input_shape, spec.kernel_size, spec.dilation_rate
    x = np.zeros(n)
    x[max(0, min(n // 2, n - 1 - (k - 1) * d))] = 1.0
    return x


def _weights(name: str, ksize: tuple[int, ...]) -> np.ndarray:
    """The detector for a pattern, of one kernel slice (*kernel_size)."""
    if name == "edge":
        k = ksize[-1]
        pos = np.arange(k) - (k - 1) / 2
        row = np.sign(pos)
        return row[(None,) * (len(ksize) - 1)] * np.ones(ksize)
    if name == "line":
        k = ksize[0]
        col = np.where(np.arange(k) == k // 2, k - 1.0, -1.0) if k > 1 else np.ones(1)
        return col.reshape((k,) + (1,) * (len(ksize) - 1)) * np.ones(ksize)
    if name == "bump":
        out = np.ones(())
        for k in ksize:
            out = np.multiply.outer(out, np.minimum(np.arange(k) + 1, k - np.arange(k)).astype(float))
        return out
    return np.arange(1.0, 1 + int(np.prod(ksize))).reshape(ksize)   # impulse


def check_name(name: str) -> str:
    if name not in NAMES:
        raise ConvfigError(f"example: must be random or one of {', '.join(NAMES)}, got {name!r}")
    return name


def pattern(spec: ConvSpec, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input (*input_shape, channels), kernel (*kernel_size, channels // groups, filters) and zero bias
    for the named pattern (see the module docstring).

    >>> from convfig.spec import ConvSpec
    >>> x, k, b = pattern(ConvSpec.make((5, 5), 3, filters=2), "line")
    >>> x[..., 0].sum(axis=1).tolist(), k[:, 0, 0, 0].tolist(), float(k[1, 1, 0, 1])
    ([0.0, 0.0, 15.0, 0.0, 0.0], [-1.0, 2.0, -1.0], 4.0)
    """
    check_name(name)
    causal = name == "impulse" and spec.padding == "causal"
    one = _impulse_1d_causal(spec) if causal else _input(name, spec.input_shape)
    x = np.repeat(one[..., None], spec.channels, axis=-1)
    cg = spec.channels // spec.groups
    first = NAMES.index(name)
    slices = [_weights(NAMES[(first + f) % len(NAMES)], spec.kernel_size) for f in range(spec.filters)]
    k = np.stack(slices, axis=-1)[..., None, :].repeat(cg, axis=-2)
    return x, k, np.zeros(spec.filters)

