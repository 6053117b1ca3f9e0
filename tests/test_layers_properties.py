"""Property tests for transposed conv, pooling, depthwise and separable layers (hypothesis + numpy).

Adjoint: <conv(x, k), y> == <x, conv_transpose(y, k)>; separable == depthwise then 1x1 conv; max pool
>= average pool; depthwise (multiplier 1) == grouped conv with groups = channels; traces agree with
the vectorised functions; every *_output_shape equals the computed shape; integers stay exact.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convfig
from convfig import ConvfigError

SIZE_MAX = {1: 9, 2: 6, 3: 4}


def _ints(draw, lo, hi, rank):
    return tuple(draw(st.integers(lo, hi)) for _ in range(rank))


@st.composite
def transpose_cases(draw, max_rank=3):
    rank = draw(st.integers(1, max_rank))
    n = _ints(draw, 1, SIZE_MAX[rank], rank)
    k = _ints(draw, 1, 4, rank)
    dilated = draw(st.booleans())
    s = (1,) * rank if dilated else _ints(draw, 1, 3, rank)
    d = _ints(draw, 1, 3, rank) if dilated else (1,) * rank
    return dict(rank=rank, n=n, k=k, s=s, d=d, c=draw(st.integers(1, 3)), f=draw(st.integers(1, 3)),
                seed=draw(st.integers(0, 2**16)))


@settings(max_examples=120, deadline=None)
@given(transpose_cases(), st.data())
def test_transpose_is_adjoint_of_conv(case, data):
    """Explicit pads (b, a) on the conv <-> PyTorch padding (b, a) with output_padding = the conv's leftover."""
    rank, n, k, s, d = case["rank"], case["n"], case["k"], case["s"], case["d"]
    pads = tuple(data.draw(st.tuples(st.integers(0, 2), st.integers(0, 2))) for _ in range(rank))
    ke = tuple((kk - 1) * dd + 1 for kk, dd in zip(k, d))
    assume(all(nn + b + a >= e for nn, (b, a), e in zip(n, pads, ke)))
    rng = np.random.default_rng(case["seed"])
    x = rng.integers(-3, 4, n + (case["c"],))
    kernel = rng.integers(-2, 3, k + (case["c"], case["f"]))
    y = convfig.conv(x, kernel, strides=s, padding=pads, dilation_rate=d)
    left = tuple((nn + b + a - e) % ss for nn, (b, a), e, ss in zip(n, pads, ke, s))
    r = rng.integers(-3, 4, y.shape)
    back = convfig.conv_transpose(r, kernel, strides=s, padding=pads, output_padding=left, dilation_rate=d)
    assert back.shape == x.shape
    assert int((y * r).sum()) == int((x * back).sum())          # integers: exact


@settings(max_examples=120, deadline=None)
@given(transpose_cases(), st.sampled_from(["valid", "same"]), st.data())
def test_transpose_shape_trace_and_equivalent_conv(case, padding, data):
    n, k, s, d = case["n"], case["k"], case["s"], case["d"]
    op = data.draw(st.one_of(st.none(), st.tuples(*[st.integers(0, ss - 1) for ss in s])))
    shape = (*n, case["c"])
    try:
        expected = convfig.transpose_output_shape(shape, k, filters=case["f"], strides=s, padding=padding,
                                                  output_padding=op, dilation_rate=d)
    except ConvfigError as exc:
        assert "empty" in str(exc)
        return
    rng = np.random.default_rng(case["seed"])
    x = rng.integers(-3, 4, shape)
    kernel = rng.integers(-2, 3, k + (case["f"], case["c"]))
    bias = rng.integers(-2, 3, case["f"])
    args = dict(strides=s, padding=padding, output_padding=op, dilation_rate=d)
    out = convfig.conv_transpose(x, kernel, bias, **args)
    assert out.shape == expected and out.dtype == np.int64
    t = convfig.transpose_trace(x, kernel, bias, **args)
    scattered = np.zeros(out.shape, dtype=np.int64) + bias
    for sc in t.scatters:
        for j in np.ndindex(*k):
            if sc.inside[j]:
                scattered[tuple(tg[jj] for tg, jj in zip(sc.targets, j))] += sc.stamp[j]
    np.testing.assert_array_equal(scattered, out)
    np.testing.assert_array_equal(t.equivalent().output, out)
    batch = convfig.conv_transpose(np.stack([x, -x]), kernel, bias, **args)
    np.testing.assert_array_equal(batch[0], out)


