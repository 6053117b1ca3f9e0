"""One parser and one table: the CLI's flags and defaults, the registry's defaults and the site's
commands all come from convfig.params.PARAMS, and a figure's CLI command gives back the same figure."""

from __future__ import annotations

import pytest

from convfig.cli import build_parser
from convfig.cli.args import raw_params
from convfig.cli.gif import KEYS as GIF_KEYS
from convfig.params import CONV_KEYS, PARAMS, ParamError, cli_words, gif_kind, parse
from convfig.render.registry import CONV_DEFAULTS, make_spec


def _flags(command: str) -> set[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return {s for a in sub.choices[command]._actions for s in a.option_strings}


def test_cli_flags_come_from_the_table():
    assert {PARAMS[k].flag for k in CONV_KEYS} <= _flags("shape")
    assert {PARAMS[k].flag for k in GIF_KEYS} <= _flags("gif")
    assert CONV_DEFAULTS == {k: PARAMS[k].default for k in CONV_DEFAULTS}


@pytest.mark.parametrize("kind, params", [
    ("conv2d", {"input": "5x7", "kernel": "2x3", "strides": "1x2", "padding": "same", "seed": 3}),
    ("conv1d", {"input": "9", "kernel": 3, "dilation": 2, "padding": "causal", "fps": 5}),
    ("conv3d", {"input": "4x4x4", "kernel": 2}),
    ("channels", {"input": "4x4", "channels": 2, "filters": 3, "groups": 1, "padding": 1}),
])
def test_a_figures_cli_command_gives_the_same_figure(kind, params):
    spec = make_spec(kind, params)
    words = cli_words({k: v for k, v in spec.params.items()})
    assert words is not None
    args = build_parser().parse_args(["gif", *words, "-o", "x.gif"])
    raw = raw_params(args, GIF_KEYS)
    parsed = parse({k: raw[k] for k in CONV_KEYS})
    assert gif_kind(len(parsed["input"]), parsed["channels"], parsed["filters"]) == kind
    assert make_spec(kind, raw).params == spec.params


def test_same_rule_two_spellings():
    with pytest.raises(ParamError) as info:
        make_spec("conv2d", {"kernel": "3x3x3"})
    assert str(info.value) == "kernel '3x3x3' gives 3 values but input has 2 axes (give one integer or 2 joined by 'x')"
    assert info.value.for_cli().startswith("--kernel '3x3x3' gives 3 values but --input has 2 axes")
