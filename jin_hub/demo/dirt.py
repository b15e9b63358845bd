"""Realistic dirt for clean synthetic extracts, recorded line by line in the manifest.

Kinds: exact duplicates, category variants and misspellings, mixed date formats, missing
coordinates, out-of-county coordinates, WGS84 lat/lon in the easting/northing columns, blank rows,
plus any dataset-specific kinds. Each kind's 1-based source lines are returned so tests can check
that every dirty row ends exactly where it should (repaired or quarantined with the right reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from pyproj import Transformer

#: Fraction of rows per dirty kind (realistic: a few per cent in all).
DEFAULT_RATES = {"duplicate": 0.004, "category_variant": 0.006, "missing_coords": 0.003,
                 "out_of_county": 0.002, "latlon_coords": 0.002, "blank_row": 0.001}

Spoiler = Callable[[pd.DataFrame, np.ndarray, np.random.Generator], None]


@dataclass(frozen=True)
class DirtSpec:
    """Which columns to spoil, and how, for one dataset."""

    x: str
    y: str
    category_column: str | None = None
    variants: dict[str, list[str]] = field(default_factory=dict)     # canonical -> variants emitted
    date_column: str | None = None
    date_formats: dict[str, float] = field(default_factory=dict)     # other strftime formats -> share
    custom: dict[str, tuple[float, Spoiler]] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))


def pick(rng: np.random.Generator, pool: np.ndarray, frac: float) -> np.ndarray:
    """Choose round(frac * len) distinct row positions from ``pool`` (at least one)."""
    k = min(len(pool), max(1, round(frac * len(pool))))
    return np.sort(rng.choice(pool, k, replace=False))


def _spoil_rows(rng: np.random.Generator, clean: pd.DataFrame, spec: DirtSpec) -> tuple[pd.DataFrame, dict]:
    df = clean.copy().astype(object)
    free = np.arange(len(df))
    kinds: dict[str, np.ndarray] = {}
    row_kinds = ["missing_coords", "out_of_county", "latlon_coords"]
    if spec.category_column:
        row_kinds.insert(0, "category_variant")
    for kind in row_kinds:
        kinds[kind] = pick(rng, free, spec.rates[kind])
        free = np.setdiff1d(free, kinds[kind])
    for kind, (frac, spoil) in spec.custom.items():
        kinds[kind] = pick(rng, free, frac)
        free = np.setdiff1d(free, kinds[kind])
        spoil(df, kinds[kind], rng)
    if spec.category_column:
        col = spec.category_column
        rows = [i for i in kinds["category_variant"] if df.at[i, col] in spec.variants]
        kinds["category_variant"] = np.array(rows, dtype=int)
        for i in rows:
            df.at[i, col] = rng.choice(spec.variants[df.at[i, col]])
    df.loc[kinds["missing_coords"], [spec.x, spec.y]] = ""
    far = kinds["out_of_county"]
    df.loc[far, spec.x] = rng.integers(380000, 420000, len(far))      # Cheshire / Derbyshire Peak
    df.loc[far, spec.y] = rng.integers(360000, 400000, len(far))
    ll = kinds["latlon_coords"]
    to_wgs = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(clean.loc[ll, spec.x].to_numpy(float), clean.loc[ll, spec.y].to_numpy(float))
    df.loc[ll, spec.x] = np.round(lat, 6)          # partner swapped in lat/lon: latitude first
    df.loc[ll, spec.y] = np.round(lon, 6)
    if spec.date_column:
        when = pd.to_datetime(clean[spec.date_column], dayfirst="/" in str(clean[spec.date_column].iloc[0]))
        for fmt, frac in spec.date_formats.items():
            rows = pick(rng, free, frac)
            text = when.iloc[rows].dt.strftime(fmt.replace("%-d", "%d")).to_numpy()
            df.loc[rows, spec.date_column] = [t.lstrip("0") for t in text] if fmt.startswith("%-d") else text
    return df, kinds


def spoil(rng: np.random.Generator, clean: pd.DataFrame, spec: DirtSpec) -> tuple[list[str], dict[str, list[int]]]:
    """Spoil a realistic fraction of rows; return CSV lines and each dirty kind's 1-based line numbers."""
    df, kinds = _spoil_rows(rng, clean, spec)
    body = df.to_csv(index=False, lineterminator="\n").splitlines()
    header, rows = body[0], body[1:]
    dup_after = set(pick(rng, np.arange(len(rows)), spec.rates["duplicate"]).tolist())
    blank_at = set(pick(rng, np.arange(len(rows)), spec.rates["blank_row"]).tolist())
    lines = [header]
    line_of_row: dict[int, int] = {}
    extra: dict[str, list[int]] = {"duplicate": [], "blank_row": []}
    for i, row in enumerate(rows):
        lines.append(row)
        line_of_row[i] = len(lines)
        if i in dup_after:
            lines.append(row)
            extra["duplicate"].append(len(lines))
        if i in blank_at:
            lines.append("")
            extra["blank_row"].append(len(lines))
    by_line = {k: sorted(line_of_row[int(i)] for i in v) for k, v in kinds.items()}
    by_line.update(extra)
    return lines, by_line
