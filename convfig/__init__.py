"""convfig: Keras-exact convolutions in 1D, 2D and 3D, and computed figures that explain them.

>>> import convfig
>>> convfig.output_shape((5, 5, 3), 3, filters=4, strides=2, padding="same")
(3, 3, 4)
"""

from convfig import arithmetic
from convfig.compute import Step, Trace, conv, example, output_shape, trace, trace_example
from convfig.depthwise import (
    DepthwiseSpec,
    DepthwiseStep,
    DepthwiseTrace,
    SeparableTrace,
    depthwise_conv,
    depthwise_output_shape,
    depthwise_params,
    depthwise_trace,
    separable_conv,
    separable_output_shape,
    separable_params,
    separable_trace,
)
from convfig.errors import ConvfigError
from convfig.pooling import (
    PoolSpec,
    PoolStep,
    PoolTrace,
    global_pool,
    global_pool_output_shape,
    pool,
    pool_output_shape,
    pool_params,
    pool_trace,
)
from convfig.spec import ConvSpec
from convfig.transpose import (
    Scatter,
    TransposeSpec,
    TransposeTrace,
    conv_transpose,
    transpose_output_shape,
    transpose_params,
    transpose_trace,
)

__all__ = ["ConvSpec", "ConvfigError", "DepthwiseSpec", "DepthwiseStep", "DepthwiseTrace", "PoolSpec", "PoolStep",
           "PoolTrace", "Scatter", "SeparableTrace", "Step", "Trace", "TransposeSpec", "TransposeTrace", "arithmetic",
           "conv", "conv_transpose", "depthwise_conv", "depthwise_output_shape", "depthwise_params",
           "depthwise_trace", "example", "global_pool", "global_pool_output_shape", "output_shape", "pool",
           "pool_output_shape", "pool_params", "pool_trace", "separable_conv", "separable_output_shape",
           "separable_params", "separable_trace", "trace", "trace_example", "transpose_output_shape",
           "transpose_params", "transpose_trace"]
__version__ = "0.1.0"
