"""Label normalisation shared by schemas and derivations."""

from __future__ import annotations

import re


def normalise_label(text: str) -> str:
    """Compare category labels ignoring case, punctuation, '&' vs 'and' and spacing."""
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
