"""One module per figure kind, each with ``compute(spec)`` and ``plan(spec, data) -> Layout``.

The module name is the kind with '-' as '_' (``padding-modes`` -> ``padding_modes``); the registry
lists the kinds and their parameters, ``convfig.render.protocol`` draws them.
"""
