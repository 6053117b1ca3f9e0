"""Pooling (Keras MaxPooling1D/2D/3D, AveragePooling1D/2D/3D, Global*Pooling), channels last.

A pool is a window with no weights: the largest value ('max') or the mean ('average') of each window,
per channel. 'same' padding is placed as for a convolution; padded cells never win a max and are left
out of an average (as TensorFlow and JAX do; GUIDE section 3).

>>> import numpy as np
>>> from convfig import pool
>>> pool(np.array([1, 2, 3, 4, 10, 20])[:, None], 4, strides=1, padding="same", mode="average")[:3, 0]
array([2.  , 2.5 , 4.75])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convfig import arithmetic as ar
from convfig import limits
from convfig.arrays import as_numeric, spatial_shape, split_batch, window_cells
from convfig.compute import _windows
from convfig.errors import ConvfigError
from convfig.spec import ConvSpec, _is_int, per_axis

MODES = ("max", "average")


def _mode(mode: Any) -> str:
    if mode not in MODES:
        raise ConvfigError(f"mode must be 'max' or 'average', got {mode!r}")
    return mode


@dataclass(frozen=True)
class PoolSpec:
    """A pooling layer on one sample of spatial size `input_shape` with `channels` channels.

    >>> s = PoolSpec.make((5, 6), 2, channels=3, padding="same")
    >>> s.output_shape, s.pads, s.strides
    ((3, 3, 3), ((0, 1), (0, 0)), (2, 2))
    """

    input_shape: tuple[int, ...]
    channels: int
    pool_size: tuple[int, ...]
    strides: tuple[int, ...]
    padding: str

    @classmethod
    def make(cls, input_shape: Any, pool_size: Any, *, channels: Any = 1, strides: Any = None,
             padding: Any = "valid") -> PoolSpec:
        """Validate and normalise (ints broadcast; strides default to pool_size); refuses what Keras refuses."""
        input_shape = spatial_shape(input_shape, (1, 2, 3), "Max/AveragePooling1D/2D/3D")
        rank = len(input_shape)
        pool_size = per_axis("pool_size", pool_size, rank)
        strides = pool_size if strides is None else per_axis("strides", strides, rank)
        if not _is_int(channels) or channels < 1:
            raise ConvfigError(f"channels must be an integer >= 1, got {channels!r}")
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ConvfigError(f"padding must be 'valid' or 'same' (Keras pooling refuses {padding!r})")
        spec = cls(input_shape, int(channels), pool_size, strides, padding.lower())
        for axis, (n, k) in enumerate(zip(input_shape, pool_size)):
            if spec.padding == "valid" and n < k:
                raise ConvfigError(f"pool_size {k} is larger than the input {n} on axis {axis} with "
                                   f"padding='valid': the output would be empty (Keras refuses it)")
        return spec

    @property
    def rank(self) -> int:
        return len(self.input_shape)

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        return tuple(ar.padding_amounts(n, k, s, 1, self.padding)
                     for n, k, s in zip(self.input_shape, self.pool_size, self.strides))

    @property
    def out_spatial(self) -> tuple[int, ...]:
        return tuple(ar.conv_length(n, k, s, b, a)
                     for n, k, s, (b, a) in zip(self.input_shape, self.pool_size, self.strides, self.pads))

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.out_spatial + (self.channels,)

    @property
    def params(self) -> int:
        """Pooling layers have no weights."""
        return 0

    def layer_name(self, mode: str = "max") -> str:
        return f"{'Max' if _mode(mode) == 'max' else 'Average'}Pooling{self.rank}D"

    def windows(self) -> ConvSpec:
        """The windows as a ConvSpec (kernel = pool_size, dilation 1), for the sliding-window helpers."""
        return ConvSpec(self.input_shape, self.channels, self.channels, self.pool_size, self.strides, self.pads,
                        (1,) * self.rank, 1)


def _rank(x: np.ndarray, pool_size: Any) -> int:
    if not _is_int(pool_size):
        try:
            return len(pool_size)
        except TypeError:
            raise ConvfigError(f"pool_size must be an int or one int per axis, got {pool_size!r}") from None
    if x.ndim in (2, 5):
        return 1 if x.ndim == 2 else 3
    raise ConvfigError(f"pool_size {pool_size!r} is one int and x has shape {x.shape}: one "
                       f"{x.ndim - 1}D sample or a batch of {x.ndim - 2}D samples? Give pool_size one int per "
                       f"axis, e.g. {(int(pool_size),) * max(x.ndim - 1, 1)}")


def _pool_batch(xb: np.ndarray, spec: PoolSpec, mode: str) -> np.ndarray:
    cs = spec.windows()
    axes = tuple(range(-spec.rank, 0))
    pads = ((0, 0),) + spec.pads + ((0, 0),)
    if mode == "max":
        fill = -np.inf if xb.dtype.kind == "f" else np.iinfo(xb.dtype).min
        return _windows(np.pad(xb, pads, constant_values=fill), cs).max(axis=axes)
    sums = _windows(np.pad(xb, pads), cs).sum(axis=axes)
    ones = np.pad(np.ones((1,) + spec.input_shape + (1,), dtype=np.int64), pads)
    counts = _windows(ones, cs).sum(axis=axes)
    return sums / counts.astype(sums.dtype if sums.dtype.kind == "f" else np.float64)


def pool(x: Any, pool_size: Any, *, strides: Any = None, padding: Any = "valid", mode: str = "max") -> np.ndarray:
    """Keras-exact Max/AveragePoolingND, channels last; x is one sample or a batch.

    x: (*spatial, channels) or (batch, *spatial, channels). pool_size: one int per axis (the rank);
    one int is enough when x can only be read one way: (n, channels) is a 1D sample, 5 axes a batch
    of 3D samples. strides default to pool_size; padding 'valid' | 'same'; mode 'max' | 'average'.

    >>> x = np.arange(16).reshape(4, 4, 1)
    >>> pool(x, (2, 2))[..., 0]
    array([[ 5,  7],
           [13, 15]])
    >>> pool(x, (3, 3), strides=2, padding="same", mode="average")[..., 0]
    array([[ 5. ,  6.5],
           [11. , 12.5]])
    """
    mode = _mode(mode)
    x = as_numeric("x", x)
    rank = _rank(x, pool_size)
    xb, batched = split_batch(x, rank, "(*spatial, channels)")
    spec = PoolSpec.make(xb.shape[1:-1], pool_size, channels=xb.shape[-1], strides=strides, padding=padding)
    out = _pool_batch(xb, spec, mode)
    return out if batched else out[0]


def pool_output_shape(input_shape: Any, pool_size: Any, *, strides: Any = None, padding: Any = "valid") -> tuple:
    """Per-sample output shape (*out_spatial, channels) of a pooling layer, for input (*spatial, channels).

    >>> pool_output_shape((7, 7, 3), 2)
    (3, 3, 3)
    >>> pool_output_shape((7, 7, 3), 2, padding="same")
    (4, 4, 3)
    """
    input_shape = tuple(input_shape)
    if len(input_shape) < 2:
        raise ConvfigError(f"input_shape must be (*spatial, channels), got {input_shape!r}")
    return PoolSpec.make(input_shape[:-1], pool_size, channels=input_shape[-1], strides=strides,
                         padding=padding).output_shape


def pool_params(*_args: Any, **_kwargs: Any) -> int:
    """Parameters of a pooling layer: always 0 (no weights, no bias), as Keras' model.summary() says.

    >>> pool_params()
    0
    """
    return 0


def _global_rank(rank: Any) -> int:
    if not _is_int(rank) or not 1 <= rank <= 3:
        raise ConvfigError(f"rank must be 1, 2 or 3 (GlobalMaxPooling1D/2D/3D), got {rank!r}")
    return int(rank)


def global_pool(x: Any, *, rank: Any, mode: str = "max", keepdims: bool = False) -> np.ndarray:
    """Keras GlobalMax/GlobalAveragePoolingND: one value per channel (per sample).

    x: (*spatial, channels) or (batch, *spatial, channels) with `rank` spatial axes.

    >>> global_pool(np.arange(12).reshape(2, 3, 2), rank=2, mode="average")
    array([5., 6.])
    >>> global_pool(np.arange(12).reshape(2, 3, 2), rank=1, keepdims=True).shape   # a batch of two
    (2, 1, 2)
    """
    mode, rank = _mode(mode), _global_rank(rank)
    xb, batched = split_batch(as_numeric("x", x), rank, "(*spatial, channels)")
    axes = tuple(range(1, rank + 1))
    out = xb.max(axis=axes, keepdims=bool(keepdims)) if mode == "max" else xb.mean(axis=axes, keepdims=bool(keepdims))
    return out if batched else out[0]


def global_pool_output_shape(input_shape: Any, *, keepdims: bool = False) -> tuple:
    """Per-sample output shape of global pooling for input (*spatial, channels): (channels,) or (1, …, 1, channels).

    >>> global_pool_output_shape((7, 5, 3)), global_pool_output_shape((7, 5, 3), keepdims=True)
    ((3,), (1, 1, 3))
    """
    input_shape = per_axis("input_shape", tuple(input_shape), len(tuple(input_shape)))
    _global_rank(len(input_shape) - 1)
    return ((1,) * (len(input_shape) - 1) if keepdims else ()) + input_shape[-1:]


@dataclass(frozen=True)
class PoolStep:
    """What one output position of a pool reads (all channels)."""

    index: int
    out_pos: tuple[int, ...]
    start: tuple[int, ...]               # window start in padded coordinates
    window: tuple[np.ndarray, ...]       # per axis: padded indices read
    input_index: tuple[np.ndarray, ...]  # the same unpadded (outside [0, n) = padding)
    is_pad: np.ndarray                   # bool, pool_size: True where the cell is padding
    values: np.ndarray                   # (*pool_size, channels): the values read (0 on padding)
    count: int                           # real (non-padding) cells in the window: the average's divisor
    winner: np.ndarray | None            # max only: (channels, rank) window offsets of the largest real cell
    result: np.ndarray                   # (channels,)


@dataclass(frozen=True)
class PoolTrace:
    """Every window of a pool of one sample; `steps` in C order of the output positions."""

    spec: PoolSpec
    mode: str
    x: np.ndarray
    output: np.ndarray
    steps: list

    def __len__(self) -> int:
        return len(self.steps)


def pool_trace(x: Any, pool_size: Any, *, strides: Any = None, padding: Any = "valid", mode: str = "max"
               ) -> PoolTrace:
    """Pool one sample and record each window: indices, padding mask, winner (max) or divisor (average).

    >>> t = pool_trace(np.array([[3], [1], [4], [1], [5]]), (2,), strides=2, padding="same")
    >>> [s.winner.tolist() for s in t.steps], t.output[:, 0].tolist(), t.steps[-1].is_pad.tolist()
    ([[[0]], [[0]], [[0]]], [3, 4, 5], [False, True])
    """
    mode = _mode(mode)
    x = as_numeric("x", x)
    rank = _rank(x, pool_size) if not _is_int(pool_size) else x.ndim - 1
    if x.ndim != rank + 1:
        raise ConvfigError(f"pool_trace takes one sample (*spatial, channels), got shape {x.shape}")
    spec = PoolSpec.make(x.shape[:-1], pool_size, channels=x.shape[-1], strides=strides, padding=padding)
    limits.check_trace(spec.windows())    # the one size budget: refuse before recording any window
    output = _pool_batch(x[None], spec, mode)[0]
    w = np.moveaxis(_windows(np.pad(x[None], ((0, 0),) + spec.pads + ((0, 0),)), spec.windows())[0], rank, -1)
    steps = []
    for i, pos in enumerate(np.ndindex(*spec.out_spatial)):
        start, window, real, is_pad = window_cells(pos, spec.strides, spec.pool_size, (1,) * rank, spec.pads,
                                                   spec.input_shape)
        winner = None
        if mode == "max":
            flat = np.where(is_pad[..., None], -np.inf, w[pos]).reshape(-1, spec.channels)
            winner = np.stack(np.unravel_index(flat.argmax(axis=0), spec.pool_size), axis=-1)
        steps.append(PoolStep(i, pos, start, window, real, is_pad, w[pos], int((~is_pad).sum()), winner,
                              output[pos]))
    return PoolTrace(spec, mode, x, output, steps)
