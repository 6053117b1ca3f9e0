"""Words of the Conv3D figure (kinds/conv3d.py): title, labels, shapes line, sum line, step description and
alt text, from the ConvSpec and the engine's trace. Text only: no positions."""

from __future__ import annotations

import numpy as np

from convfig.compute import Trace
from convfig.render import fmt
from convfig.spec import ConvSpec

AXES = "axes: depth \u2197 (into the page), height \u2193, width \u2192"


def texts(cs: ConvSpec) -> dict[str, str]:
    C, F, kD = cs.channels, cs.filters, cs.kernel_size[0]
    cg = C // cs.groups
    title = (f"input {fmt.shape(cs.input_shape)} (depth {fmt.TIMES} height {fmt.TIMES} width)"
             + (f" {fmt.TIMES} {C} channels" if C > 1 else "") + f", {cs.describe_padding()}")
    kdesc = (f"kernel {fmt.shape(cs.kernel_size)}"
             + (f", dilation {fmt.shape(cs.dilation_rate)}" if max(cs.dilation_rate) > 1 else "")
             + (f", strides {fmt.shape(cs.strides)}" if max(cs.strides) > 1 else "")
             + (f" {fmt.TIMES} {cg} channel{'s' if cg > 1 else ''} {fmt.TIMES} {F} filter{'s' if F > 1 else ''}"
                if C > 1 or F > 1 else ""))
    return {
        "title": title, "kernel": kdesc + f": reads {kD} depth slice{'s' if kD > 1 else ''}",
        "in": f"input, padded {fmt.shape(cs.padded_shape)}" if cs.padded_shape != cs.input_shape else "input",
        "out": f"output {fmt.shape(cs.out_spatial)}" + (f" {fmt.TIMES} {F} filters" if F > 1 else ""),
        "shapes": (f"input shape {fmt.tuple_str(cs.input_shape + (C,))} {fmt.ARROW} output shape "
                   f"{fmt.tuple_str(cs.output_shape)}, {cs.params} parameters"),
    }


def slice_title(F: int, f: int, d: int) -> str:
    return f"f{f} depth {d}" if F > 1 else f"output depth {d}"


def describe_step(tr: Trace, i: int, partial: np.ndarray) -> str:
    cs, st = tr.spec, tr.steps[i]
    (d0, *_, d1), (r0, *_, r1), (c0, *_, c1) = ([int(v) for v in ax] * 2 for ax in st.input_index)
    npad = int(st.is_pad.sum())
    sums = (", ".join(f"filter {f}: {fmt.num(v)}" for f, v in enumerate(st.sums)) if cs.filters > 1
            else fmt.num(st.sums[0]))
    return (f"Step {i + 1} of {len(tr.steps)}: output voxel {tuple(int(v) for v in st.out_pos)} reads input "
            f"depths {d0}..{d1}, rows {r0}..{r1}, columns {c0}..{c1}"
            + (f" ({npad} of the {st.is_pad.size} kernel cells on padding)" if npad else "")
            + f"; per depth slice the products add up to {' + '.join(fmt.paren(v) for v in partial[:, 0])}, "
            f"so the sum is {sums}.")


def alt(cs: ConvSpec) -> str:
    filt, chans = (f"{n} {w}" + ("s" if n > 1 else "") for n, w in ((cs.filters, "filter"), (cs.channels, "channel")))
    pads = ", ".join(f"{b} before / {a} after" for b, a in cs.pads)
    return (f"Animated 3D convolution (Conv3D) on a {fmt.shape(cs.input_shape)} volume (depth {fmt.TIMES} height "
            f"{fmt.TIMES} width) {fmt.TIMES} {chans}: kernel size {fmt.shape(cs.kernel_size)}, strides "
            f"{fmt.shape(cs.strides)}, padding '{cs.padding_label}' (per axis {pads}), dilation "
            f"{fmt.shape(cs.dilation_rate)}, {filt}; output {fmt.shape(cs.out_spatial)} {fmt.TIMES} {filt}, shape "
            f"{fmt.tuple_str(cs.output_shape)}. An oblique voxel view shows the kernel cube moving through the "
            f"padded input volume while the output volume beside it fills in one voxel per frame; below, for "
            f"each kernel depth, the input depth slice it reads with the window highlighted, the kernel "
            f"weights, their products, the per-slice sums and the total.")


def sum_line(tr: Trace, partial: np.ndarray, i: int, f: int) -> str:
    """Filter f's total at step i: the depth slices' sums (``partial[kd]``), the bias, the output voxel."""
    st, F = tr.steps[i], tr.spec.filters
    bias = [f"bias {fmt.paren(tr.bias[f])}"] if tr.bias[f] else []
    terms = [fmt.paren(v) for v in partial] + bias
    pos = ", ".join(str(int(v)) for v in st.out_pos)
    return (f"{f'filter {f}: ' if F > 1 else ''}sum = {' + '.join(terms)} = {fmt.num(st.sums[f])}  {fmt.ARROW}  "
            f"output[{pos}]")
