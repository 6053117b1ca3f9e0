"""Transposed convolution (Keras Conv1DTranspose, Conv2DTranspose, Conv3DTranspose), channels last.

Every input cell stamps `value x kernel` into the output, `strides` cells apart; stamps that overlap
add up. The same numbers come from an ordinary convolution of the zero-inserted, padded input with
the flipped kernel (`TransposeTrace.equivalent`), which is how `conv_transpose` computes them.

>>> import numpy as np
>>> from convfig import conv_transpose
>>> conv_transpose(np.array([[1.0], [2.0]]), np.ones((3, 1, 1)), strides=2)[:, 0]
array([1., 1., 3., 2., 2.])
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np

from convfig import arithmetic as ar
from convfig import limits
from convfig.arrays import as_numeric, check_bias, spatial_shape, split_batch
from convfig.compute import Trace, _conv_batch
from convfig.compute import trace as conv_trace
from convfig.errors import ConvfigError
from convfig.spec import ConvSpec, _is_int, _norm_padding, per_axis

LAYER_NAMES = {1: "Conv1DTranspose", 2: "Conv2DTranspose", 3: "Conv3DTranspose"}


@dataclass(frozen=True)
class TransposeSpec:
    """A transposed conv layer on one sample of spatial size `input_shape` with `channels` channels.

    padding is 'valid' or 'same' (Keras) or (before, after) pairs cropped off the full output
    (PyTorch's ConvTranspose `padding`); output_padding None lets Keras choose, as the layer does.
    Build it with `TransposeSpec.make(...)`.

    >>> s = TransposeSpec.make((4, 4), 3, channels=2, filters=5, strides=2, padding="same")
    >>> s.output_shape, s.pads, s.params
    ((8, 8, 5), ((2, 1), (2, 1)), 95)
    """

    input_shape: tuple[int, ...]
    channels: int
    filters: int
    kernel_size: tuple[int, ...]
    strides: tuple[int, ...]
    padding: str | tuple[tuple[int, int], ...]
    output_padding: tuple[int, ...] | None
    dilation_rate: tuple[int, ...]

    @classmethod
    def make(cls, input_shape: Any, kernel_size: Any, *, channels: Any = 1, filters: Any = 1, strides: Any = 1,
             padding: Any = "valid", output_padding: Any = None, dilation_rate: Any = 1) -> TransposeSpec:
        """Validate and normalise (ints broadcast to every axis); refuses what Keras refuses."""
        input_shape = spatial_shape(input_shape, (1, 2, 3), "Conv1D/2D/3DTranspose")
        rank = len(input_shape)
        kernel_size = per_axis("kernel_size", kernel_size, rank)
        strides = per_axis("strides", strides, rank)
        dilation_rate = per_axis("dilation_rate", dilation_rate, rank)
        for name, v in (("channels", channels), ("filters", filters)):
            if not _is_int(v) or v < 1:
                raise ConvfigError(f"{name} must be an integer >= 1, got {v!r}")
        if max(strides) > 1 and max(dilation_rate) > 1:
            raise ConvfigError(f"strides {strides} > 1 together with dilation_rate {dilation_rate} > 1: "
                               f"Keras refuses this combination")
        if isinstance(padding, str) and padding.lower() not in ("valid", "same"):
            raise ConvfigError(f"padding must be 'valid' or 'same' (Keras {LAYER_NAMES[rank]} refuses "
                               f"{padding!r}), an int or (before, after) pairs (PyTorch's ConvTranspose meaning)")
        padding = _norm_padding(padding.lower() if isinstance(padding, str) else padding, rank)
        if output_padding is not None:
            output_padding = per_axis("output_padding", output_padding, rank, minimum=0)
            if isinstance(padding, str):
                for axis, (op, s) in enumerate(zip(output_padding, strides)):
                    if op >= s:
                        raise ConvfigError(f"output_padding {output_padding} must be smaller than strides "
                                           f"{strides} on every axis (axis {axis}: {op} >= {s}); Keras refuses it")
            else:
                for axis, (op, s, d) in enumerate(zip(output_padding, strides, dilation_rate)):
                    if op >= max(s, d):
                        raise ConvfigError(f"output_padding {output_padding} must be smaller than strides or "
                                           f"dilation_rate on every axis (axis {axis}: {op} >= max({s}, {d})), "
                                           f"as PyTorch's ConvTranspose requires")
        spec = cls(input_shape, int(channels), int(filters), kernel_size, strides, padding, output_padding,
                   dilation_rate)
        for axis, length in enumerate(spec.out_spatial):
            if length < 1 and isinstance(padding, str):
                raise ConvfigError(f"the output would be empty on axis {axis}: with padding='same' and "
                                   f"output_padding {output_padding} the size is (n - 1) * strides + "
                                   f"kernel % 2 + output_padding = {length} (Keras returns an empty tensor)")
            if length < 1:
                raise ConvfigError(f"padding {spec.padding} crops more than the full output "
                                   f"{spec.full_shape[axis]} on axis {axis} (output size {length})")
        return spec

    @property
    def rank(self) -> int:
        return len(self.input_shape)

    @property
    def effective_kernel(self) -> tuple[int, ...]:
        return tuple(ar.effective_kernel(k, d) for k, d in zip(self.kernel_size, self.dilation_rate))

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        """(before, after) zeros around the zero-inserted input of the equivalent convolution (may be < 0)."""
        ops: tuple[int | None, ...] = self.output_padding or (None,) * self.rank
        pads: tuple[str | tuple[int, int], ...] = ((self.padding,) * self.rank if isinstance(self.padding, str)
                                                   else self.padding)
        return tuple(ar.transpose_padding(k, s, d, p, op) for k, s, d, p, op in
                     zip(self.kernel_size, self.strides, self.dilation_rate, pads, ops))

    @property
    def crops(self) -> tuple[int, ...]:
        """Cells cut off the start of the full scatter output on each axis (ke - 1 - before)."""
        return tuple(ke - 1 - b for ke, (b, _) in zip(self.effective_kernel, self.pads))

    @property
    def full_shape(self) -> tuple[int, ...]:
        """Where the stamps land before any cropping: (n - 1) * s + ke per axis."""
        return tuple((n - 1) * s + ke for n, s, ke in zip(self.input_shape, self.strides, self.effective_kernel))

    @property
    def zero_inserted_shape(self) -> tuple[int, ...]:
        """The input with strides - 1 zeros between cells: (n - 1) * s + 1 per axis."""
        return tuple((n - 1) * s + 1 for n, s in zip(self.input_shape, self.strides))

    @property
    def out_spatial(self) -> tuple[int, ...]:
        return tuple(ar.transpose_length(n, ke, s, b, a) for n, ke, s, (b, a) in
                     zip(self.input_shape, self.effective_kernel, self.strides, self.pads))

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.out_spatial + (self.filters,)

    @property
    def params(self) -> int:
        return ar.param_count(self.kernel_size, self.channels, self.filters)

    @property
    def layer_name(self) -> str:
        return LAYER_NAMES[self.rank]

    def equivalent_conv(self) -> ConvSpec:
        """The ordinary convolution (stride 1) of the zero-inserted input that gives the same output."""
        pads = tuple((b, a) if min(b, a) >= 0 else (0, 0) for b, a in self.pads)
        size = tuple(z if min(b, a) >= 0 else z + b + a for z, (b, a) in zip(self.zero_inserted_shape, self.pads))
        return ConvSpec(size, self.channels, self.filters, self.kernel_size, (1,) * self.rank, pads,
                        self.dilation_rate, 1)


def _check(x: Any, kernel: Any, bias: Any) -> tuple[np.ndarray, bool, np.ndarray, np.ndarray | None]:
    kernel = as_numeric("kernel", kernel)
    if kernel.ndim not in (3, 4, 5):
        raise ConvfigError(f"kernel must have shape (*kernel_size, filters, channels) with 1-3 spatial axes "
                           f"(Keras ConvNDTranspose layout), got ndim {kernel.ndim}")
    rank = kernel.ndim - 2
    xb, batched = split_batch(as_numeric("x", x), rank, "(*spatial, channels)")
    if kernel.shape[-1] != xb.shape[-1]:
        raise ConvfigError(f"kernel shape {kernel.shape} is (*kernel_size, filters, channels): its last axis "
                           f"{kernel.shape[-1]} must equal x's channels {xb.shape[-1]}")
    return xb, batched, kernel, check_bias(bias, kernel.shape[-2], "filters")


def _spec(xb: np.ndarray, kernel: np.ndarray, strides: Any, padding: Any, output_padding: Any,
          dilation_rate: Any) -> TransposeSpec:
    return TransposeSpec.make(xb.shape[1:-1], kernel.shape[:-2], channels=xb.shape[-1], filters=kernel.shape[-2],
                              strides=strides, padding=padding, output_padding=output_padding,
                              dilation_rate=dilation_rate)


def _zero_insert(xb: np.ndarray, spec: TransposeSpec) -> np.ndarray:
    """(B, *zero_inserted, C) with the input cells `strides` apart.

    On an axis where a pad is negative (PyTorch padding cropping past the kernel's reach) the pads are
    applied here instead (zeros added, then cells cut), so the equivalent conv gets pads (0, 0) there.
    """
    z = np.zeros((xb.shape[0],) + spec.zero_inserted_shape + (xb.shape[-1],), dtype=xb.dtype)
    z[(slice(None),) + tuple(slice(None, None, s) for s in spec.strides)] = xb
    signed = [(b, a) if min(b, a) < 0 else (0, 0) for b, a in spec.pads]
    z = np.pad(z, [(0, 0)] + [(max(b, 0), max(a, 0)) for b, a in signed] + [(0, 0)])
    cut = tuple(slice(max(-b, 0), n - max(-a, 0)) for n, (b, a) in zip(z.shape[1:-1], signed))
    return z[(slice(None),) + cut]


def _flip(kernel: np.ndarray) -> np.ndarray:
    """(*k, filters, channels) -> the ordinary conv kernel (*k, channels, filters), flipped in space."""
    return np.flip(kernel, axis=tuple(range(kernel.ndim - 2))).swapaxes(-1, -2)


def conv_transpose(x: Any, kernel: Any, bias: Any = None, *, strides: Any = 1, padding: Any = "valid",
                   output_padding: Any = None, dilation_rate: Any = 1) -> np.ndarray:
    """Keras-exact ConvNDTranspose forward pass, channels last (N = kernel.ndim - 2 = 1, 2 or 3).

    x: (*spatial, channels) or (batch, *spatial, channels); kernel: (*kernel_size, filters, channels)
    as Keras stores it; bias: (filters,) or None. padding: 'valid' | 'same' (Keras), or an int /
    (before, after) pairs with PyTorch's ConvTranspose meaning (cells cropped off the full output).
    output_padding: None (Keras' default) or ints < strides, extra cells at the end.

    >>> conv_transpose(np.ones((3, 3, 1)), np.ones((3, 3, 2, 1)), strides=2, padding="same").shape
    (6, 6, 2)
    >>> conv_transpose(np.arange(1, 4)[:, None], np.ones((3, 1, 1), int), padding=1)[:, 0]  # PyTorch padding=1
    array([3, 6, 5])
    """
    xb, batched, kernel, bias = _check(x, kernel, bias)
    spec = _spec(xb, kernel, strides, padding, output_padding, dilation_rate)
    out = _conv_batch(_zero_insert(xb, spec), _flip(kernel), bias, spec.equivalent_conv())
    return out if batched else out[0]


def transpose_output_shape(input_shape: Any, kernel_size: Any, *, filters: Any, strides: Any = 1,
                           padding: Any = "valid", output_padding: Any = None, dilation_rate: Any = 1) -> tuple:
    """Per-sample output shape (*out_spatial, filters) of a transposed conv, for input (*spatial, channels).

    >>> transpose_output_shape((5, 5, 3), 3, filters=4, strides=2)            # 'valid': (n - 1) * s + k
    (11, 11, 4)
    >>> transpose_output_shape((5, 5, 3), 3, filters=4, strides=2, padding="same", output_padding=0)
    (9, 9, 4)
    """
    input_shape = tuple(input_shape)
    if len(input_shape) < 2:
        raise ConvfigError(f"input_shape must be (*spatial, channels), got {input_shape!r}")
    return TransposeSpec.make(input_shape[:-1], kernel_size, channels=input_shape[-1], filters=filters,
                              strides=strides, padding=padding, output_padding=output_padding,
                              dilation_rate=dilation_rate).output_shape


def transpose_params(kernel_size: Any, channels: Any, filters: Any, *, use_bias: bool = True) -> int:
    """Weights + biases of a ConvNDTranspose layer (as Keras' model.summary() counts them).

    >>> transpose_params((3, 3), channels=8, filters=4)
    292
    """
    k = per_axis("kernel_size", kernel_size, 1 if _is_int(kernel_size) else len(kernel_size))
    for name, v in (("channels", channels), ("filters", filters)):
        if not _is_int(v) or v < 1:
            raise ConvfigError(f"{name} must be an integer >= 1, got {v!r}")
    return ar.param_count(k, int(channels), int(filters), bias=use_bias)


@dataclass(frozen=True)
class Scatter:
    """One input cell and where it stamps `value x kernel` into the output (all filters)."""

    index: int
    in_pos: tuple[int, ...]
    values: np.ndarray                 # (channels,): x at in_pos
    targets: tuple[np.ndarray, ...]    # per axis: output indices in_pos * s + arange(k) * d - crop
    inside: np.ndarray                 # bool, kernel_size: True where the target lies in the output
    stamp: np.ndarray                  # (*kernel_size, filters): sum over channels of value * kernel


@dataclass(frozen=True)
class TransposeTrace:
    """A transposed convolution of one sample, as the scatter of every input cell (C order)."""

    spec: TransposeSpec
    x: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray
    output: np.ndarray
    scatters: list

    def __len__(self) -> int:
        return len(self.scatters)

    @property
    def zero_inserted(self) -> np.ndarray:
        """The input with strides - 1 zeros between cells (cut where padding crops past the kernel)."""
        return _zero_insert(self.x[None], self.spec)[0]

    def equivalent(self) -> Trace:
        """The same output as an ordinary convolution (convfig.trace) of the zero-inserted, padded input."""
        c = self.spec.equivalent_conv()
        return conv_trace(self.zero_inserted, _flip(self.kernel), self.bias, padding=c.padding,
                          dilation_rate=c.dilation_rate)


def transpose_trace(x: Any, kernel: Any, bias: Any = None, *, strides: Any = 1, padding: Any = "valid",
                    output_padding: Any = None, dilation_rate: Any = 1) -> TransposeTrace:
    """Transposed conv of one sample, recording which output cells each input cell scatters into.

    >>> t = transpose_trace(np.array([[1.0], [2.0]]), np.ones((3, 1, 1)), strides=2)
    >>> [s.targets[0].tolist() for s in t.scatters], t.output[:, 0].tolist()
    ([[0, 1, 2], [2, 3, 4]], [1.0, 1.0, 3.0, 2.0, 2.0])
    """
    xb, batched, kernel, bias = _check(x, kernel, bias)
    if batched:
        raise ConvfigError(f"transpose_trace takes one sample (*spatial, channels), got shape {xb.shape}")
    spec = _spec(xb, kernel, strides, padding, output_padding, dilation_rate)
    limits.check_trace(spec.equivalent_conv())    # the one size budget, before recording any stamp
    x1 = xb[0]
    bias = np.zeros(spec.filters, dtype=np.result_type(x1, kernel)) if bias is None else bias
    output = conv_transpose(x1, kernel, bias, strides=spec.strides, padding=spec.padding,
                            output_padding=spec.output_padding, dilation_rate=spec.dilation_rate)
    stamps = np.einsum("...c,kfc->...kf", x1.reshape(spec.input_shape + (-1,)),
                       kernel.reshape((prod(spec.kernel_size),) + kernel.shape[-2:]))
    scatters = []
    for i, pos in enumerate(np.ndindex(*spec.input_shape)):
        targets = tuple(p * s + np.arange(k) * d - c for p, s, k, d, c in
                        zip(pos, spec.strides, spec.kernel_size, spec.dilation_rate, spec.crops))
        ok = np.meshgrid(*[(t >= 0) & (t < n) for t, n in zip(targets, spec.out_spatial)], indexing="ij")
        scatters.append(Scatter(i, pos, x1[pos], targets, np.logical_and.reduce(ok),
                                stamps[pos].reshape(spec.kernel_size + (spec.filters,))))
    return TransposeTrace(spec, x1, kernel, bias, output, scatters)