@st.composite
def depthwise_cases(draw):
    rank = draw(st.integers(1, 2))
    n = _ints(draw, 1, SIZE_MAX[rank] + 2, rank)
    k = _ints(draw, 1, 4, rank)
    s = _ints(draw, 1, 3, rank)
    d = _ints(draw, 1, 3, rank)
    padding = draw(st.one_of(st.sampled_from(["valid", "same", "full"]), st.integers(0, 2)))
    return dict(rank=rank, n=n, k=k, s=s, d=d, padding=padding, c=draw(st.integers(1, 3)),
                m=draw(st.integers(1, 3)), f=draw(st.integers(1, 3)), seed=draw(st.integers(0, 2**16)))


def _depthwise_or_skip(case):
    try:
        return convfig.depthwise_output_shape((*case["n"], case["c"]), case["k"], depth_multiplier=case["m"],
                                              strides=case["s"], padding=case["padding"], dilation_rate=case["d"])
    except ConvfigError as exc:
        assert "kernel_size" in str(exc)
        return None


@settings(max_examples=120, deadline=None)
@given(depthwise_cases())
def test_separable_is_depthwise_then_pointwise(case):
    shape = _depthwise_or_skip(case)
    if shape is None:
        return
    rng = np.random.default_rng(case["seed"])
    x = rng.integers(-3, 4, (*case["n"], case["c"]))
    dk = rng.integers(-2, 3, (*case["k"], case["c"], case["m"]))
    pk = rng.integers(-2, 3, (*(1,) * case["rank"], case["c"] * case["m"], case["f"]))
    bias = rng.integers(-2, 3, case["f"])
    args = dict(strides=case["s"], padding=case["padding"], dilation_rate=case["d"])
    mid = convfig.depthwise_conv(x, dk, **args)
    assert mid.shape == shape
    out = convfig.separable_conv(x, dk, pk, bias, **args)
    np.testing.assert_array_equal(out, convfig.conv(mid, pk, bias))
    assert out.shape == convfig.separable_output_shape((*case["n"], case["c"]), case["k"], filters=case["f"],
                                                       depth_multiplier=case["m"], **args)
    t = convfig.separable_trace(x, dk, pk, bias, **args)
    np.testing.assert_array_equal(t.output, out)
    np.testing.assert_array_equal(t.depthwise.output, mid)


@settings(max_examples=120, deadline=None)
@given(depthwise_cases())
def test_depthwise_multiplier_one_is_grouped_conv(case):
    if max(case["s"]) > 1 and max(case["d"]) > 1:      # Conv refuses this pair; DepthwiseConv accepts it
        case = dict(case, d=(1,) * case["rank"])
    case = dict(case, m=1)
    if _depthwise_or_skip(case) is None:
        return
    rng = np.random.default_rng(case["seed"])
    x = rng.integers(-3, 4, (2, *case["n"], case["c"]))
    dk = rng.integers(-2, 3, (*case["k"], case["c"], 1))
    bias = rng.integers(-2, 3, case["c"])
    args = dict(strides=case["s"], padding=case["padding"], dilation_rate=case["d"])
    got = convfig.depthwise_conv(x, dk, bias, **args)
    want = convfig.conv(x, dk.reshape((*case["k"], 1, case["c"])), bias, groups=case["c"], **args)
    np.testing.assert_array_equal(got, want)
    t = convfig.depthwise_trace(x[0], dk, bias, **args)
    np.testing.assert_array_equal(t.output, got[0])


@st.composite
def pool_cases(draw):
    rank = draw(st.integers(1, 3))
    n = _ints(draw, 1, SIZE_MAX[rank] + 1, rank)
    p = _ints(draw, 1, 4, rank)
    s = draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 3)] * rank)))
    padding = draw(st.sampled_from(["valid", "same"]))
    return dict(rank=rank, n=n, p=p, s=s, padding=padding, c=draw(st.integers(1, 3)), seed=draw(st.integers(0, 2**16)))


