"""Generate the Keras golden data for the layers beyond Conv (tests/test_golden_layers.py checks convfig).

Covers Conv1D/2D/3DTranspose, Max/AveragePooling1D/2D/3D, GlobalMax/GlobalAveragePooling1D/2D/3D,
DepthwiseConv1D/2D and SeparableConv1D/2D, plus the combinations Keras refuses. Run from the repository
root, with Keras in its own venv (never in .venv):

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install torch==2.13.0 keras numpy
    KERAS_BACKEND=torch /tmp/kvenv/bin/python tests/golden/make_golden_layers.py

Writes tests/golden/layers.json (per case: layer, config, shapes, parameter count, where the
expected values came from) and tests/golden/layers.npz (inputs, weights, expected outputs, float32).

Two known oracle bugs (GUIDE section 3) are handled here:
- torch's oneDNN convolution gives wrong numbers for some one-channel batches: it is switched off,
  and a self-check case fails the run if it is on.
- Keras 3.15 on torch averages 'same' windows with uneven padding by replicating the edge value;
  TensorFlow and JAX leave padded cells out of the mean. For those cases the expected values are
  built from Keras layers that are right: ZeroPadding + 'valid' AveragePooling of x, divided by the
  same of an array of ones (source "zero_pad_ratio"); the torch output's error is recorded.

Every case is also checked against a plain-loop numpy reference written here (independent of
convfig); a difference stops the run. With jax installed in the same venv,
`KERAS_BACKEND=jax ... make_golden_layers.py --check` recomputes every case with Keras on JAX and
compares it with the saved data (a second oracle; nothing is written).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # Keras messages print Python sets ({'same', 'valid'}): a fixed hash seed keeps reruns byte-identical
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_golden import disable_onednn, keras_refusal, write_npz  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED = 20261130
L = keras.layers
CONV_T = {1: "Conv1DTranspose", 2: "Conv2DTranspose", 3: "Conv3DTranspose"}


def to_numpy(t):
    return keras.ops.convert_to_numpy(t).astype(np.float32)


def tup(v, rank):
    return tuple(int(i) for i in v) if isinstance(v, (tuple, list)) else (int(v),) * rank


def same_pads(n, k, s, d=1):
    ke = (k - 1) * d + 1
    total = max((-(-n // s) - 1) * s + ke - n, 0)
    return total // 2, total - total // 2


# ---------------------------------------------------------------- plain-loop numpy references
def ref_transpose(x, w, b, s, padding, op, d):
    """Scatter every input cell; pads from Keras' backend_utils rule (JAX/TF convention)."""
    rank = w.ndim - 2
    k = w.shape[:rank]
    crop, out = [], []
    for a in range(rank):
        ke = (k[a] - 1) * d[a] + 1
        o = None if op is None else op[a]
        if padding == "valid":
            o = max(ke, s[a]) - ke if o is None else o
            left, right = ke - 1, ke - 1 + o
        else:
            total = s[a] + ke - 2 if o is None else ke + ke % 2 - 2 + o
            left = min(total // 2 + total % 2, ke - 1)
            right = total - left
        crop.append(ke - 1 - left)
        out.append((x.shape[1 + a] - 1) * s[a] + 1 + left + right - ke + 1)
    y = np.zeros((x.shape[0], *out, w.shape[-2])) + b
    for i in itertools.product(*(range(n) for n in x.shape[1:-1])):
        for j in itertools.product(*(range(kk) for kk in k)):
            o = tuple(ii * ss + jj * dd - c for ii, ss, jj, dd, c in zip(i, s, j, d, crop))
            if all(0 <= oo < n for oo, n in zip(o, out)):
                y[(slice(None), *o)] += x[(slice(None), *i)] @ w[j].T.astype(np.float64)
    return y


def ref_pool(x, pool, s, padding, mode):
    """Max / average over real cells only (padding never wins and is never counted)."""
    rank = x.ndim - 2
    pads = [same_pads(n, k, st) if padding == "same" else (0, 0) for n, k, st in zip(x.shape[1:-1], pool, s)]
    out = [(n + b + a - k) // st + 1 for n, k, st, (b, a) in zip(x.shape[1:-1], pool, s, pads)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for o in itertools.product(*(range(n) for n in out)):
        sl = tuple(slice(max(oo * st - b, 0), min(oo * st - b + k, n))
                   for oo, st, b, k, n in zip(o, s, (p[0] for p in pads), pool, x.shape[1:-1]))
        win = x[(slice(None), *sl)].reshape(x.shape[0], -1, x.shape[-1]).astype(np.float64)
        y[(slice(None), *o)] = win.max(axis=1) if mode == "max" else win.mean(axis=1)
    assert rank == len(pool)
    return y


def ref_depthwise(x, w, b, s, padding, d):
    rank = w.ndim - 2
    k, (c, m) = w.shape[:rank], w.shape[rank:]
    pads = [same_pads(n, kk, st, dd) if padding == "same" else (0, 0)
            for n, kk, st, dd in zip(x.shape[1:-1], k, s, d)]
    xp = np.pad(x.astype(np.float64), [(0, 0), *pads, (0, 0)])
    out = [(n - (kk - 1) * dd - 1) // st + 1 for n, kk, st, dd in zip(xp.shape[1:-1], k, s, d)]
    y = np.zeros((x.shape[0], *out, c * m))
    for o in itertools.product(*(range(n) for n in out)):
        for ch, mm in itertools.product(range(c), range(m)):
            tot = 0.0
            for j in itertools.product(*(range(kk) for kk in k)):
                idx = tuple(oo * st + jj * dd for oo, st, jj, dd in zip(o, s, j, d))
                tot = tot + xp[(slice(None), *idx, ch)] * w[(*j, ch, mm)]
            y[(slice(None), *o, ch * m + mm)] = tot
    return y + b


# ---------------------------------------------------------------- case grids
def transpose_cases(rng):
    per = {1: 30, 2: 30, 3: 14}
    sizes = {1: (1, 9), 2: (1, 6), 3: (1, 4)}
    for rank, count in per.items():
        for i in range(count):
            padding = ("valid", "same")[i % 2]
            dilated = i % 5 == 4
            k = tuple(int(v) for v in rng.integers(1, 5 if rank < 3 else 4, rank))
            s = (1,) * rank if dilated else tuple(int(v) for v in rng.integers(1, 4 if rank < 3 else 3, rank))
            d = tuple(int(v) for v in rng.integers(1, 4, rank)) if dilated else (1,) * rank
            op = None if i % 3 == 0 else tuple(int(rng.integers(0, st)) for st in s)
            n = tuple(int(v) for v in rng.integers(*sizes[rank], rank))
            c, f = (int(v) for v in rng.integers(1, 4, 2))
            yield dict(layer=CONV_T[rank], rank=rank, n=n, channels=c, filters=f, kernel_size=k, strides=s,
                       padding=padding, output_padding=op, dilation_rate=d, batch=2 if i % 4 == 0 else 1)


def pool_cases(rng):
    per = {1: 14, 2: 14, 3: 9}
    sizes = {1: (2, 12), 2: (2, 8), 3: (2, 6)}
    for mode, (rank, count) in itertools.product(("max", "average"), per.items()):
        for i in range(count):
            padding = ("valid", "same")[i % 2]
            p = tuple(int(v) for v in rng.integers(1, 5 if rank < 3 else 4, rank))
            s = None if i % 3 == 0 else tuple(int(v) for v in rng.integers(1, 4, rank))
            n = tuple(int(v) for v in rng.integers(*sizes[rank], rank))
            if padding == "valid":
                n = tuple(max(nn, pp) for nn, pp in zip(n, p))
            c = int(rng.integers(1, 4))
            name = f"{'Max' if mode == 'max' else 'Average'}Pooling{rank}D"
            yield dict(layer=name, rank=rank, mode=mode, n=n, channels=c, pool_size=p, strides=s, padding=padding,
                       batch=2 if i % 4 == 0 else 1)
    # the uneven 'same' average GUIDE section 3 names: pool 4, stride 1 on [1, 2, 3, 4, 10, 20]
    yield dict(layer="AveragePooling1D", rank=1, mode="average", n=(6,), channels=1, pool_size=(4,), strides=(1,),
               padding="same", batch=1, x=[1, 2, 3, 4, 10, 20])


def global_cases(rng):
    for mode, rank, keep in itertools.product(("max", "average"), (1, 2, 3), (False, True)):
        n = tuple(int(v) for v in rng.integers(1, {1: 10, 2: 6, 3: 4}[rank], rank))
        name = f"Global{'Max' if mode == 'max' else 'Average'}Pooling{rank}D"
        yield dict(layer=name, rank=rank, mode=mode, n=n, channels=int(rng.integers(1, 4)), keepdims=keep,
                   batch=2 if rank != 2 else 1)


def depthwise_cases(rng, separable):
    for rank, count in ((1, 22), (2, 22)):
        for i in range(count):
            padding = ("valid", "same")[i % 2]
            k = tuple(int(v) for v in rng.integers(1, 5, rank))
            s = tuple(int(v) for v in rng.integers(1, 4, rank)) if i % 3 != 2 else (1,) * rank
            d = tuple(int(v) for v in rng.integers(1, 3, rank)) if i % 3 != 0 else (1,) * rank
            n = tuple(int(v) for v in rng.integers(2, 11 if rank == 1 else 8, rank))
            if padding == "valid":
                n = tuple(max(nn, (kk - 1) * dd + 1 + i % 2) for nn, kk, dd in zip(n, k, d))
            c, m = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            case = dict(rank=rank, n=n, channels=c, depth_multiplier=m, kernel_size=k, strides=s, padding=padding,
                        dilation_rate=d, batch=2 if i % 4 == 0 else 1)
            if separable:
                case.update(layer=f"SeparableConv{rank}D", filters=int(rng.integers(1, 5)))
            else:
                case.update(layer=f"DepthwiseConv{rank}D")
            yield case


# GUIDE section 3: the oneDNN bug's own case, as case 0 (run_case stops if Keras differs from numpy).
SELF_CHECK = dict(layer="DepthwiseConv2D", rank=2, n=(6, 2), channels=1, depth_multiplier=1, kernel_size=(3, 4),
                  strides=(1, 2), padding="same", dilation_rate=(1, 1), batch=2, self_check="mkldnn")


# ---------------------------------------------------------------- running Keras
def build(case):
    rank, kw = case["rank"], {}
    name = case["layer"]
    if name.startswith("Conv"):
        return getattr(L, name)(case["filters"], case["kernel_size"], strides=case["strides"],
                                padding=case["padding"], output_padding=case["output_padding"],
                                dilation_rate=case["dilation_rate"])
    if name.startswith("Global"):
        return getattr(L, name)(keepdims=case["keepdims"])
    if "Pooling" in name:
        return getattr(L, name)(case["pool_size"], strides=case["strides"], padding=case["padding"])
    kw = dict(strides=case["strides"], padding=case["padding"], dilation_rate=case["dilation_rate"],
              depth_multiplier=case["depth_multiplier"])
    if name.startswith("Separable"):
        return getattr(L, name)(case["filters"], case["kernel_size"], **kw)
    assert rank in (1, 2)
    return getattr(L, name)(case["kernel_size"], **kw)


def weights_for(case, rng):
    """Keras-layout weights (float32) for the case, in the layer's get_weights() order."""
    k, c, name = case["kernel_size"] if "kernel_size" in case else None, case["channels"], case["layer"]
    if name.startswith("Conv"):
        f = case["filters"]
        return [rng.standard_normal((*k, f, c)) * 0.5, rng.uniform(-1, 1, f)]
    if name.startswith("Depthwise"):
        cm = c * case["depth_multiplier"]
        return [rng.standard_normal((*k, c, case["depth_multiplier"])) * 0.5, rng.uniform(-1, 1, cm)]
    if name.startswith("Separable"):
        m, f = case["depth_multiplier"], case["filters"]
        return [rng.standard_normal((*k, c, m)) * 0.5, rng.standard_normal((*(1,) * case["rank"], c * m, f)) * 0.5,
                rng.uniform(-1, 1, f)]
    return []


def reference(case, x, w):
    name = case["layer"]
    if name.startswith("Conv"):
        return ref_transpose(x, w[0], w[1], case["strides"], case["padding"], case["output_padding"],
                             case["dilation_rate"])
    if name.startswith("Global"):
        axes = tuple(range(1, case["rank"] + 1))
        fn = np.max if case["mode"] == "max" else np.mean
        return fn(x.astype(np.float64), axis=axes, keepdims=case["keepdims"])
    if "Pooling" in name:
        return ref_pool(x, case["pool_size"], case["strides"] or case["pool_size"], case["padding"], case["mode"])
    if name.startswith("Depthwise"):
        return ref_depthwise(x, w[0], w[1], case["strides"], case["padding"], case["dilation_rate"])
    rank = case["rank"]
    mid = ref_depthwise(x, w[0], 0.0, case["strides"], case["padding"], case["dilation_rate"])
    return np.tensordot(mid, w[1].reshape(w[1].shape[rank:]), axes=([rank + 1], [0])) + w[2]


def uneven_same(case):
    return case["mode"] == "average" and case["padding"] == "same" and any(
        b != a for b, a in (same_pads(n, p, s) for n, p, s in
                            zip(case["n"], case["pool_size"], case["strides"] or case["pool_size"])))


def zero_pad_ratio(case, x):
    """'same' average pooling with padded cells left out, from layers Keras gets right."""
    rank, p = case["rank"], case["pool_size"]
    s = case["strides"] or p
    pads = tuple(same_pads(n, k, st) for n, k, st in zip(case["n"], p, s))
    zp = getattr(L, f"ZeroPadding{rank}D")(pads[0] if rank == 1 else pads)
    avg = getattr(L, f"AveragePooling{rank}D")(p, strides=s, padding="valid")
    sums = to_numpy(avg(zp(x)))
    counts = to_numpy(avg(zp(np.ones_like(x))))
    return (sums / counts).astype(np.float32)


def run_case(case, rng, idx):
    """Return (record, arrays) for one case."""
    case = {k: v for k, v in case.items()}
    in_shape = (case["batch"], *case["n"], case["channels"])
    x = (np.asarray(case.pop("x"), np.float32).reshape(in_shape) if "x" in case
         else rng.standard_normal(in_shape).astype(np.float32))
    layer = build(case)
    static = tuple(layer.compute_output_shape(in_shape))
    if 0 in static:
        return None, {"empty": static}   # Keras returns an empty tensor; convfig refuses (see empty_outputs)
    layer.build(in_shape)
    w = [a.astype(np.float32) for a in weights_for(case, rng)]
    if w:
        layer.set_weights(w)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = to_numpy(layer(x))
    if tuple(y.shape) != static:
        raise SystemExit(f"case {idx}: compute_output_shape {static} != actual {y.shape}")
    ref = reference(case, x, w)
    source, note = "keras", None
    if "Pooling" in case["layer"] and not case["layer"].startswith("Global") and uneven_same(case):
        right = zero_pad_ratio(case, x)
        note = float(np.abs(right - y).max())
        y, source = right, "zero_pad_ratio"
    err = float(np.abs(ref - y).max()) if ref.shape == y.shape else float("inf")
    if err > 1e-4:
        raise SystemExit(f"case {idx} {case}: Keras ({source}) differs from the numpy reference by {err:.3g}")
    short = {"Con": "tr", "Max": "maxpool", "Ave": "avgpool", "Glo": "global", "Dep": "dw", "Sep": "sep"}
    cid = f"{short[case['layer'][:3]]}{case['rank']}d_{idx:03d}"
    if case["layer"].startswith("Global"):
        cid = f"{'gmax' if case['mode'] == 'max' else 'gavg'}{case['rank']}d_{idx:03d}"
    record = dict(id=cid, **{k: list(v) if isinstance(v, tuple) else v for k, v in case.items()},
                  input_shape=list(in_shape), output_shape=list(y.shape), params=int(layer.count_params()),
                  source=source, weights=len(w))
    if note is not None:
        record["keras_torch_error"] = note
    kept = sorted({str(c.message)[:200] for c in caught if "__array__" not in str(c.message)})
    if kept:
        record["warnings"] = kept
    arrays = {f"{cid}_x": x, f"{cid}_y": y}
    arrays.update({f"{cid}_w{i}": a for i, a in enumerate(w)})
    return record, arrays


# ---------------------------------------------------------------- refusals
# (rule, layer, constructor kwargs, input shape incl. batch)
REFUSED = [
    ("strides_with_dilation", "Conv1DTranspose", dict(filters=2, kernel_size=3, strides=2, dilation_rate=2), (1, 5, 1)),
    ("strides_with_dilation", "Conv2DTranspose", dict(filters=1, kernel_size=2, strides=(1, 2), dilation_rate=(2, 1)),
     (1, 4, 4, 2)),
    ("output_padding_ge_strides", "Conv1DTranspose", dict(filters=2, kernel_size=3, strides=2, output_padding=2),
     (1, 5, 1)),
    ("output_padding_ge_strides", "Conv2DTranspose",
     dict(filters=1, kernel_size=3, strides=(2, 1), output_padding=(1, 1), padding="same"), (1, 4, 4, 1)),
    ("output_padding_ge_strides", "Conv3DTranspose", dict(filters=1, kernel_size=2, strides=1, output_padding=1),
     (1, 3, 3, 3, 1)),
    ("transpose_padding_name", "Conv1DTranspose", dict(filters=1, kernel_size=3, padding="causal"), (1, 5, 1)),
    ("pool_padding_name", "MaxPooling1D", dict(pool_size=2, padding="causal"), (1, 5, 1)),
    ("pool_padding_name", "AveragePooling2D", dict(pool_size=2, padding="full"), (1, 5, 5, 1)),
    ("pool_too_large", "MaxPooling1D", dict(pool_size=3, strides=2), (1, 2, 1)),
    ("pool_too_large", "AveragePooling2D", dict(pool_size=(2, 5)), (1, 4, 4, 1)),
    ("pool_too_large", "MaxPooling3D", dict(pool_size=3, strides=1), (1, 4, 2, 4, 1)),
    ("pool_size_zero", "MaxPooling2D", dict(pool_size=(0, 2)), (1, 4, 4, 1)),
    ("pool_strides_zero", "MaxPooling1D", dict(pool_size=2, strides=0), (1, 5, 1)),
    ("pool_size_rank", "AveragePooling2D", dict(pool_size=(2, 2, 2)), (1, 5, 5, 1)),
    ("depthwise_padding_name", "DepthwiseConv1D", dict(kernel_size=3, padding="causal"), (1, 9, 2)),
    ("depthwise_padding_name", "SeparableConv1D", dict(filters=2, kernel_size=3, padding="causal"), (1, 9, 2)),
    ("depth_multiplier_zero", "DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=0), (1, 5, 5, 2)),
    ("kernel_too_large", "DepthwiseConv1D", dict(kernel_size=5), (1, 3, 2)),
    ("kernel_too_large", "DepthwiseConv2D", dict(kernel_size=3, dilation_rate=2), (1, 4, 6, 1)),
    ("kernel_too_large", "SeparableConv2D", dict(filters=2, kernel_size=5), (1, 3, 3, 2)),
    ("kernel_too_large", "SeparableConv1D", dict(filters=2, kernel_size=2, dilation_rate=3), (1, 3, 2)),
]


def refused_cases():
    out = []
    for idx, (rule, name, kw, in_shape) in enumerate(REFUSED):
        stage, exc = keras_refusal(lambda: getattr(L, name)(**kw), in_shape, f"{rule} #{idx}")  # noqa: B023
        out.append(dict(id=f"refused{idx:02d}_{rule}", rule=rule, layer=name, kwargs=kw, input_shape=list(in_shape),
                        stage=stage, exception=type(exc).__name__, message=str(exc)[:400]))
    # what Keras accepts although Conv refuses it: depthwise/separable with strides > 1 and dilation > 1
    for name, kw, in_shape in (("DepthwiseConv1D", dict(kernel_size=3, strides=2, dilation_rate=2), (1, 9, 2)),
                               ("SeparableConv2D", dict(filters=2, kernel_size=2, strides=2, dilation_rate=2),
                                (1, 7, 7, 1))):
        getattr(L, name)(**kw)(np.zeros(in_shape, np.float32))
    return out


def all_cases(rng):
    yield SELF_CHECK
    yield from transpose_cases(rng)
    yield from pool_cases(rng)
    yield from global_cases(rng)
    yield from depthwise_cases(rng, separable=False)
    yield from depthwise_cases(rng, separable=True)


def check_saved():
    """Recompute every saved case with this backend (e.g. KERAS_BACKEND=jax) and compare."""
    doc = json.loads((HERE / "layers.json").read_text())
    worst = 0.0
    with np.load(HERE / "layers.npz") as npz:
        for case in doc["cases"]:
            cid = case["id"]
            c = {k: tuple(v) if isinstance(v, list) and k not in ("input_shape", "output_shape") else v
                 for k, v in case.items()}
            layer = build(c)
            layer.build(tuple(case["input_shape"]))
            w = [npz[f"{cid}_w{i}"] for i in range(case["weights"])]
            if w:
                layer.set_weights(w)
            y = to_numpy(layer(npz[f"{cid}_x"]))
            err = float(np.abs(y - npz[f"{cid}_y"]).max())
            worst = max(worst, err)
            if err > 1e-4:
                print(f"{cid} ({case['source']}): {keras.backend.backend()} differs by {err:.3g}")
    print(f"{len(doc['cases'])} cases rechecked with Keras on {keras.backend.backend()}: worst {worst:.3g}")


def main():
    disable_onednn()
    if "--check" in sys.argv:
        check_saved()
        return
    if keras.backend.backend() != "torch":
        raise SystemExit("set KERAS_BACKEND=torch")
    keras.utils.set_random_seed(SEED)
    rng = np.random.default_rng(SEED)
    cases, arrays, empty = [], {}, []
    for idx, case in enumerate(all_cases(rng)):
        rec, arr = run_case(case, rng, idx)
        if rec is None:
            empty.append({k: v for k, v in case.items()} | {"output_shape": list(arr["empty"])})
            continue
        cases.append(rec)
        arrays.update(arr)
    doc = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "seed": SEED,
           "mkldnn": False, "cases": cases, "refused": refused_cases(), "empty_outputs": empty}
    (HERE / "layers.json").write_text(json.dumps(doc, indent=None, separators=(",", ":")).replace("},{", "},\n{")
                                      + "\n")
    write_npz(HERE / "layers.npz", arrays)
    counts = {}
    for c in cases:
        counts[c["layer"]] = counts.get(c["layer"], 0) + 1
    print(f"{len(cases)} cases, {len(doc['refused'])} refused, {len(empty)} empty outputs, Keras {keras.__version__}")
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    print(f"{sum(c['source'] == 'zero_pad_ratio' for c in cases)} uneven 'same' average cases built from "
          f"ZeroPadding + valid AveragePooling (torch error up to "
          f"{max(c.get('keras_torch_error', 0) for c in cases):.3g})")


if __name__ == "__main__":
    main()
