"""The convolution itself, vectorised with numpy, plus a step-by-step trace for the figures.

>>> import numpy as np
>>> from convfig import conv
>>> conv(np.arange(5.0)[:, None], np.ones((3, 1, 1)))[:, 0].tolist()
[3.0, 6.0, 9.0]
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from convfig import limits
from convfig.arrays import as_numeric, check_bias
from convfig.errors import ConvfigError
from convfig.examples import pattern
from convfig.spec import ConvSpec, IntOrInts, PaddingArg, _is_int


def _check_arrays(x: Any, kernel: Any, bias: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    """Numeric arrays (bool/int exact as int64; complex, strings, objects refused) of matching ranks."""
    x, kernel, bias = (_fits_int64(name, a) for name, a in (("x", x), ("kernel", kernel), ("bias", bias)))
    kernel = as_numeric("kernel", kernel)
    if kernel.ndim not in (3, 4, 5):
        raise ConvfigError(f"kernel must have shape (*kernel_size, channels // groups, filters) with 1-3 "
                           f"spatial axes, got ndim {kernel.ndim}")
    rank = kernel.ndim - 2
    x = as_numeric("x", x)
    if x.ndim not in (rank + 1, rank + 2):
        raise ConvfigError(f"x must be one sample (*spatial, channels) or a batch (batch, *spatial, channels) "
                           f"with {rank} spatial axes to match the kernel, got shape {x.shape}")
    bias = check_bias(bias, kernel.shape[-1], "filters")
    _exact_sums(x, kernel, bias)
    return x, kernel, bias, rank


def _fits_int64(name: str, a: Any) -> Any:
    """Refuse unsigned 64-bit values that int64 (where integer sums are made) cannot hold."""
    try:
        arr = np.asarray(a) if a is not None else None
    except (ValueError, TypeError):
        return a                                    # as_numeric says what is wrong with it
    if arr is not None and arr.dtype == np.uint64 and arr.size and int(arr.max()) > INT64_MAX:
        raise ConvfigError(f"{name}: uint64 values above {INT64_MAX} cannot be summed exactly; pass floats")
    return a


def _exact_sums(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None) -> None:
    """Integer inputs are summed in int64: refuse values whose sums could leave it (no silent wrap-around)."""
    if x.dtype.kind != "i" or kernel.dtype.kind != "i" or not x.size or not kernel.size:
        return
    top = int(np.abs(x).max()) * int(np.abs(kernel).max()) * int(np.prod(kernel.shape[:-1]))
    if bias is not None and bias.dtype.kind == "i" and bias.size:
        top += int(np.abs(bias).max())
    if top > INT64_MAX:
        raise ConvfigError(f"x and kernel: integer sums could reach {top:.3g}, beyond int64; pass floats or "
                           f"smaller integers")


INT64_MAX = int(np.iinfo(np.int64).max)


def _spec_for(x: np.ndarray, kernel: np.ndarray, strides: IntOrInts, padding: PaddingArg,
              dilation_rate: IntOrInts, groups: int, batched: bool) -> ConvSpec:
    spatial = x.shape[1:-1] if batched else x.shape[:-1]
    channels, cg = x.shape[-1], kernel.shape[-2]
    if not _is_int(groups) or groups < 1:
        raise ConvfigError(f"groups must be an integer >= 1, got {groups!r}")
    groups = int(groups)
    if cg * groups != channels:
        raise ConvfigError(f"kernel has {cg} input channels per group but x has {channels} channels and "
                           f"groups={groups} (need channels // groups = {channels // groups})")
    return ConvSpec.make(spatial, kernel.shape[:-2], channels=channels, filters=kernel.shape[-1],
                         strides=strides, padding=padding, dilation_rate=dilation_rate, groups=groups)


def _windows(xp: np.ndarray, spec: ConvSpec) -> np.ndarray:
    """Strided view (batch, *out, channels, *kernel) of every window of the padded batch xp."""
    axes = tuple(range(1, spec.rank + 1))
    w = sliding_window_view(xp, spec.effective_kernel, axis=axes)
    outer = tuple(slice(None, None, s) for s in spec.strides)
    inner = tuple(slice(None, None, d) for d in spec.dilation_rate)
    return w[(slice(None),) + outer + (slice(None),) + inner]


def _pad(x: np.ndarray, spec: ConvSpec) -> np.ndarray:
    return np.pad(x, ((0, 0),) + spec.pads + ((0, 0),))


def _conv_batch(xb: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, spec: ConvSpec) -> np.ndarray:
    r, g = spec.rank, spec.groups
    w = _windows(_pad(xb, spec), spec)                          # (B, *O, C, *K)
    w = w.reshape(w.shape[: r + 1] + (g, spec.channels // g) + w.shape[r + 2:])
    k = kernel.reshape(kernel.shape[:-1] + (g, spec.filters // g))  # (*K, cg, g, fg)
    letters = iter(string.ascii_lowercase[:20])
    b = next(letters)
    o = "".join(next(letters) for _ in range(r))
    kk = "".join(next(letters) for _ in range(r))
    expr = f"{b}{o}GC{kk},{kk}CGF->{b}{o}GF"
    out = np.einsum(expr, w, k, optimize=True)
    out = out.reshape(out.shape[: r + 1] + (spec.filters,))
    if bias is not None:
        out = out + bias
    return out


def conv(x: ArrayLike, kernel: ArrayLike, bias: ArrayLike | None = None, *, strides: IntOrInts = 1,
         padding: PaddingArg = "valid", dilation_rate: IntOrInts = 1, groups: int = 1) -> np.ndarray:
    """Keras-exact ConvND forward pass, channels last.

    x: (*spatial, channels) or (batch, *spatial, channels); kernel: (*kernel_size, channels // groups,
    filters); bias: (filters,) or None.

    >>> conv(np.ones((4, 4, 1)), np.ones((3, 3, 1, 2)), padding="same").shape
    (4, 4, 2)
    """
    x, kernel, bias, rank = _check_arrays(x, kernel, bias)
    batched = x.ndim == rank + 2
    spec = _spec_for(x, kernel, strides, padding, dilation_rate, groups, batched)
    try:
        out = _conv_batch(x if batched else x[None], kernel, bias, spec)
    except (MemoryError, ValueError) as exc:     # numpy: cannot allocate the padded input or the output
        if isinstance(exc, ConvfigError):
            raise
        size = (x.shape[0] if batched else 1) * prod(spec.padded_shape) * spec.channels * x.itemsize
        raise ConvfigError(f"x: the padded input alone needs {size / 2**30:,.1f} GiB ({exc.__class__.__name__}); "
                           f"use a smaller input or padding") from None
    return out if batched else out[0]


def output_shape(input_shape: Sequence[int], kernel_size: IntOrInts, *, filters: int, strides: IntOrInts = 1,
                 padding: PaddingArg = "valid", dilation_rate: IntOrInts = 1, groups: int = 1) -> tuple[int, ...]:
    """Per-sample output shape (*out_spatial, filters) for a per-sample input_shape (*spatial, channels).

    >>> output_shape((7, 7, 3), 3, filters=4, strides=2, padding="same")
    (4, 4, 4)
    """
    if isinstance(input_shape, (str, bytes)) or not hasattr(input_shape, "__iter__"):
        raise ConvfigError(f"input_shape must be a tuple (*spatial, channels), e.g. (5, 5, 3), got {input_shape!r}")
    input_shape = tuple(input_shape)
    if len(input_shape) < 2:
        raise ConvfigError(f"input_shape must be (*spatial, channels), got {input_shape!r}")
    spec = ConvSpec.make(input_shape[:-1], kernel_size, channels=input_shape[-1], filters=filters,
                         strides=strides, padding=padding, dilation_rate=dilation_rate, groups=groups)
    return spec.output_shape


@dataclass(frozen=True)
class Step:
    """What one output position reads and computes (all filters)."""

    index: int
    out_pos: tuple[int, ...]
    start: tuple[int, ...]              # window start in padded coordinates
    window: tuple[np.ndarray, ...]      # per axis: padded indices read (start + arange(k) * d)
    input_index: tuple[np.ndarray, ...]  # the same in unpadded coordinates (outside [0, n) = padding)
    is_pad: np.ndarray                  # bool, kernel_size: True where the cell is padding
    values: np.ndarray                  # (*kernel_size, channels): the input values read (0 on padding)
    products: np.ndarray                # (*kernel_size, channels // groups, filters)
    sums: np.ndarray                    # (filters,): products summed + bias


@dataclass(frozen=True)
class Trace:
    """Every window of a convolution of one sample; `steps` in C order of the output positions."""

    spec: ConvSpec
    x: np.ndarray
    padded: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray
    output: np.ndarray
    steps: list

    def __len__(self) -> int:
        return len(self.steps)


def trace(x: ArrayLike, kernel: ArrayLike, bias: ArrayLike | None = None, *, strides: IntOrInts = 1,
          padding: PaddingArg = "valid", dilation_rate: IntOrInts = 1, groups: int = 1) -> Trace:
    """Convolve one sample and record each window: indices, padding mask, products and sums.

    >>> t = trace(np.arange(5.0)[:, None], np.ones((3, 1, 1)), padding="same")
    >>> len(t), t.steps[0].is_pad.tolist(), float(t.steps[0].sums[0])
    (5, [True, False, False], 1.0)
    """
    x, kernel, bias, rank = _check_arrays(x, kernel, bias)
    if x.ndim != rank + 1:
        raise ConvfigError(f"x: trace takes one sample (*spatial, channels) with {rank} spatial axes (the "
                           f"kernel's), got shape {x.shape}")
    spec = _spec_for(x, kernel, strides, padding, dilation_rate, groups, batched=False)
    limits.check_trace(spec)          # the one size budget: refuse before recording any window
    bias = np.zeros(spec.filters, dtype=np.result_type(x, kernel)) if bias is None else bias
    padded = _pad(x[None], spec)[0]
    r, g, cg = rank, spec.groups, spec.channels // spec.groups
    w = _windows(padded[None], spec)[0]                          # (*O, C, *K)
    w = np.moveaxis(w, r, -1)                                     # (*O, *K, C)
    out_shape = w.shape[:r]
    flat = w.reshape((-1,) + w.shape[r:])                         # (P, *K, C)
    grouped = flat.reshape(flat.shape[:-1] + (g, cg))             # (P, *K, g, cg)
    k = kernel.reshape(kernel.shape[:-1] + (g, spec.filters // g))  # (*K, cg, g, fg)
    products = grouped[..., :, :, None] * np.swapaxes(k, -2, -3)[None]  # (P, *K, g, cg, fg)
    products = np.swapaxes(products, -3, -2).reshape(flat.shape[:-1] + (cg, spec.filters))
    sums = products.reshape(len(flat), -1, spec.filters).sum(axis=1) + bias
    output = sums.reshape(out_shape + (spec.filters,))
    steps = []
    for i, pos in enumerate(np.ndindex(*out_shape)):
        start = tuple(p * s for p, s in zip(pos, spec.strides))
        window = tuple(st + np.arange(kk) * d for st, kk, d in zip(start, spec.kernel_size, spec.dilation_rate))
        real = tuple(wi - b for wi, (b, _) in zip(window, spec.pads))
        outside = [(ri < 0) | (ri >= n) for ri, n in zip(real, spec.input_shape)]
        mask = np.zeros(spec.kernel_size, dtype=bool)
        for axis, o in enumerate(outside):
            shape = [1] * r
            shape[axis] = -1
            mask = mask | o.reshape(shape)
        steps.append(Step(i, pos, start, window, real, mask, flat[i], products[i], sums[i]))
    return Trace(spec, x, padded, kernel, bias, output, steps)


def example(spec: ConvSpec, seed: int = 0, name: str = "random") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small-integer input, kernel and zero bias for a spec, so sums can be checked by hand.

    ``name`` "random" (the default) draws them from ``seed``; a pattern name (``convfig.examples.NAMES``:
    edge, line, bump, impulse) gives a hand-chosen input and a kernel that responds to it (seed unused).

    >>> x, k, b = example(ConvSpec.make((5, 5), 3), seed=0)
    >>> x.shape, k.shape, b.shape
    ((5, 5, 1), (3, 3, 1, 1), (1,))
    """
    if name != "random":
        return pattern(spec, name)
    return seeded(spec, seed)


