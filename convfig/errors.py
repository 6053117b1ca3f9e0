"""The one error type convfig raises for bad input.

>>> from convfig import ConvfigError
>>> issubclass(ConvfigError, ValueError)
True
"""


class ConvfigError(ValueError):
    """Bad parameter or combination; the message names the parameter and the rule."""
