"""Shape arithmetic of convolutions (pure Python, except coverage_map which returns a numpy array).

>>> padding_amounts(7, 4, 1, 1, "same")
(1, 2)
>>> conv_length(7, 4, 1, 1, 2)
7
>>> receptive_field([(3, 1, 1), (3, 1, 1)])
(5, 1)
>>> transpose_padding(3, 2, 1, "same")     # Conv1DTranspose(k=3, strides=2, padding='same')
(2, 1)
>>> transpose_length(5, 3, 2, 2, 1)        # 5 inputs -> 5 * 2 outputs
10
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import ceil, prod
from typing import Any

import numpy as np


def effective_kernel(k: int, d: int = 1) -> int:
    """Span of a dilated kernel: (k - 1) * d + 1.

    >>> effective_kernel(3, 2)
    5
    """
    return (k - 1) * d + 1


def padding_amounts(n: int, k: int, s: int, d: int, padding: str) -> tuple[int, int]:
    """(before, after) zero cells Keras adds on one axis for a named padding.

    >>> padding_amounts(6, 3, 2, 1, "same"), padding_amounts(8, 3, 1, 3, "causal")
    ((0, 1), (6, 0))
    """
    ke = effective_kernel(k, d)
    if padding == "valid":
        return (0, 0)
    if padding == "causal":
        return (ke - 1, 0)
    if padding == "full":
        return (ke - 1, ke - 1)
    if padding == "same":
        total = max((ceil(n / s) - 1) * s + ke - n, 0)
        return (total // 2, total - total // 2)
    raise ValueError(f"unknown padding {padding!r}")


def conv_length(n: int, ke: int, s: int, before: int, after: int) -> int:
    """Output length on one axis: floor((n + before + after - ke) / s) + 1.

    >>> conv_length(7, 3, 2, 0, 0)
    3
    """
    return (n + before + after - ke) // s + 1


def transpose_padding(k: int, s: int, d: int, padding: str | int | tuple[int, int],
                      output_padding: int | None = None) -> tuple[int, int]:
    """(before, after) zeros around the zero-inserted input of the equivalent ordinary convolution.

    A transposed convolution equals: insert s - 1 zeros between input cells, pad (before, after),
    convolve (stride 1, dilation d) with the spatially flipped kernel. Keras 3's rule for 'valid' and
    'same' (output_padding None lets Keras choose); an int or a (b, a) pair is PyTorch's ConvTranspose
    padding (b cells cropped off the start of the full output, a off the end). Values may be negative
    when more is cropped than the kernel reaches (the zero-inserted input is cut instead).
    """
    ke = effective_kernel(k, d)
    if padding == "valid":
        op = max(ke, s) - ke if output_padding is None else output_padding
        return (ke - 1, ke - 1 + op)
    if padding == "same":
        total = s + ke - 2 if output_padding is None else ke + ke % 2 - 2 + output_padding
        before = min(total // 2 + total % 2, ke - 1)
        return (before, total - before)
    if isinstance(padding, str):
        raise ValueError(f"unknown padding {padding!r}")
    b, a = (padding, padding) if isinstance(padding, int) else padding
    return (ke - 1 - b, ke - 1 - a + (output_padding or 0))


def transpose_length(n: int, ke: int, s: int, before: int, after: int) -> int:
    """Output length of a transposed convolution on one axis, from transpose_padding's (before, after)."""
    return (n - 1) * s + 1 + before + after - ke + 1


def param_count(kernel_size: Sequence[int], channels: int, filters: int, groups: int = 1, bias: bool = True) -> int:
    """Weights + biases, as Keras model.summary() counts them.

    >>> param_count((3, 3), channels=3, filters=4)
    112
    """
    return prod(kernel_size) * (channels // groups) * filters + (filters if bias else 0)


def _layer_axes(layer: Any) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(kernel_size, strides, dilation_rate) tuples of a ConvSpec or a (k, s, d) tuple of ints/tuples."""
    if hasattr(layer, "kernel_size"):
        return layer.kernel_size, layer.strides, layer.dilation_rate
    k, s, d = (tuple(v) if hasattr(v, "__len__") else (v,) for v in layer)
    rank = max(len(k), len(s), len(d))
    k, s, d = (t * rank if len(t) == 1 else t for t in (k, s, d))
    return k, s, d


def receptive_field(layers: Iterable[Any]) -> tuple[int, int] | tuple[tuple[int, int], ...]:
    """Receptive field (size, jump) of a stack of layers, per axis.

    Each layer is a ConvSpec or a (kernel, stride, dilation) tuple. Returns (size, jump) for rank 1,
    otherwise a tuple of (size, jump) per axis. Two 3x3 layers reach 5 cells, like one 5x5.

    >>> receptive_field([((3, 3), 1, 1), ((3, 3), 2, 1)])
    ((5, 2), (5, 2))
    """
    result = None
    for layer in layers:
        ks, ss, ds = _layer_axes(layer)
        if result is None:
            result = [(1, 1)] * len(ks)
        result = [(r + (effective_kernel(k, d) - 1) * j, j * s)
                  for (r, j), k, s, d in zip(result, ks, ss, ds)]
    if result is None:
        raise ValueError("receptive_field needs at least one layer")
    return result[0] if len(result) == 1 else tuple(result)


def coverage_1d(n: int, k: int, s: int, d: int, before: int, after: int) -> list[int]:
    """How many output positions read each of the n real input cells on one axis.

    >>> coverage_1d(5, 3, 1, 1, 0, 0)
    [1, 2, 3, 2, 1]
    """
    counts = [0] * n
    for o in range(conv_length(n, effective_kernel(k, d), s, before, after)):
        for j in range(k):
            i = o * s + j * d - before
            if 0 <= i < n:
                counts[i] += 1
    return counts


def coverage_map(spec: Any) -> np.ndarray:
    """Number of windows that read each input cell (ints, shape spec.input_shape).

    Corners are read once with valid padding, centre cells up to prod(kernel_size) times.

    >>> from convfig.spec import ConvSpec
    >>> coverage_map(ConvSpec.make((3, 3), 2)).tolist()
    [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    """
    out = np.ones((), dtype=int)
    for n, k, s, d, (b, a) in zip(spec.input_shape, spec.kernel_size, spec.strides,
                                  spec.dilation_rate, spec.pads):
        out = np.multiply.outer(out, np.array(coverage_1d(n, k, s, d, b, a), dtype=int))
    return out
