"""`convfig shape --layer ...`: every layer's JSON equals the engine's own shape/params functions; wrong flags
for a layer are refused by name with exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import convfig
from convfig.cli import main


def shape_json(capsys, *argv):
    code = main(["shape", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("argv, want_shape, want_params", [
    (["--layer", "conv-transpose", "--input", "3x4", "--channels", "2", "--filters", "5", "--kernel", "3x2",
      "--strides", "2", "--padding", "same", "--output-padding", "1x0"],
     lambda: convfig.transpose_output_shape((3, 4, 2), (3, 2), filters=5, strides=2, padding="same",
                                            output_padding=(1, 0)),
     lambda: convfig.transpose_params((3, 2), 2, 5)),
    (["--layer", "conv-transpose", "--input", "3", "--kernel", "3", "--strides", "2", "--padding", "1"],
     lambda: convfig.transpose_output_shape((3, 1), 3, filters=1, strides=2, padding=1),
     lambda: convfig.transpose_params(3, 1, 1)),
    (["--layer", "max-pool", "--input", "7x6", "--channels", "3", "--pool", "3", "--strides", "2", "--padding",
      "same"], lambda: convfig.pool_output_shape((7, 6, 3), 3, strides=2, padding="same"), lambda: 0),
    (["--layer", "average-pool", "--input", "5x5x4"],
     lambda: convfig.pool_output_shape((5, 5, 4, 1), 2), lambda: 0),
    (["--layer", "depthwise", "--input", "9x8", "--channels", "3", "--kernel", "3", "--depth-multiplier", "2",
      "--strides", "2", "--padding", "same"],
     lambda: convfig.depthwise_output_shape((9, 8, 3), 3, depth_multiplier=2, strides=2, padding="same"),
     lambda: convfig.depthwise_params((3, 3), 3, 2)),
    (["--layer", "separable", "--input", "10", "--channels", "4", "--filters", "6", "--kernel", "3",
      "--dilation", "2"],
     lambda: convfig.separable_output_shape((10, 4), 3, filters=6, dilation_rate=2),
     lambda: convfig.separable_params(3, 4, 6)),
])
def test_layer_json_is_the_engines(capsys, argv, want_shape, want_params):
    got = shape_json(capsys, *argv)
    assert got["output_shape"] == list(want_shape())
    assert got["params"] == want_params()
    assert set(got) == {"output_shape", "padding", "params"}


def test_pool_strides_default_to_the_pool(capsys):
    assert shape_json(capsys, "--layer", "max-pool", "--input", "8x8", "--pool", "4")["output_shape"] == [2, 2, 1]


def test_transpose_padding_is_around_the_zero_inserted_input(capsys):
    spec = convfig.TransposeSpec.make((3, 3), 3, strides=2, padding="same")
    got = shape_json(capsys, "--layer", "conv-transpose", "--input", "3x3", "--kernel", "3", "--strides", "2",
                     "--padding", "same")
    assert got["padding"] == [list(p) for p in spec.pads]


def test_table_names_the_keras_layer(capsys):
    assert main(["shape", "--layer", "separable", "--input", "7x7", "--channels", "32", "--filters", "64",
                 "--kernel", "3"]) == 0
    out = capsys.readouterr().out
    assert "keras.layers.SeparableConv2D(filters=64, kernel_size=3)" in out
    assert f"{convfig.separable_params((3, 3), 32, 64):,}" in out and "18,496" in out     # vs. ordinary Conv2D


@pytest.mark.parametrize("argv, message", [
    (["--layer", "max-pool", "--input", "7x7", "--kernel", "3"], "--kernel is not a parameter of --layer max-pool"),
    (["--layer", "conv", "--input", "7x7", "--kernel", "3", "--pool", "2"], "--pool is not a parameter"),
    (["--layer", "depthwise", "--input", "7x7"], "required: --kernel"),
    (["--layer", "conv-transpose", "--input", "3", "--kernel", "3", "--strides", "2", "--output-padding", "2"],
     "output_padding .* must be smaller than strides"),
    (["--layer", "max-pool", "--input", "7", "--padding", "causal"], "padding must be 'valid' or 'same'"),
    (["--layer", "depthwise", "--input", "4x4x4", "--kernel", "3"], "DepthwiseConv1D/2D"),
    (["--layer", "pooling", "--input", "7"], "invalid choice: 'pooling'"),
])
def test_bad_layer_flags(capsys, argv, message):
    import re
    code = main(["shape", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert re.search(message, err), err


@pytest.mark.parametrize("argv, kind, frames", [
    (["--layer", "conv-transpose", "--input", "2x3", "--kernel", "3", "--strides", "2"], "transpose-conv",
     lambda: int(np.prod(convfig.transpose_output_shape((2, 3, 1), 3, filters=1, strides=2)[:2]))),
    (["--layer", "conv-transpose", "--view", "stamps", "--input", "2x3", "--kernel", "3", "--strides", "2"],
     "transpose-stamps", lambda: 6),
    (["--layer", "average-pool", "--input", "5x4", "--pool", "2", "--padding", "same"], "pool",
     lambda: int(np.prod(convfig.pool_output_shape((5, 4, 1), 2, padding="same")[:2]))),
    (["--layer", "separable", "--input", "4x4", "--kernel", "3", "--channels", "2", "--filters", "2"], "separable",
     lambda: int(np.prod(convfig.separable_output_shape((4, 4, 2), 3, filters=2)[:2]))),
    (["--layer", "depthwise", "--input", "5x4", "--kernel", "2", "--channels", "2", "--padding", "same", "--fps",
      "3"], "depthwise", lambda: int(np.prod(convfig.depthwise_output_shape((5, 4, 2), 2, padding="same")[:2]))),
])
def test_gif_draws_each_layer(capsys, tmp_path, argv, kind, frames):
    out = tmp_path / "x.gif"
    assert main(["gif", *argv, "-o", str(out), "--alt"]) == 0, capsys.readouterr().err
    text = capsys.readouterr().out
    with Image.open(out) as im:
        assert getattr(im, "n_frames", 1) == frames() and im.width >= 400
    assert f"({frames()} frame" in text


def test_gif_refuses_a_flag_of_another_layer(capsys, tmp_path):
    code = main(["gif", "--layer", "max-pool", "--input", "4x4", "--depth-multiplier", "2", "-o",
                 str(tmp_path / "x.gif")])
    err = capsys.readouterr().err
    assert code == 2 and "--depth-multiplier is not a parameter of --layer max-pool" in err


@pytest.mark.parametrize("n, k, s, p, op", [(3, 3, 2, 1, 1), (2, 2, 3, 1, None), (6, 4, 1, 2, None),
                                         (2, 3, 2, 0, None)])
def test_pytorch_padding_is_keras_valid_then_cropping(n, k, s, p, op):
    """The Keras call printed for PyTorch's ConvTranspose padding gives the layer's shape: valid (with the
    output_padding it names), then Cropping2D of p per side."""
    from convfig.layers import parse_layer, summary

    got = summary("conv-transpose", parse_layer("conv-transpose", {"input": f"{n}x{n}", "kernel": k, "strides": s,
                                                                  "padding": p, "output_padding": op}))
    call = got.keras
    named_op = int(call.split("output_padding=")[1][0]) if "output_padding=" in call else None
    valid = convfig.transpose_output_shape((n, n, 1), k, filters=1, strides=s, output_padding=named_op)
    crop = int(call.split("cropping=")[1][0]) if "Cropping2D" in call else 0
    assert ("Cropping2D" in call) == (p > 0)
    assert tuple(v - 2 * crop for v in valid[:2]) + (1,) == got.output_shape


@pytest.mark.parametrize("kind, params", [
    ("transpose-conv", {"input": "3x3", "kernel": 3, "strides": 2, "padding": 1, "output_padding": 1}),
    ("transpose-conv", {"input": "2x3", "kernel": "3x2", "strides": "2x1", "seed": 4}),
    ("transpose-stamps", {"input": "2x3", "strides": 2, "padding": "same", "fps": 3}),
    ("pool", {"input": "5x6", "pool": 3, "strides": 2, "padding": "same", "mode": "average"}),
    ("pool", {"input": "6x6"}),
    ("depthwise", {}),
    ("depthwise", {"input": "5x4", "channels": 2, "kernel": "2x3", "depth_multiplier": 2, "padding": "same",
                   "seed": 3, "fps": 4}),
    ("separable", {}),
    ("separable", {"input": "5x5", "channels": 1, "filters": 2, "strides": 2, "padding": "same"}),
])
def test_a_layer_figures_gif_command_gives_the_same_figure(kind, params):
    from convfig.cli import build_parser
    from convfig.cli.shape import layer_params
    from convfig.layers import LAYER_KEYS
    from convfig.render.registry import figure_for, gif_words, make_spec

    spec = make_spec(kind, params)
    words = gif_words(kind, spec.params)
    assert words is not None
    args = build_parser().parse_args(["gif", *words, "-o", "x.gif"])
    layer, _ = layer_params(args)
    got_kind, raw = figure_for(layer, {k: getattr(args, k, None) for k in (*LAYER_KEYS[layer], "seed", "fps")},
                               args.view)
    assert got_kind == kind and make_spec(got_kind, raw).params == spec.params


def test_gallery_cards_give_the_layer_command():
    from convfig.mkdocs.html import FigureFiles, cli_command
    from convfig.render.registry import make_spec

    spec = make_spec("pool", {"input": "5x5", "padding": "same", "mode": "average"})
    files = FigureFiles(spec.name, "pool", True, 500, 300, {}, [], 9,
                        {"light": "figures/p.gif", "dark": "figures/d.gif"}, {}, {}, {}, params=spec.params)
    assert cli_command(files) == "convfig gif --layer average-pool --input 5x5 --padding same -o p.gif"
    assert cli_command(files, "dark").endswith("--theme dark -o d.gif")
