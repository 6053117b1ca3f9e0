"""Input checks shared by the layer modules: numeric arrays, integer parameters, window cells.

Integer and bool arrays become int64, so sums are exact (no uint8 wrap-around); floats stay as they
are; complex, object and string arrays are refused.

>>> as_numeric("x", np.array([250, 10], dtype=np.uint8)).sum()
np.int64(260)
>>> as_int("depth_multiplier", np.int64(2))
2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from convfig.errors import ConvfigError
from convfig.spec import _is_int, per_axis


def as_numeric(name: str, a: Any) -> np.ndarray:
    """`a` as an array of real numbers: bool/int -> int64, float unchanged; anything else ConvfigError."""
    try:
        a = np.asarray(a)
    except (ValueError, TypeError) as exc:
        raise ConvfigError(f"{name} must be an array of numbers, got {type(a).__name__} ({exc})") from None
    if a.dtype.kind in "biu":
        return a.astype(np.int64)
    if a.dtype.kind == "f":
        return a
    raise ConvfigError(f"{name} must hold real numbers (bool, int or float), got dtype {a.dtype}")


def as_int(name: str, v: Any, minimum: int = 1) -> int:
    """A Python or numpy integer >= minimum, as int."""
    if not _is_int(v) or v < minimum:
        raise ConvfigError(f"{name} must be an integer >= {minimum}, got {v!r}")
    return int(v)


def spatial_shape(input_shape: Any, ranks: Sequence[int], layers: str) -> tuple[int, ...]:
    """A per-sample spatial shape (an int is 1D) with one of `ranks` axes; `layers` names the Keras layers.

    >>> spatial_shape(7, (1, 2), "DepthwiseConv1D/2D")
    (7,)
    """
    if _is_int(input_shape):
        input_shape = (input_shape,)
    try:
        rank = len(input_shape)
    except TypeError:
        raise ConvfigError(f"input_shape must be a tuple of spatial sizes, got {input_shape!r}") from None
    if rank not in ranks:
        allowed = " or ".join(str(r) for r in ranks)
        raise ConvfigError(f"input_shape {input_shape!r} must have {allowed} spatial axes: Keras has {layers}, "
                           f"got {rank}")
    return per_axis("input_shape", input_shape, rank)


def check_bias(bias: Any, size: int, what: str) -> np.ndarray | None:
    """None, or a numeric (size,) array."""
    if bias is None:
        return None
    bias = as_numeric("bias", bias)
    if bias.shape != (size,):
        raise ConvfigError(f"bias must have shape ({what},) = ({size},), got {bias.shape}")
    return bias


def split_batch(x: np.ndarray, rank: int, layout: str) -> tuple[np.ndarray, bool]:
    """(batch, batched): x as a batch (B, *spatial, C) and whether it was one already."""
    if x.ndim not in (rank + 1, rank + 2):
        raise ConvfigError(f"x must be one sample {layout} or a batch (batch, {layout[1:]} with {rank} spatial "
                           f"axes, got shape {x.shape}")
    batched = x.ndim == rank + 2
    return (x if batched else x[None]), batched


def window_cells(pos: Sequence[int], strides: Sequence[int], kernel_size: Sequence[int], dilation: Sequence[int],
                 pads: Sequence[tuple[int, int]], input_shape: Sequence[int],
                 ) -> tuple[tuple[int, ...], tuple[np.ndarray, ...], tuple[np.ndarray, ...], np.ndarray]:
    """(start, window, input_index, is_pad) of the window at output position `pos`.

    start: first padded index per axis; window: padded indices read per axis; input_index: the same
    unpadded (outside [0, n) = padding); is_pad: bool array of kernel_size, True on padding cells.

    >>> start, window, real, is_pad = window_cells((0,), (2,), (3,), (1,), ((1, 1),), (4,))
    >>> window[0].tolist(), real[0].tolist(), is_pad.tolist()
    ([0, 1, 2], [-1, 0, 1], [True, False, False])
    """
    start = tuple(p * s for p, s in zip(pos, strides))
    window = tuple(st + np.arange(k) * d for st, k, d in zip(start, kernel_size, dilation))
    real = tuple(w - b for w, (b, _) in zip(window, pads))
    inside = np.meshgrid(*[(r >= 0) & (r < n) for r, n in zip(real, input_shape)], indexing="ij")
    return start, window, real, ~np.logical_and.reduce(inside)
