"""Property tests: conv against a brute-force loop, output_shape against conv."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import convfig
from convfig import ConvfigError, ConvSpec


def brute_force(x, kernel, bias, spec: ConvSpec):
    xp = np.pad(x, spec.pads + ((0, 0),))
    cg, fg = spec.channels // spec.groups, spec.filters // spec.groups
    out = np.zeros(spec.output_shape)
    for pos in itertools.product(*(range(o) for o in spec.out_spatial)):
        for f in range(spec.filters):
            g = f // fg
            total = bias[f]
            for kpos in itertools.product(*(range(k) for k in spec.kernel_size)):
                idx = tuple(p * s + q * d for p, s, q, d in zip(pos, spec.strides, kpos, spec.dilation_rate))
                for c in range(cg):
                    total += xp[idx + (g * cg + c,)] * kernel[kpos + (c, f)]
            out[pos + (f,)] = total
    return out


@st.composite
def conv_cases(draw):
    rank = draw(st.integers(1, 3))
    size_max = {1: 10, 2: 7, 3: 5}[rank]
    shape = tuple(draw(st.integers(1, size_max)) for _ in range(rank))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    channels = groups * draw(st.integers(1, 2))
    filters = groups * draw(st.integers(1, 2))
    dilated = draw(st.booleans())
    strides = (1,) * rank if dilated else tuple(draw(st.integers(1, 3)) for _ in range(rank))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(rank)) if dilated else (1,) * rank
    names = ["valid", "same", "full"] + (["causal"] if rank == 1 else [])
    padding = draw(st.one_of(st.sampled_from(names), st.integers(0, 2),
                             st.tuples(*[st.tuples(st.integers(0, 2), st.integers(0, 2))] * rank)))
    return dict(shape=shape, kernel=kernel, groups=groups, channels=channels, filters=filters,
                strides=strides, dilation=dilation, padding=padding)


def _spec(c):
    return ConvSpec.make(c["shape"], c["kernel"], channels=c["channels"], filters=c["filters"],
                         strides=c["strides"], padding=c["padding"], dilation_rate=c["dilation"], groups=c["groups"])


@settings(max_examples=150, deadline=None)
@given(conv_cases(), st.integers(0, 2**16))
def test_conv_matches_brute_force(case, seed):
    try:
        spec = _spec(case)
    except ConvfigError as exc:
        assert "kernel_size" in str(exc)       # only "kernel larger than padded input" may be refused
        return
    rng = np.random.default_rng(seed)
    x = rng.normal(size=spec.input_shape + (spec.channels,))
    k = rng.normal(size=spec.kernel_size + (spec.channels // spec.groups, spec.filters))
    b = rng.normal(size=spec.filters)
    kw = dict(strides=spec.strides, padding=case["padding"], dilation_rate=spec.dilation_rate, groups=spec.groups)
    y = convfig.conv(x, k, b, **kw)
    assert y.shape == convfig.output_shape(spec.input_shape + (spec.channels,), spec.kernel_size,
                                           filters=spec.filters, **kw)
    assert np.allclose(y, brute_force(x, k, b, spec))
    t = convfig.trace(x, k, b, **kw)
    assert len(t) == spec.positions
    assert np.allclose(np.array([s.sums for s in t.steps]).reshape(y.shape), y)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 4), st.sampled_from(["valid", "same", "causal"]))
def test_named_padding_lengths(n, k, s, padding):
    try:
        spec = ConvSpec.make((n,), k, strides=s, padding=padding)
    except ConvfigError:
        assert padding == "valid" and k > n
        return
    expected = -(-n // s) if padding in ("same", "causal") else (n - k) // s + 1
    assert spec.out_spatial == (expected,)
    before, after = spec.pads[0]
    assert before <= after or padding == "causal"
