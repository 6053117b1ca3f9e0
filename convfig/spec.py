"""One validated description of a convolution layer (Keras 3 semantics).

>>> from convfig.spec import ConvSpec
>>> s = ConvSpec.make(input_shape=(6,), channels=1, filters=2, kernel_size=3, strides=2, padding="same")
>>> s.pads, s.output_shape, s.params
(((0, 1),), (3, 2), 8)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

from convfig import arithmetic as ar
from convfig.errors import ConvfigError

# what the public API accepts: one int for every axis or one per axis; a padding name, int or pairs
IntOrInts = int | Sequence[int]
PaddingArg = str | int | Sequence[int | Sequence[int]]

PADDING_NAMES = ("valid", "same", "causal", "full")
LAYER_NAMES = {1: "Conv1D", 2: "Conv2D", 3: "Conv3D"}


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) or type(v).__name__.startswith(("int", "uint"))


def per_axis(name: str, value: Any, rank: int, *, minimum: int = 1) -> tuple[int, ...]:
    """Broadcast an int to every axis, or check a per-axis sequence; each item >= minimum."""
    items = (value,) * rank if _is_int(value) else value
    if isinstance(items, str):
        raise ConvfigError(f"{name} must be integers >= {minimum}, got the string {value!r}")
    try:
        items = tuple(items)
    except TypeError:
        raise ConvfigError(f"{name} must be an int or {rank} ints (one per axis), got {value!r}") from None
    if len(items) != rank:
        raise ConvfigError(f"{name} {value!r} has {len(items)} values but the convolution has {rank} "
                           f"spatial axes (give one int or {rank})")
    for v in items:
        if not _is_int(v) or v < minimum:
            raise ConvfigError(f"{name} must be integers >= {minimum}, got {value!r}")
    return tuple(int(v) for v in items)


def _norm_padding(padding: Any, rank: int) -> str | tuple[tuple[int, int], ...]:
    """Return padding as a lower-case name or a tuple of (before, after) pairs."""
    if isinstance(padding, str):
        p = padding.lower()
        if p not in PADDING_NAMES:
            raise ConvfigError(f"padding must be one of 'valid', 'same', 'causal', 'full', an int or "
                               f"(before, after) pairs, got {padding!r}")
        if p == "causal" and rank != 1:
            raise ConvfigError(f"padding='causal' is only for rank-1 convolutions (Conv1D); Keras refuses it "
                               f"for Conv{rank}D")
        return p
    if _is_int(padding):
        if padding < 0:
            raise ConvfigError(f"padding must be >= 0, got {padding}")
        return ((int(padding), int(padding)),) * rank
    try:
        items = tuple(padding)
    except TypeError:
        raise ConvfigError(f"padding must be a name, an int or (before, after) pairs, got {padding!r}") from None
    if len(items) != rank:
        raise ConvfigError(f"padding {padding!r} has {len(items)} entries but the convolution has {rank} "
                           f"spatial axes (give one int or (before, after) pair per axis)")
    pairs = []
    for item in items:
        pair = (item, item) if _is_int(item) else tuple(item) if hasattr(item, "__len__") else None
        if pair is None or len(pair) != 2 or not all(_is_int(v) and v >= 0 for v in pair):
            raise ConvfigError(f"padding entries must be ints >= 0 or (before, after) pairs of them, "
                               f"got {item!r}")
        pairs.append((int(pair[0]), int(pair[1])))
    return tuple(pairs)


@dataclass(frozen=True)
class ConvSpec:
    """A conv layer applied to one sample of spatial size `input_shape` with `channels` channels.

    Build it with `ConvSpec.make(...)`, which normalises and validates every field.
    """

    input_shape: tuple[int, ...]
    channels: int
    filters: int
    kernel_size: tuple[int, ...]
    strides: tuple[int, ...]
    padding: str | tuple[tuple[int, int], ...]
    dilation_rate: tuple[int, ...]
    groups: int

    @classmethod
    def make(cls, input_shape: IntOrInts, kernel_size: IntOrInts, *, channels: int = 1, filters: int = 1,
             strides: IntOrInts = 1, padding: PaddingArg = "valid", dilation_rate: IntOrInts = 1,
             groups: int = 1) -> ConvSpec:
        """Validate and normalise; ints broadcast to every axis. Raises ConvfigError."""
        raw: Any = input_shape
        try:
            shape = tuple((raw,) if _is_int(raw) else raw)
        except TypeError:
            raise ConvfigError(f"input_shape must be a tuple of spatial sizes, got {input_shape!r}") from None
        rank = len(shape)
        if not 1 <= rank <= 3:
            raise ConvfigError(f"input_shape {shape!r} must have 1, 2 or 3 spatial axes "
                               f"(Conv1D, Conv2D, Conv3D), got {rank}")
        sizes = per_axis("input_shape", shape, rank)
        kernel = per_axis("kernel_size", kernel_size, rank)
        steps = per_axis("strides", strides, rank)
        dilation = per_axis("dilation_rate", dilation_rate, rank)
        for name, v in (("channels", channels), ("filters", filters), ("groups", groups)):
            if not _is_int(v) or v < 1:
                raise ConvfigError(f"{name} must be an integer >= 1, got {v!r}")
        if max(steps) > 1 and max(dilation) > 1:
            raise ConvfigError(f"strides {steps} > 1 together with dilation_rate {dilation} > 1: "
                               f"Keras refuses this combination")
        if channels % groups:
            raise ConvfigError(f"channels {channels} must be divisible by groups {groups} "
                               f"(Keras refuses otherwise)")
        if filters % groups:
            raise ConvfigError(f"filters {filters} must be divisible by groups {groups} "
                               f"(Keras refuses otherwise)")
        spec = cls(sizes, int(channels), int(filters), kernel, steps, _norm_padding(padding, rank), dilation,
                   int(groups))
        for axis, (n, (b, a), ke, k) in enumerate(zip(sizes, spec.pads, spec.effective_kernel, kernel)):
            if n + b + a < ke:
                dil = f" (dilated {ke})" if ke != k else ""
                raise ConvfigError(f"kernel_size {k}{dil} is larger than the padded input {n + b + a} on "
                                   f"axis {axis} with padding={spec.padding_label!r}")
        return spec

    # --- derived values (all from convfig.arithmetic) ---
    @property
    def rank(self) -> int:
        return len(self.input_shape)

    @property
    def effective_kernel(self) -> tuple[int, ...]:
        return tuple(ar.effective_kernel(k, d) for k, d in zip(self.kernel_size, self.dilation_rate))

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        if not isinstance(self.padding, str):
            return self.padding
        return tuple(ar.padding_amounts(n, k, s, d, self.padding)
                     for n, k, s, d in zip(self.input_shape, self.kernel_size, self.strides,
                                           self.dilation_rate))

    @property
    def padded_shape(self) -> tuple[int, ...]:
        return tuple(n + b + a for n, (b, a) in zip(self.input_shape, self.pads))

    @property
    def out_spatial(self) -> tuple[int, ...]:
        return tuple(ar.conv_length(n, ke, s, b, a) for n, ke, s, (b, a) in
                     zip(self.input_shape, self.effective_kernel, self.strides, self.pads))

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.out_spatial + (self.filters,)

    @property
    def params(self) -> int:
        return ar.param_count(self.kernel_size, self.channels, self.filters, self.groups)

    @property
    def positions(self) -> int:
        """Number of output positions (= frames of an animation)."""
        return prod(self.out_spatial)

    @property
    def padding_label(self) -> str:
        """'same', 'valid', ... or a compact form of explicit pads such as '1' or '((0, 1),)'."""
        if isinstance(self.padding, str):
            return self.padding
        flat = {v for pair in self.padding for v in pair}
        return str(flat.pop()) if len(flat) == 1 else str(self.padding)

    @property
    def layer_name(self) -> str:
        return LAYER_NAMES[self.rank]

    def describe_padding(self) -> str:
        """'same → pad 0 before / 1 after' (one clause per axis when the axes differ)."""
        parts = [f"pad {b} before / {a} after" for b, a in self.pads]
        if len(set(parts)) == 1:
            return f"{self.padding_label} → {parts[0]}"
        return f"{self.padding_label} → " + ", ".join(f"axis {i}: {p}" for i, p in enumerate(parts))

    def keras_call(self) -> str:
        """The Keras layer call(s) that produce this convolution."""
        def compact(t: tuple[int, ...]) -> str:
            return str(t[0]) if len(set(t)) == 1 else str(t)

        args = [f"filters={self.filters}", f"kernel_size={compact(self.kernel_size)}"]
        if max(self.strides) > 1:
            args.append(f"strides={compact(self.strides)}")
        if self.padding in ("same", "causal"):
            args.append(f"padding='{self.padding}'")
        if max(self.dilation_rate) > 1:
            args.append(f"dilation_rate={compact(self.dilation_rate)}")
        if self.groups > 1:
            args.append(f"groups={self.groups}")
        call = f"keras.layers.{self.layer_name}({', '.join(args)})"
        if self.padding in ("valid", "same", "causal") or not any(b or a for b, a in self.pads):
            return call
        pads = self.pads[0] if self.rank == 1 else self.pads
        return f"keras.layers.ZeroPadding{self.rank}D(padding={pads}) then {call}"
