"""Keras' own numbers for the layer-chain figure (convfig/render/kinds/layer_chain.py).

Run from the repository root, with Keras in its own venv (see make_golden.py):

    KERAS_BACKEND=torch /path/to/kvenv/bin/python tests/golden/make_golden_chain.py

Builds the figure's two-layer model (Conv2D(2, 3, relu) then Conv2D(1, 3, relu) on a 7x7x1 input) in
Keras, loads the figure's weights and biases, and writes tests/golden/chain.json: every layer's output
shape and parameter count from model.summary()'s sources, and both layers' outputs on the figure's
input. tests/test_layer_chain.py compares the figure with it using numpy alone.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from convfig.render.kinds.layer_chain import numbers  # noqa: E402


def main() -> None:
    try:
        import torch

        torch.backends.mkldnn.enabled = False      # GUIDE §3: oneDNN gives wrong numbers for some cases
    except ImportError:
        pass
    n = numbers()
    inputs = keras.Input(shape=(7, 7, 1))
    l1 = keras.layers.Conv2D(2, 3, activation="relu")
    l2 = keras.layers.Conv2D(1, 3, activation="relu")
    h = l1(inputs)
    y = l2(h)
    model = keras.Model(inputs, [h, y])
    l1.set_weights([n["k1"].astype("float32"), n["b1"].astype("float32")])
    l2.set_weights([n["k2"].astype("float32"), n["b2"].astype("float32")])
    a1, a2 = model.predict(n["x"][None].astype("float32"), verbose=0)
    out = {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "shapes": [list(l1.output.shape[1:]), list(l2.output.shape[1:])],
        "params": [l1.count_params(), l2.count_params()],
        "a1": np.asarray(a1[0]).tolist(),
        "a2": np.asarray(a2[0]).tolist(),
    }
    (HERE / "chain.json").write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", HERE / "chain.json", out["shapes"], out["params"])


if __name__ == "__main__":
    main()
