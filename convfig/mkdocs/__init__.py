"""convfig in any docs site: the ```convfig fence, its Markdown extension and the MkDocs plugin.

Importing this package imports neither MkDocs nor Markdown; ``convfig.mkdocs.fence`` parses and checks
fences with the figure registry alone.
"""
