"""Generate the Keras golden data that tests/test_golden.py checks convfig against.

Run from the repository root, with Keras in its own venv (never in .venv):

    python3 -m venv /work/kvenv && /work/kvenv/bin/pip install torch==2.13.0 keras numpy
    KERAS_BACKEND=torch /work/kvenv/bin/python tests/golden/make_golden.py

Writes tests/golden/cases.json (specs, Keras output shapes and parameter counts, plus the
combinations Keras refuses with its exception) and tests/golden/cases.npz (x, kernel, bias, y
per case, float32). The grid and the random values are fixed, so a rerun gives the same cases.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED = 20261125

# (channels, filters, groups); groups always divide both channels and filters.
CFG = [(1, 1, 1), (3, 2, 1), (4, 6, 2), (6, 3, 3), (2, 4, 2), (3, 6, 3),
       (1, 4, 1), (5, 2, 1), (6, 4, 2), (3, 3, 3), (2, 3, 1), (4, 2, 2)]

# Per rank: input sizes, kernel sizes (odd, even, per axis), (strides, dilation) pairs
# (never strides > 1 together with dilation > 1), paddings and cases per (padding, pair).
GRID = {
    1: dict(sizes=[5, 6, 7, 8, 9, 10, 11, 12], kernels=[1, 2, 3, 4, 5],
            sd=[(1, 1), (2, 1), (3, 1), (1, 2), (1, 3)],
            paddings=["valid", "same", "causal"], per=6),
    2: dict(sizes=[(5, 5), (6, 6), (7, 4), (4, 7), (9, 8), (5, 6), (8, 9), (3, 3), (7, 7)],
            kernels=[(3, 3), (2, 2), (3, 2), (1, 3), (4, 3), (2, 1), (5, 5), (1, 1)],
            sd=[(1, 1), (2, 1), (3, 1), (1, 2), (1, 3), ((1, 2), 1), ((3, 2), 1), (1, (2, 1))],
            paddings=["valid", "same"], per=6),
    3: dict(sizes=[(4, 4, 4), (5, 5, 5), (6, 5, 4), (3, 4, 5), (6, 6, 6), (5, 4, 3), (4, 6, 5)],
            kernels=[(3, 3, 3), (2, 2, 2), (3, 2, 1), (1, 1, 1), (2, 3, 2), (4, 2, 3)],
            sd=[(1, 1), (2, 1), (3, 1), (1, 2), (1, 3), ((1, 2, 3), 1), (1, (1, 2, 1))],
            paddings=["valid", "same"], per=5),
}

LIMIT = {1: 12, 2: 9, 3: 6}

# Hand-picked edges: kernel larger than the input (same/causal pad it), size-1 axes, 1x1 kernels.
EDGES = [
    dict(n=(3,), k=(5,), s=1, d=1, p="same", cfg=(2, 2, 1)),
    dict(n=(3,), k=(5,), s=1, d=1, p="causal", cfg=(2, 2, 1)),
    dict(n=(4,), k=(3,), s=1, d=3, p="causal", cfg=(3, 3, 3)),
    dict(n=(1,), k=(1,), s=1, d=1, p="valid", cfg=(1, 1, 1)),
    dict(n=(2, 3), k=(4, 4), s=1, d=1, p="same", cfg=(1, 2, 1)),
    dict(n=(2, 3), k=(3, 3), s=1, d=2, p="same", cfg=(2, 2, 2)),
    dict(n=(1, 1), k=(1, 1), s=1, d=1, p="valid", cfg=(3, 2, 1)),
    dict(n=(2, 2, 2), k=(3, 3, 3), s=1, d=1, p="same", cfg=(2, 4, 2)),
    dict(n=(3, 3, 3), k=(3, 3, 3), s=1, d=1, p="valid", cfg=(6, 6, 3)),
    dict(n=(1, 4, 2), k=(1, 2, 2), s=(1, 3, 2), d=1, p="same", cfg=(3, 2, 1)),
]

# Combinations Keras refuses: (rule, rank, spatial input, kernel, strides, padding, dilation, C, F, groups).
REFUSED = [
    ("strides_with_dilation", 1, (8,), (3,), 2, "valid", 2, 1, 1, 1),
    ("strides_with_dilation", 2, (8, 8), (3, 3), (2, 1), "same", (1, 2), 2, 2, 1),
    ("strides_with_dilation", 3, (6, 6, 6), (2, 2, 2), 3, "valid", 2, 1, 2, 1),
    ("causal_not_1d", 2, (5, 5), (3, 3), 1, "causal", 1, 1, 1, 1),
    ("causal_not_1d", 3, (4, 4, 4), (2, 2, 2), 1, "causal", 1, 1, 1, 1),
    ("groups_channels", 1, (8,), (3,), 1, "valid", 1, 3, 4, 2),
    ("groups_channels", 2, (5, 5), (3, 3), 1, "same", 1, 4, 3, 3),
    ("groups_filters", 1, (8,), (3,), 1, "same", 1, 4, 3, 2),
    ("groups_filters", 3, (4, 4, 4), (2, 2, 2), 1, "valid", 1, 6, 4, 3),
    ("kernel_too_large", 1, (3,), (5,), 1, "valid", 1, 1, 1, 1),
    ("kernel_too_large", 2, (4, 4), (3, 3), 1, "valid", 2, 1, 1, 1),
    ("kernel_too_large", 3, (1, 4, 4), (2, 2, 2), 1, "valid", 1, 1, 3, 1),
]


def per_axis(v, rank):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * rank


def spec_grid():
    """Yield (spatial, kernel, strides, dilation, padding, (C, F, g)) for every case, in order."""
    i = 0
    for rank, g in GRID.items():
        for padding, (s, d), _ in itertools.product(g["paddings"], g["sd"], range(g["per"])):
            n = per_axis(g["sizes"][i % len(g["sizes"])], rank)
            k = per_axis(g["kernels"][(i // 2) % len(g["kernels"])], rank)
            s, d = per_axis(s, rank), per_axis(d, rank)
            # keep the dilated kernel within the size limit (12, 9, 6 per rank) so files stay small
            k = tuple(min(ki, (LIMIT[rank] - 1) // di + 1) for ki, di in zip(k, d, strict=True))
            if padding == "valid":  # grow the input where the dilated kernel would not fit
                n = tuple(max(ni, (ki - 1) * di + 1 + i % 2) for ni, ki, di in zip(n, k, d, strict=True))
            yield n, k, s, d, padding, CFG[(i * 5 + i // len(CFG)) % len(CFG)]
            i += 1
    for e in EDGES:
        rank = len(e["n"])
        yield e["n"], e["k"], per_axis(e["s"], rank), per_axis(e["d"], rank), e["p"], e["cfg"]


def reference(x, kernel, bias, strides, padding, dilation):
    """Plain numpy convolution (GUIDE section 3 padding rules), used only to cross-check Keras."""
    rank = kernel.ndim - 2
    pads = []
    for n, k, s, d in zip(x.shape[1:-1], kernel.shape[:rank], strides, dilation, strict=True):
        ke = (k - 1) * d + 1
        if padding == "same":
            total = max((-(-n // s) - 1) * s + ke - n, 0)
            pads.append((total // 2, total - total // 2))
        else:
            pads.append((ke - 1, 0) if padding == "causal" else (0, 0))
    xp = np.pad(x.astype(np.float64), [(0, 0), *pads, (0, 0)])
    cg, f = kernel.shape[-2], kernel.shape[-1]
    groups = x.shape[-1] // cg
    out = [(xp.shape[1 + a] - (kernel.shape[a] - 1) * dilation[a] - 1) // strides[a] + 1 for a in range(rank)]
    y = np.zeros((x.shape[0], *out, f))
    fg = f // groups
    for pos in itertools.product(*(range(o) for o in out)):
        win = tuple(slice(p * s, p * s + (k - 1) * d + 1, d)
                    for p, s, k, d in zip(pos, strides, kernel.shape[:rank], dilation, strict=True))
        patch = xp[(slice(None), *win)]
        for gi in range(groups):
            w = kernel[..., gi * fg:(gi + 1) * fg]
            xs = patch[..., gi * cg:(gi + 1) * cg]
            y[(slice(None), *pos, slice(gi * fg, (gi + 1) * fg))] = np.tensordot(
                xs, w, axes=(list(range(1, rank + 2)), list(range(rank + 1))))
    return y + bias


def disable_onednn():
    """Switch off torch's oneDNN convolution and prove it: with it on, torch 2.13 on the CPU gets this
    one-channel batch wrong (GUIDE section 3), so the run stops if the numbers disagree with numpy."""
    if keras.backend.backend() == "torch":
        import torch
        torch.backends.mkldnn.enabled = False
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 6, 2, 1)).astype(np.float32)
    kernel = rng.standard_normal((3, 4, 1, 1)).astype(np.float32)
    layer = keras.layers.Conv2D(1, (3, 4), strides=(1, 2), padding="same")
    layer.build(x.shape)
    layer.set_weights([kernel, np.zeros(1, np.float32)])
    err = np.abs(reference(x, kernel, 0.0, (1, 2), "same", (1, 1)) - keras.ops.convert_to_numpy(layer(x))).max()
    if err > 1e-4:
        raise SystemExit(f"self-check failed: Keras differs from numpy by {err:.3g} (is oneDNN on?)")


def layer_for(rank, filters, kernel, strides, padding, dilation, groups):
    cls = getattr(keras.layers, f"Conv{rank}D")
    return cls(filters, kernel, strides=strides, padding=padding, dilation_rate=dilation,
               groups=groups, use_bias=True)


def make_cases(rng):
    cases, arrays = [], {}
    for idx, (n, k, s, d, padding, (c, f, g)) in enumerate(spec_grid()):
        rank = len(n)
        batch = 2 if idx % 3 == 0 else 1
        in_shape = (batch, *n, c)
        j = "x".join
        cid = (f"{rank}d{idx:03d}_{padding}_n{j(map(str, n))}_k{j(map(str, k))}_s{j(map(str, s))}"
               f"_d{j(map(str, d))}_c{c}f{f}g{g}")
        layer = layer_for(rank, f, k, s, padding, d, g)
        static = tuple(layer.compute_output_shape(in_shape))
        layer.build(in_shape)
        x = rng.standard_normal(in_shape).astype(np.float32)
        kernel = (rng.standard_normal((*k, c // g, f)) * 0.5).astype(np.float32)
        bias = (rng.uniform(0.1, 1.0, f) * rng.choice([-1.0, 1.0], f)).astype(np.float32)
        layer.set_weights([kernel, bias])
        y = keras.ops.convert_to_numpy(layer(x)).astype(np.float32)
        if tuple(y.shape) != static:
            raise SystemExit(f"{cid}: compute_output_shape {static} != actual {y.shape}")
        err = np.abs(reference(x, kernel, bias, s, padding, d) - y).max()
        if err > 1e-4:
            print(f"note: {cid} differs from the numpy reference by {err:.3g}")
        cases.append({
            "id": cid, "rank": rank, "input_shape": list(in_shape),
            "kernel_size": list(layer.kernel_size), "filters": f, "strides": list(layer.strides),
            "padding": padding, "dilation_rate": list(layer.dilation_rate), "groups": g,
            "output_shape": list(y.shape), "params": int(layer.count_params()),
        })
        arrays.update({f"{cid}_x": x, f"{cid}_kernel": kernel, f"{cid}_bias": bias, f"{cid}_y": y})
    return cases, arrays


def keras_refusal(make_layer, in_shape, what):
    """(stage, exception) where Keras refuses the layer that make_layer() builds; exit if it accepts it."""
    stage = "constructor"
    try:
        layer = make_layer()
        stage = "compute_output_shape"
        layer.compute_output_shape(in_shape)
        stage = "build"
        layer.build(in_shape)
        stage = "call"
        layer(np.zeros(in_shape, np.float32))
    except Exception as e:  # noqa: BLE001 - we record whatever Keras raises
        return stage, e
    raise SystemExit(f"Keras accepted refused combination {what}")


def refused_cases():
    out = []
    for idx, (rule, rank, n, k, s, padding, d, c, f, g) in enumerate(REFUSED):
        in_shape = (1, *n, c)
        stage, exc = keras_refusal(lambda: layer_for(rank, f, k, s, padding, d, g), in_shape,  # noqa: B023
                                   f"{rule} #{idx}")
        out.append({
            "id": f"refused{idx:02d}_{rule}", "rule": rule, "rank": rank, "input_shape": list(in_shape),
            "kernel_size": list(per_axis(k, rank)), "filters": f, "strides": list(per_axis(s, rank)),
            "padding": padding, "dilation_rate": list(per_axis(d, rank)), "groups": g,
            "stage": stage, "exception": type(exc).__name__, "message": str(exc),
        })
    return out


def write_npz(path, arrays):
    """Like np.savez_compressed, but with fixed zip timestamps so reruns are byte-identical."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def main():
    if keras.backend.backend() != "torch":
        raise SystemExit("set KERAS_BACKEND=torch")
    disable_onednn()
    keras.utils.set_random_seed(SEED)
    cases, arrays = make_cases(np.random.default_rng(SEED))
    doc = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "seed": SEED,
           "cases": cases, "refused": refused_cases()}
    (HERE / "cases.json").write_text(json.dumps(doc, indent=1) + "\n")
    write_npz(HERE / "cases.npz", arrays)
    print(f"{len(cases)} cases, {len(doc['refused'])} refused, Keras {keras.__version__}")


if __name__ == "__main__":
    main()
