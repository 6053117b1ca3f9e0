"""Hand-worked cases for the arithmetic, the trace and the coverage map."""

import numpy as np
import pytest

import convfig
from convfig import ConvSpec, arithmetic


@pytest.mark.parametrize("n,k,s,d,padding,pads,out", [
    (6, 3, 2, 1, "same", (0, 1), 3),      # GUIDE §3: Keras puts the extra cell at the end
    (7, 4, 1, 1, "same", (1, 2), 7),
    (8, 3, 1, 3, "causal", (6, 0), 8),
    (5, 3, 1, 1, "valid", (0, 0), 3),
    (5, 3, 2, 1, "same", (1, 1), 3),
    (6, 3, 2, 1, "valid", (0, 0), 2),
    (5, 3, 1, 1, "full", (2, 2), 7),
    (7, 3, 1, 2, "valid", (0, 0), 3),
    (4, 1, 3, 1, "same", (0, 0), 2),
])
def test_padding_and_length(n, k, s, d, padding, pads, out):
    spec = ConvSpec.make((n,), k, strides=s, dilation_rate=d, padding=padding)
    assert spec.pads == (pads,)
    assert spec.out_spatial == (out,)


def test_effective_kernel_and_params():
    spec = ConvSpec.make((9, 9), (3, 2), channels=6, filters=4, dilation_rate=(2, 3), groups=2)
    assert spec.effective_kernel == (5, 4)
    assert spec.params == 3 * 2 * 3 * 4 + 4


def test_explicit_pairs_and_int_padding():
    spec = ConvSpec.make((5, 6), 3, padding=((0, 1), 2))
    assert spec.pads == ((0, 1), (2, 2))
    assert spec.padded_shape == (6, 10)
    assert spec.out_spatial == (4, 8)
    assert "ZeroPadding2D" in spec.keras_call()


def test_keras_call_names_non_default_arguments():
    call = ConvSpec.make((9,), 3, filters=2, dilation_rate=2, padding="causal").keras_call()
    assert call == "keras.layers.Conv1D(filters=2, kernel_size=3, padding='causal', dilation_rate=2)"


def test_coverage_map_hand_worked():
    cov = arithmetic.coverage_map(ConvSpec.make((4, 4), 3))
    assert cov.tolist() == [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]
    same = arithmetic.coverage_map(ConvSpec.make((5, 5), 3, padding="same"))
    assert same[0, 0] == 4 and same[2, 2] == 9
    strided = arithmetic.coverage_map(ConvSpec.make((5,), 1, strides=2))
    assert strided.tolist() == [1, 0, 1, 0, 1]


def test_coverage_equals_trace_count():
    spec = ConvSpec.make((6, 5), (3, 2), strides=(2, 1), padding="same")
    x, k, b = convfig.example(spec)
    counts = np.zeros(spec.input_shape, dtype=int)
    for step in convfig.trace(x, k, b, strides=spec.strides, padding="same").steps:
        for idx in np.ndindex(*spec.kernel_size):
            if not step.is_pad[idx]:
                counts[tuple(int(ax[i]) for ax, i in zip(step.input_index, idx))] += 1
    assert (counts == arithmetic.coverage_map(spec)).all()


def test_receptive_field():
    assert arithmetic.receptive_field([(3, 1, 1), (3, 1, 1)]) == (5, 1)
    assert arithmetic.receptive_field([(3, 2, 1), (3, 1, 1)]) == (7, 2)
    assert arithmetic.receptive_field([(3, 1, 2), (3, 1, 4)]) == (13, 1)
    specs = [ConvSpec.make((28, 28), 3), ConvSpec.make((26, 26), (5, 3), strides=2)]
    assert arithmetic.receptive_field(specs) == ((7, 2), (5, 2))


def test_trace_hand_worked_1d():
    x = np.array([1.0, 2.0, 3.0, 4.0])[:, None]
    k = np.array([1.0, 0.0, -1.0])[:, None, None]
    t = convfig.trace(x, k, np.array([0.5]), padding="same")
    assert [s.out_pos for s in t.steps] == [(0,), (1,), (2,), (3,)]
    first = t.steps[0]
    assert first.input_index[0].tolist() == [-1, 0, 1]
    assert first.is_pad.tolist() == [True, False, False]
    assert first.products[:, 0, 0].tolist() == [0.0, 0.0, -2.0]
    assert first.sums.tolist() == [-1.5]
    assert t.output[:, 0].tolist() == [-1.5, -1.5, -1.5, 3.5]


def test_trace_matches_conv_with_groups_and_dilation():
    spec = ConvSpec.make((7, 6), (2, 3), channels=4, filters=6, dilation_rate=(2, 1), groups=2, padding="same")
    x, k, _ = convfig.example(spec, seed=3)
    b = np.arange(6.0)
    t = convfig.trace(x, k, b, dilation_rate=(2, 1), groups=2, padding="same")
    y = convfig.conv(x, k, b, dilation_rate=(2, 1), groups=2, padding="same")
    assert len(t) == spec.positions == 7 * 6
    assert np.allclose(np.array([s.sums for s in t.steps]).reshape(y.shape), y)
    step = t.steps[10]
    assert np.allclose(step.products.sum(axis=(0, 1, 2)) + b, step.sums)
    assert step.values.shape == (2, 3, 4)


def test_example_is_deterministic_small_ints():
    spec = ConvSpec.make((5, 5), 3, channels=2, filters=3)
    a = convfig.example(spec, seed=7)
    b = convfig.example(spec, seed=7)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert set(np.unique(a[0])) <= {0, 1, 2, 3, 4} and set(np.unique(a[1])) <= {-1, 0, 1}


def test_conv_batch_equals_per_sample():
    x = np.random.default_rng(0).normal(size=(3, 5, 4, 2))
    k = np.random.default_rng(1).normal(size=(2, 2, 2, 3))
    batch = convfig.conv(x, k, strides=2, padding="same")
    for i in range(3):
        assert np.allclose(batch[i], convfig.conv(x[i], k, strides=2, padding="same"))


def test_compute_does_not_import_matplotlib():
    import subprocess
    import sys
    code = ("import sys, numpy as np, convfig, convfig.cli; convfig.conv(np.ones((3, 1)), np.ones((1, 1, 1)));"
            "convfig.trace_example(convfig.ConvSpec.make((4,), 2));"
            "print(sorted(m for m in ('matplotlib', 'PIL', 'imageio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
