"""convfig: Keras-exact convolutions in 1D, 2D and 3D, and computed figures that explain them.

>>> import convfig
>>> convfig.output_shape((5, 5, 3), 3, filters=4, strides=2, padding="same")
(3, 3, 4)
"""

from convfig import arithmetic
from convfig.compute import Step, Trace, conv, example, output_shape, trace, trace_example
from convfig.errors import ConvfigError
from convfig.spec import ConvSpec

__all__ = ["ConvSpec", "ConvfigError", "Step", "Trace", "arithmetic", "conv", "example", "output_shape",
           "trace", "trace_example"]
__version__ = "0.1.0"
