"""The pages of mkdocs.yml's nav, in order, with their titles.

>>> nav_pages([{"Home": "index.md"}, {"A": [{"B": "b.md"}, "c.md"]}])
{'index.md': 'Home', 'b.md': 'B', 'c.md': None}
"""

from __future__ import annotations

from typing import Any


def nav_pages(nav: Any) -> dict[str, str | None]:
    """Page source -> its nav title (None for a bare entry), in nav order, nested sections flattened."""
    out: dict[str, str | None] = {}

    def walk(item: Any, title: str | None = None) -> None:
        if isinstance(item, str):
            if item.endswith(".md"):
                out[item] = title
        elif isinstance(item, dict):
            for key, v in item.items():
                walk(v, key)
        elif isinstance(item, list):
            for v in item:
                walk(v)

    walk(nav or [])
    return out
