"""JSON path helpers for error messages."""

from __future__ import annotations

import re


def lookup(document, path: str):
    """Value at a ``$.a.b[0].c`` path, or None."""
    node = document
    for name, index in re.findall(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path.removeprefix("$")):
        try:
            node = node[name] if name else node[int(index)]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return node
