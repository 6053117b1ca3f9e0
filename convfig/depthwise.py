"""Depthwise and separable convolutions (Keras DepthwiseConv1D/2D, SeparableConv1D/2D), channels last.

Depthwise: every input channel gets its own `depth_multiplier` kernels and nothing mixes channels
(a grouped convolution with groups = channels). Separable: depthwise, then a 1x1 ("pointwise")
convolution that mixes the channels, with far fewer weights than one ordinary convolution.

>>> import numpy as np
>>> from convfig import depthwise_conv
>>> depthwise_conv(np.array([[1, 10], [2, 20], [3, 30]]), np.ones((2, 2, 1), int))
array([[ 3, 30],
       [ 5, 50]])
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np

from convfig import arithmetic as ar
from convfig import limits
from convfig.arrays import as_int, as_numeric, check_bias, spatial_shape, split_batch, window_cells
from convfig.compute import Trace, _conv_batch, _windows
from convfig.compute import trace as conv_trace
from convfig.errors import ConvfigError
from convfig.spec import ConvSpec, _is_int, _norm_padding, per_axis

LAYER_NAMES = {1: "DepthwiseConv1D", 2: "DepthwiseConv2D"}


@dataclass(frozen=True)
class DepthwiseSpec:
    """A depthwise conv on one sample; `conv` is the same layer as a grouped ConvSpec (groups = channels).

    >>> s = DepthwiseSpec.make((7, 7), 3, channels=4, depth_multiplier=2, strides=2, padding="same")
    >>> s.output_shape, s.params, s.conv.groups
    ((4, 4, 8), 80, 4)
    """

    conv: ConvSpec
    depth_multiplier: int

    @classmethod
    def make(cls, input_shape: Any, kernel_size: Any, *, channels: Any = 1, depth_multiplier: Any = 1,
             strides: Any = 1, padding: Any = "valid", dilation_rate: Any = 1) -> DepthwiseSpec:
        """Validate and normalise; refuses what Keras refuses (Keras has no 3D depthwise or separable layer)."""
        input_shape = spatial_shape(input_shape, (1, 2), "DepthwiseConv1D/2D and SeparableConv1D/2D only")
        rank = len(input_shape)
        kernel_size = per_axis("kernel_size", kernel_size, rank)
        strides = per_axis("strides", strides, rank)
        dilation_rate = per_axis("dilation_rate", dilation_rate, rank)
        channels = as_int("channels", channels)
        depth_multiplier = as_int("depth_multiplier", depth_multiplier)
        if isinstance(padding, str) and padding.lower() == "causal":
            raise ConvfigError("padding='causal' is refused by Keras depthwise and separable layers: use 'valid', "
                               "'same', 'full', an int or (before, after) pairs")
        padding = _norm_padding(padding.lower() if isinstance(padding, str) else padding, rank)
        conv = ConvSpec(input_shape, channels, channels * depth_multiplier, kernel_size, strides, padding,
                        dilation_rate, channels)
        for axis, (n, ke, k) in enumerate(zip(conv.padded_shape, conv.effective_kernel, kernel_size)):
            if n < ke:
                dil = f" (dilated {ke})" if ke != k else ""
                raise ConvfigError(f"kernel_size {k}{dil} is larger than the padded input {n} on axis {axis} "
                                   f"with padding={conv.padding_label!r}")
        return cls(conv, depth_multiplier)

    @property
    def rank(self) -> int:
        return self.conv.rank

    @property
    def channels(self) -> int:
        return self.conv.channels

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return self.conv.kernel_size

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        return self.conv.pads

    @property
    def output_shape(self) -> tuple[int, ...]:
        """(*out_spatial, channels * depth_multiplier); output channel c * depth_multiplier + m."""
        return self.conv.output_shape

    @property
    def params(self) -> int:
        return depthwise_params(self.kernel_size, self.channels, self.depth_multiplier)

    @property
    def layer_name(self) -> str:
        return LAYER_NAMES[self.rank]


def _depthwise_kernel(kernel: Any, channels: int | None) -> np.ndarray:
    kernel = as_numeric("kernel", kernel)
    if kernel.ndim not in (3, 4):
        raise ConvfigError(f"kernel must have shape (*kernel_size, channels, depth_multiplier) with 1 or 2 "
                           f"spatial axes (Keras has DepthwiseConv1D/2D only), got shape {kernel.shape}")
    if channels is not None and kernel.shape[-2] != channels:
        raise ConvfigError(f"kernel shape {kernel.shape} is (*kernel_size, channels, depth_multiplier): its "
                           f"channels {kernel.shape[-2]} must equal x's channels {channels}")
    return kernel


def _prepare(x: Any, kernel: Any, strides: Any, padding: Any, dilation_rate: Any,
             ) -> tuple[np.ndarray, bool, np.ndarray, DepthwiseSpec]:
    kernel = _depthwise_kernel(kernel, None)
    rank = kernel.ndim - 2
    xb, batched = split_batch(as_numeric("x", x), rank, "(*spatial, channels)")
    _depthwise_kernel(kernel, xb.shape[-1])
    spec = DepthwiseSpec.make(xb.shape[1:-1], kernel.shape[:-2], channels=xb.shape[-1],
                              depth_multiplier=kernel.shape[-1], strides=strides, padding=padding,
                              dilation_rate=dilation_rate)
    return xb, batched, kernel, spec


def _grouped(kernel: np.ndarray) -> np.ndarray:
    """(*k, C, M) -> the grouped conv kernel (*k, 1, C * M)."""
    return kernel.reshape(kernel.shape[:-2] + (1, -1))


def depthwise_conv(x: Any, kernel: Any, bias: Any = None, *, strides: Any = 1, padding: Any = "valid",
                   dilation_rate: Any = 1) -> np.ndarray:
    """Keras-exact DepthwiseConv1D/2D forward pass, channels last.

    x: (*spatial, channels) or (batch, *spatial, channels); kernel: (*kernel_size, channels,
    depth_multiplier); bias: (channels * depth_multiplier,) or None. Output channel c * M + m is
    input channel c convolved with kernel[..., c, m]. Unlike Conv, Keras accepts strides > 1 together
    with dilation_rate > 1 here.

    >>> depthwise_conv(np.ones((5, 5, 3)), np.ones((3, 3, 3, 2)), padding="same").shape
    (5, 5, 6)
    """
    xb, batched, kernel, spec = _prepare(x, kernel, strides, padding, dilation_rate)
    bias = check_bias(bias, spec.conv.filters, "channels * depth_multiplier")
    out = _conv_batch(xb, _grouped(kernel), bias, spec.conv)
    return out if batched else out[0]


def _pointwise(kernel: Any, rank: int, channels: int) -> np.ndarray:
    kernel = as_numeric("pointwise_kernel", kernel)
    if kernel.ndim != rank + 2 or any(k != 1 for k in kernel.shape[:rank]) or kernel.shape[-2] != channels:
        raise ConvfigError(f"pointwise_kernel must have shape {(1,) * rank + (channels, 'filters')} (1x1 kernel, "
                           f"channels * depth_multiplier = {channels} inputs), got {kernel.shape}")
    return kernel


def separable_conv(x: Any, depthwise_kernel: Any, pointwise_kernel: Any, bias: Any = None, *, strides: Any = 1,
                   padding: Any = "valid", dilation_rate: Any = 1) -> np.ndarray:
    """Keras-exact SeparableConv1D/2D: depthwise_conv (no bias), then a 1x1 conv with pointwise_kernel + bias.

    depthwise_kernel: (*kernel_size, channels, depth_multiplier); pointwise_kernel:
    (1, ..., 1, channels * depth_multiplier, filters); bias: (filters,) or None.

    >>> separable_conv(np.ones((6, 6, 3)), np.ones((3, 3, 3, 1)), np.ones((1, 1, 3, 4)), strides=2).shape
    (2, 2, 4)
    """
    xb, batched, dk, spec = _prepare(x, depthwise_kernel, strides, padding, dilation_rate)
    pk = _pointwise(pointwise_kernel, spec.rank, spec.conv.filters)
    bias = check_bias(bias, pk.shape[-1], "filters")
    mid = _conv_batch(xb, _grouped(dk), None, spec.conv)
    one = ConvSpec(spec.conv.out_spatial, spec.conv.filters, pk.shape[-1], (1,) * spec.rank, (1,) * spec.rank,
                   ((0, 0),) * spec.rank, (1,) * spec.rank, 1)
    out = _conv_batch(mid, pk, bias, one)
    return out if batched else out[0]


def depthwise_output_shape(input_shape: Any, kernel_size: Any, *, depth_multiplier: Any = 1, strides: Any = 1,
                           padding: Any = "valid", dilation_rate: Any = 1) -> tuple:
    """Per-sample output shape (*out_spatial, channels * depth_multiplier) for input (*spatial, channels).

    >>> depthwise_output_shape((7, 7, 3), 3, depth_multiplier=2, strides=2, padding="same")
    (4, 4, 6)
    """
    input_shape = tuple(input_shape)
    if len(input_shape) < 2:
        raise ConvfigError(f"input_shape must be (*spatial, channels), got {input_shape!r}")
    return DepthwiseSpec.make(input_shape[:-1], kernel_size, channels=input_shape[-1],
                              depth_multiplier=depth_multiplier, strides=strides, padding=padding,
                              dilation_rate=dilation_rate).output_shape


def separable_output_shape(input_shape: Any, kernel_size: Any, *, filters: Any, depth_multiplier: Any = 1,
                           strides: Any = 1, padding: Any = "valid", dilation_rate: Any = 1) -> tuple:
    """Per-sample output shape (*out_spatial, filters) of a separable conv for input (*spatial, channels).

    >>> separable_output_shape((7, 7, 3), 3, filters=16, padding="same")
    (7, 7, 16)
    """
    filters = as_int("filters", filters)
    shape = depthwise_output_shape(input_shape, kernel_size, depth_multiplier=depth_multiplier, strides=strides,
                                   padding=padding, dilation_rate=dilation_rate)
    return shape[:-1] + (filters,)


def depthwise_params(kernel_size: Any, channels: Any, depth_multiplier: Any = 1, *, use_bias: bool = True) -> int:
    """Weights + biases of a DepthwiseConvND: prod(kernel_size) * C * M (+ C * M).

    >>> depthwise_params((3, 3), 32)
    320
    """
    rank = 1 if _is_int(kernel_size) else len(kernel_size)
    cm = as_int("channels", channels) * as_int("depth_multiplier", depth_multiplier)
    return prod(per_axis("kernel_size", kernel_size, rank)) * cm + (cm if use_bias else 0)


def separable_params(kernel_size: Any, channels: Any, filters: Any, depth_multiplier: Any = 1, *,
                     use_bias: bool = True) -> int:
    """Weights + biases of a SeparableConvND: depthwise (no bias) + pointwise C * M * F (+ F).

    >>> separable_params((3, 3), 32, 64), 3 * 3 * 32 * 64 + 64     # vs. an ordinary Conv2D
    (2400, 18496)
    """
    cm = as_int("channels", channels) * as_int("depth_multiplier", depth_multiplier)
    filters = as_int("filters", filters)
    return (depthwise_params(kernel_size, channels, depth_multiplier, use_bias=False)
            + ar.param_count((1,), cm, filters, bias=use_bias))


@dataclass(frozen=True)
class DepthwiseStep:
    """What one output position of a depthwise conv reads and computes (every channel and multiplier)."""

    index: int
    out_pos: tuple[int, ...]
    start: tuple[int, ...]               # window start in padded coordinates
    window: tuple[np.ndarray, ...]       # per axis: padded indices read (start + arange(k) * d)
    input_index: tuple[np.ndarray, ...]  # the same unpadded (outside [0, n) = padding)
    is_pad: np.ndarray                   # bool, kernel_size
    values: np.ndarray                   # (*kernel_size, channels): the values read (0 on padding)
    products: np.ndarray                 # (*kernel_size, channels, depth_multiplier)
    sums: np.ndarray                     # (channels * depth_multiplier,): products summed + bias


@dataclass(frozen=True)
class DepthwiseTrace:
    """Every window of a depthwise conv of one sample; `steps` in C order of the output positions."""

    spec: DepthwiseSpec
    x: np.ndarray
    padded: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray
    output: np.ndarray
    steps: list

    def __len__(self) -> int:
        return len(self.steps)


def depthwise_trace(x: Any, kernel: Any, bias: Any = None, *, strides: Any = 1, padding: Any = "valid",
                    dilation_rate: Any = 1) -> DepthwiseTrace:
    """Depthwise conv of one sample, recording each window's cells, per-channel products and sums.

    >>> t = depthwise_trace(np.array([[1, 10], [2, 20], [3, 30]]), np.ones((2, 2, 1), int))
    >>> len(t), t.steps[1].values.tolist(), t.steps[1].sums.tolist()
    (2, [[2, 20], [3, 30]], [5, 50])
    """
    xb, batched, kernel, spec = _prepare(x, kernel, strides, padding, dilation_rate)
    if batched:
        raise ConvfigError(f"depthwise_trace takes one sample (*spatial, channels), got shape {xb.shape}")
    c = spec.conv
    limits.check_trace(c)                 # the one size budget: refuse before recording any window
    bias = check_bias(bias, c.filters, "channels * depth_multiplier")
    bias = np.zeros(c.filters, dtype=np.result_type(xb, kernel)) if bias is None else bias
    padded = np.pad(xb, ((0, 0),) + c.pads + ((0, 0),))
    w = np.moveaxis(_windows(padded, c)[0], c.rank, -1)            # (*O, *K, C)
    products = w[..., None] * kernel                                 # (*O, *K, C, M)
    sums = products.reshape(c.out_spatial + (-1, c.filters)).sum(axis=-2) + bias
    steps = []
    for i, pos in enumerate(np.ndindex(*c.out_spatial)):
        start, window, real, is_pad = window_cells(pos, c.strides, c.kernel_size, c.dilation_rate, c.pads,
                                                   c.input_shape)
        steps.append(DepthwiseStep(i, pos, start, window, real, is_pad, w[pos], products[pos], sums[pos]))
    return DepthwiseTrace(spec, xb[0], padded[0], kernel, bias, sums, steps)


@dataclass(frozen=True)
class SeparableTrace:
    """A separable conv of one sample: the depthwise stage (no bias), then the pointwise 1x1 conv."""

    depthwise: DepthwiseTrace
    pointwise: Trace
    output: np.ndarray


def separable_trace(x: Any, depthwise_kernel: Any, pointwise_kernel: Any, bias: Any = None, *, strides: Any = 1,
                    padding: Any = "valid", dilation_rate: Any = 1) -> SeparableTrace:
    """Separable conv of one sample as its two traced stages.

    >>> t = separable_trace(np.ones((4, 2)), np.ones((3, 2, 1)), np.ones((1, 2, 1)))
    >>> t.depthwise.output.tolist(), t.output.tolist()
    ([[3.0, 3.0], [3.0, 3.0]], [[6.0], [6.0]])
    """
    dw = depthwise_trace(x, depthwise_kernel, None, strides=strides, padding=padding, dilation_rate=dilation_rate)
    pk = _pointwise(pointwise_kernel, dw.spec.rank, dw.spec.conv.filters)
    pw = conv_trace(dw.output, pk, check_bias(bias, pk.shape[-1], "filters"))
    return SeparableTrace(dw, pw, pw.output)
