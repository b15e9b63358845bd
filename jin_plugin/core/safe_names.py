"""Field names every format and expression accepts, made from office headers such as
``Spend (£)``: ASCII letters, digits and underscores, unique without regard to case (GeoPackage
and shapefile columns ignore it), and never one already taken (JiN's own fields). The header
itself survives as the field's alias."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def _ascii(name: str) -> str:
    """``Café`` -> ``Cafe``: accents dropped rather than the letters lost."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")


def safe_field_names(headers: Iterable[str], prefix: str = "", taken: Iterable[str] = ()) -> list[str]:
    """One safe name per header, in order: ``prefix`` + the header's letters and digits joined by
    single underscores; ``column<n>`` when nothing is left; ``_2``, ``_3``… on a clash."""
    used = {t.lower() for t in taken}
    out = []
    for n, header in enumerate(headers, start=1):
        stem = _UNSAFE.sub("_", _ascii(str(header))).strip("_") or f"column{n}"
        base = prefix + stem
        if base[0].isdigit():
            base = "f_" + base
        name, k = base, 1
        while name.lower() in used:
            k += 1
            name = f"{base}_{k}"
        used.add(name.lower())
        out.append(name)
    return out
