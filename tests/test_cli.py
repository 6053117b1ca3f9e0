"""`convfig shape`: table, JSON, and one-line errors with exit code 2."""

import json
import subprocess
import sys

import pytest

from convfig.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_shape_table(capsys):
    code, out, err = run(capsys, "shape", "--input", "7x7", "--channels", "3", "--filters", "4", "--kernel", "3",
                         "--strides", "2", "--padding", "same")
    assert code == 0 and err == ""
    assert "(4, 4, 4)" in out and "112" in out and "1 before / 1 after" in out
    assert "keras.layers.Conv2D(filters=4, kernel_size=3, strides=2, padding='same')" in out


def test_shape_json_asymmetric_same(capsys):
    code, out, _ = run(capsys, "shape", "--input", "6", "--kernel", "3", "--strides", "2", "--padding", "same",
                       "--filters", "2", "--json")
    assert code == 0
    assert json.loads(out) == {"output_shape": [3, 2], "padding": [[0, 1]], "params": 8}


def test_shape_per_axis_and_int_padding(capsys):
    code, out, _ = run(capsys, "shape", "--input", "5x6", "--kernel", "3x1", "--padding", "1", "--json")
    assert code == 0
    assert json.loads(out)["output_shape"] == [5, 8, 1]


BAD = [
    (["shape", "--input", "5x5"], r"required: --kernel"),
    (["shape", "--kernel", "3"], r"required: --input"),
    (["shape", "--input", "5xa", "--kernel", "3"], r"--input '5xa': expected positive integers"),
    (["shape", "--input", "0x5", "--kernel", "3"], r"--input '0x5': expected 1 to 3 positive"),
    (["shape", "--input", "2x2x2x2", "--kernel", "1"], r"--input '2x2x2x2'"),
    (["shape", "--input", "5x5", "--kernel", "3x3x3"], r"--kernel '3x3x3' gives 3 values but --input has 2"),
    (["shape", "--input", "5x5", "--kernel", "0"], r"--kernel '0'"),
    (["shape", "--input", "5x5", "--kernel", "9"], r"kernel_size 9 is larger than the padded input 5"),
    (["shape", "--input", "5x5", "--kernel", "3", "--strides", "0"], r"--strides '0'"),
    (["shape", "--input", "5x5", "--kernel", "3", "--strides", "2x2x2"], r"--strides '2x2x2' gives 3 values"),
    (["shape", "--input", "5x5", "--kernel", "3", "--padding", "sideways"], r"--padding 'sideways': use valid"),
    (["shape", "--input", "5x5", "--kernel", "3", "--padding", "-1"], r"--padding -1: an explicit padding"),
    (["shape", "--input", "5x5", "--kernel", "3", "--padding", "causal"], r"Keras refuses it for Conv2D"),
    (["shape", "--input", "9", "--kernel", "3", "--strides", "2", "--dilation", "2"], r"Keras refuses"),
    (["shape", "--input", "9", "--kernel", "3", "--dilation", "x"], r"--dilation 'x'"),
    (["shape", "--input", "9", "--kernel", "3", "--channels", "three"], r"--channels: invalid int value"),
    (["shape", "--input", "9", "--kernel", "3", "--channels", "0"], r"channels must be an integer >= 1"),
    (["shape", "--input", "9", "--kernel", "3", "--filters", "-2"], r"filters must be an integer >= 1"),
    (["shape", "--input", "9", "--kernel", "3", "--channels", "3", "--groups", "2"],
     r"channels 3 must be divisible by groups 2"),
    (["shape", "--input", "9", "--kernel", "3", "--channels", "4", "--filters", "3", "--groups", "2"],
     r"filters 3 must be divisible by groups 2"),
    (["shape", "--input", "9", "--kernel", "3", "--bogus"], r"unrecognized arguments: --bogus"),
    (["nonsense"], r"invalid choice: 'nonsense'"),
    ([], r"required: COMMAND"),
]


@pytest.mark.parametrize("argv,message", BAD)
def test_bad_cli_input(capsys, argv, message):
    import re
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(message, err), err


def test_module_entry_point_same_as_command():
    proc = subprocess.run([sys.executable, "-m", "convfig", "shape", "--input", "5", "--kernel", "9"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "kernel_size 9" in proc.stderr
    ok = subprocess.run([sys.executable, "-m", "convfig", "shape", "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "--padding" in ok.stdout and "Keras" in ok.stdout
