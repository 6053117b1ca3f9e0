"""Bad input through the API: ConvfigError naming the parameter and the rule."""

import numpy as np
import pytest

import convfig
from convfig import ConvfigError, ConvSpec

BAD_SPECS = [
    (dict(input_shape=(5, 5), kernel_size=0), r"kernel_size must be integers >= 1"),
    (dict(input_shape=(5, 5), kernel_size=(3, 3, 3)), r"kernel_size .* has 3 values .* 2 spatial axes"),
    (dict(input_shape=(5, 5), kernel_size=3, strides=0), r"strides must be integers >= 1"),
    (dict(input_shape=(5, 5), kernel_size=3, strides=(1, 2, 3)), r"strides .* has 3 values"),
    (dict(input_shape=(5, 5), kernel_size=3, dilation_rate=-1), r"dilation_rate must be integers >= 1"),
    (dict(input_shape=(9,), kernel_size=3, strides=2, dilation_rate=2), r"strides .* dilation_rate .*Keras refuses"),
    (dict(input_shape=(5, 5), kernel_size=3, padding="causal"), r"causal.*Conv1D.*Keras refuses it for Conv2D"),
    (dict(input_shape=(4, 4, 4), kernel_size=3, padding="causal"), r"Keras refuses it for Conv3D"),
    (dict(input_shape=(5,), kernel_size=3, padding="sam"), r"padding must be one of 'valid', 'same'"),
    (dict(input_shape=(5,), kernel_size=3, padding=-1), r"padding must be >= 0"),
    (dict(input_shape=(5, 5), kernel_size=3, padding=(1, 2, 3)), r"padding .* has 3 entries .* 2 spatial axes"),
    (dict(input_shape=(5, 5), kernel_size=3, padding=((1, 2, 3), 1)), r"padding entries must be ints >= 0"),
    (dict(input_shape=(5, 5), kernel_size=3, padding=1.5), r"padding must be a name, an int"),
    (dict(input_shape=(7,), kernel_size=5, dilation_rate=2), r"kernel_size 5 \(dilated 9\) is larger than the "
                                                             r"padded input 7 on axis 0 with padding='valid'"),
    (dict(input_shape=(5, 2), kernel_size=3), r"kernel_size 3 is larger than the padded input 2 on axis 1"),
    (dict(input_shape=(5, 5), kernel_size=3, channels=3, groups=2), r"channels 3 must be divisible by groups 2"),
    (dict(input_shape=(5, 5), kernel_size=3, channels=4, filters=3, groups=2),
     r"filters 3 must be divisible by groups 2 \(Keras refuses"),
    (dict(input_shape=(5, 5), kernel_size=3, filters=0), r"filters must be an integer >= 1"),
    (dict(input_shape=(5, 5), kernel_size=3, channels=0), r"channels must be an integer >= 1"),
    (dict(input_shape=(5, 5), kernel_size=3, groups=0), r"groups must be an integer >= 1"),
    (dict(input_shape=(2, 2, 2, 2), kernel_size=1), r"must have 1, 2 or 3 spatial axes"),
    (dict(input_shape=(0, 5), kernel_size=1), r"input_shape must be integers >= 1"),
    (dict(input_shape=(5, 5), kernel_size="3"), r"kernel_size must be integers >= 1"),
    (dict(input_shape=None, kernel_size=3), r"input_shape must be a tuple"),
]


@pytest.mark.parametrize("kwargs,message", BAD_SPECS)
def test_bad_spec(kwargs, message):
    with pytest.raises(ConvfigError, match=message):
        ConvSpec.make(**kwargs)


def test_is_value_error():
    assert issubclass(ConvfigError, ValueError)


@pytest.mark.parametrize("x,kernel,bias,kwargs,message", [
    (np.ones((5, 5, 1)), np.ones((3, 3)), None, {}, r"kernel must have shape"),
    (np.ones((5, 1)), np.ones((3, 3, 1, 1)), None, {}, r"x must be one sample .* 2 spatial axes"),
    (np.ones((5, 5, 3)), np.ones((3, 3, 2, 4)), None, {}, r"kernel has 2 input channels per group but x has 3"),
    (np.ones((5, 5, 1)), np.ones((3, 3, 1, 4)), np.ones(3), {}, r"bias must have shape \(filters,\) = \(4,\)"),
    (np.ones((5, 5, 4)), np.ones((3, 3, 2, 3)), None, dict(groups=2), r"filters 3 must be divisible by groups 2"),
    (np.ones((5, 5, 1)), np.ones((3, 3, 1, 1)), None, dict(groups=1.5), r"groups must be an integer"),
    (np.ones((5, 5, 1)), np.ones((3, 3, 1, 1)), None, dict(padding="causal"), r"Keras refuses it for Conv2D"),
])
def test_bad_arrays(x, kernel, bias, kwargs, message):
    with pytest.raises(ConvfigError, match=message):
        convfig.conv(x, kernel, bias, **kwargs)


def test_trace_refuses_batch():
    with pytest.raises(ConvfigError, match=r"trace takes one sample"):
        convfig.trace(np.ones((2, 5, 1)), np.ones((3, 1, 1)))


def test_output_shape_needs_channels():
    with pytest.raises(ConvfigError, match=r"input_shape must be \(\*spatial, channels\)"):
        convfig.output_shape((5,), 3, filters=1)