@settings(max_examples=150, deadline=None)
@given(pool_cases())
def test_pool_max_at_least_average_and_shapes(case):
    shape = (*case["n"], case["c"])
    try:
        expected = convfig.pool_output_shape(shape, case["p"], strides=case["s"], padding=case["padding"])
    except ConvfigError as exc:
        assert "pool_size" in str(exc)
        return
    x = np.random.default_rng(case["seed"]).integers(-9, 10, shape)
    args = dict(strides=case["s"], padding=case["padding"])
    mx = convfig.pool(x, case["p"], mode="max", **args)
    avg = convfig.pool(x, case["p"], mode="average", **args)
    assert mx.shape == avg.shape == expected and mx.dtype == np.int64
    assert np.all(mx >= avg - 1e-12)
    for mode, out in (("max", mx), ("average", avg)):
        t = convfig.pool_trace(x, case["p"], mode=mode, **args)
        np.testing.assert_array_equal(t.output, out)
        for step in t.steps:
            real = step.values[~step.is_pad]
            want = real.max(axis=0) if mode == "max" else real.sum(axis=0) / step.count
            np.testing.assert_allclose(out[step.out_pos], want)
            if mode == "max":
                winners = [step.values[tuple(w) + (ch,)] for ch, w in enumerate(step.winner)]
                np.testing.assert_array_equal(winners, out[step.out_pos])
                assert not any(step.is_pad[tuple(w)] for w in step.winner)


# --- integers, numpy integer parameters, refusals
def test_integer_inputs_are_exact():
    x = np.full((4, 1), 250, dtype=np.uint8)
    k = np.full((3, 1, 1), 200, dtype=np.uint8)
    assert convfig.conv_transpose(x, k, strides=1)[2, 0] == 3 * 250 * 200
    assert convfig.depthwise_conv(x, k)[0, 0] == 3 * 250 * 200
    assert convfig.pool(x, (2,), mode="average")[0, 0] == 250.0
    assert convfig.pool(np.array([[True], [False]]), (2,))[0, 0] == 1


def test_numpy_integer_parameters_are_accepted():
    i = np.int64
    x = np.ones((6, 6, 2))
    out = convfig.conv_transpose(x, np.ones((3, 3, 1, 2)), strides=i(2), output_padding=(i(1), i(0)))
    assert out.shape == (14, 13, 1)
    assert convfig.pool(x, (i(2), i(3)), strides=i(1)).shape == (5, 4, 2)
    assert convfig.depthwise_conv(x, np.ones((3, 3, 2, 2)), strides=i(2), dilation_rate=i(1)).shape == (2, 2, 4)
    assert convfig.depthwise_output_shape((6, 6, 2), i(3), depth_multiplier=i(2)) == (4, 4, 4)
    assert convfig.separable_params(i(3), i(2), i(4), i(1)) == 3 * 2 + 2 * 4 + 4     # kernel 3: one axis
    assert convfig.global_pool(x, rank=i(2)).shape == (2,)
    assert convfig.conv(x, np.ones((3, 3, 1, 2)), groups=i(2)).shape == (4, 4, 2)


@pytest.mark.parametrize("bad", [np.ones((3, 1), complex), np.array([["a"], ["b"], ["c"]]),
                                 np.array([[None], [1], [2]], dtype=object)])
def test_non_real_arrays_are_refused(bad):
    for call in (lambda: convfig.conv_transpose(bad, np.ones((2, 1, 1))), lambda: convfig.pool(bad, (2,)),
                 lambda: convfig.depthwise_conv(bad, np.ones((2, 1, 1)))):
        with pytest.raises(ConvfigError, match="x must hold real numbers"):
            call()


@pytest.mark.parametrize(("call", "match"), [
    (lambda: convfig.depthwise_conv(np.ones((4, 4, 4, 1)), np.ones((2, 2, 2, 1, 1))), "DepthwiseConv1D/2D"),
    (lambda: convfig.depthwise_output_shape((4, 4, 4, 1), 2), "DepthwiseConv1D/2D"),
    (lambda: convfig.pool(np.ones((4, 4, 1)), 2), "one int per axis"),
    (lambda: convfig.pool(np.ones((4, 1)), (2,), mode="min"), "mode"),
    (lambda: convfig.conv_transpose(np.ones((4, 1)), np.ones((3, 1, 1)), padding=3), "crops more"),
    (lambda: convfig.conv_transpose(np.ones((4, 2)), np.ones((3, 1, 1))), "channels"),
    (lambda: convfig.conv_transpose(np.ones((4, 1)), np.ones((3, 1, 1)), padding=1, output_padding=1),
     "PyTorch"),
    (lambda: convfig.separable_conv(np.ones((5, 2)), np.ones((3, 2, 2)), np.ones((1, 2, 3))), "pointwise_kernel"),
    (lambda: convfig.depthwise_conv(np.ones((5, 2)), np.ones((3, 2, 1)), np.ones(3)), "bias"),
    (lambda: convfig.global_pool(np.ones((5, 2)), rank=4), "rank"),
])
def test_refusals_name_the_parameter(call, match):
    with pytest.raises(ConvfigError, match=match):
        call()