def seeded(spec: ConvSpec, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seeded example numbers: ``convfig.rng``'s documented generator (its JavaScript twin feeds the
    playground), the input in [0, 4] first, then the kernel in [-1, 1], each in C order; zero bias.

    >>> x, k, _ = seeded(ConvSpec.make((4,), 2), seed=7)
    >>> x[:, 0].tolist(), k[:, 0, 0].tolist()
    ([0.0, 0.0, 4.0, 3.0], [0.0, 0.0])
    """
    from convfig.rng import MAX_SEED, integers

    if not _is_int(seed) or not 0 <= seed <= MAX_SEED:
        raise ConvfigError(f"seed must be an integer between 0 and {MAX_SEED}, got {seed!r}")
    x_shape = spec.input_shape + (spec.channels,)
    k_shape = spec.kernel_size + (spec.channels // spec.groups, spec.filters)
    nx = int(np.prod(x_shape))
    x = integers(int(seed), 0, 4, nx).reshape(x_shape).astype(float)
    k = integers(int(seed), -1, 1, int(np.prod(k_shape)), start=nx).reshape(k_shape).astype(float)
    return x, k, np.zeros(spec.filters)


def trace_example(spec: ConvSpec, seed: int = 0, name: str = "random") -> Trace:
    """Trace of the spec's example data (`example(spec, seed, name)`): what every figure draws.

    >>> len(trace_example(ConvSpec.make((5, 5), 3, strides=2)))
    4
    """
    limits.check_trace(spec, "spec")  # before making the example data
    x, k, b = example(spec, seed, name)
    return trace(x, k, b, strides=spec.strides, padding=spec.padding, dilation_rate=spec.dilation_rate,
                 groups=spec.groups)
