"""One way to tell names apart, so layers, layouts and pickers number twins alike."""

from __future__ import annotations

from collections.abc import Collection


def unique(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… — the first not in ``taken``."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate
