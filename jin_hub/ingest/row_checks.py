"""The checks cleansing makes of each row on its own: everything but whether it is blank or the
duplicate of another row, which needs every row of the file (``cleanse``).

They are row by row, so any part of an extract can be checked apart from the rest (in another
process, ``parts``) and the parts' results put end to end are those of the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer

from jin_hub.geography import AreaIndex
from jin_hub.ingest.dates import PLAUSIBLE, month_labels, months
from jin_hub.ingest.pseudonyms import CodedKeys, Pseudonymiser
from jin_hub.ingest.schemas import DatasetSchema

#: SplitMix64's finaliser (shift, multiplier) steps.
_SPLITMIX = ((np.uint64(30), np.uint64(0xBF58476D1CE4E5B9)), (np.uint64(27), np.uint64(0x94D049BB133111EB)))


def twin_hash(hints: list[np.ndarray]) -> np.ndarray:
    """One 64-bit hash per row of float ``hints``, equal for rows with equal values (-0.0 as 0.0,
    every NaN alike): a row whose hash is unique has a unique set of values. Finding repeats in
    one integer column is several times quicker than comparing rows of floats; a rare collision
    only adds a candidate."""
    key = np.zeros(len(hints[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for hint in hints:
            value = np.asarray(hint, dtype=np.float64) + 0.0          # -0.0 + 0.0 is 0.0
            value[np.isnan(value)] = np.nan
            key ^= value.view(np.uint64)
            for shift, factor in _SPLITMIX:                          # every input bit moves every output bit
                key ^= key >> shift
                key *= factor
            key ^= key >> np.uint64(31)
    return key


def numbers(values: pd.Series) -> np.ndarray:
    """Floats of numeric text, NaN where unreadable, exactly as ``pandas.to_numeric`` (coercing)
    reads it: text of plain ASCII numbers, the usual case, is converted in one numpy pass."""
    text = values.to_numpy(dtype=object)
    filled = text != ""
    try:
        plain = "".join(text[filled])
        if plain.isascii() and "_" not in plain:      # float() would read '1_000' and non-ASCII digits
            out = np.full(len(text), np.nan)
            out[filled] = text[filled].astype(np.float64)
            return out
    except (TypeError, ValueError):                  # not all text, or not all numbers
        pass
    return pd.to_numeric(values, errors="coerce").to_numpy(float)


def to_bng(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Repair WGS84 coordinates put in easting/northing columns (either order); return (x, y, repaired)."""
    latlon = (x >= 49) & (x <= 61) & (y >= -9) & (y <= 2)      # latitude, longitude
    lonlat = (y >= 49) & (y <= 61) & (x >= -9) & (x <= 2)      # longitude, latitude
    fix = latlon | lonlat
    if fix.any():
        lon = np.where(latlon, y, x)[fix]
        lat = np.where(latlon, x, y)[fix]
        tf = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
        ex, ny = tf.transform(lon, lat)
        x, y = x.copy(), y.copy()
        x[fix], y[fix] = ex, ny
    return x, y, fix


@dataclass
class RowChecks:
    """What the row-by-row checks found in each row of (part of) an extract."""

    reason: np.ndarray               # why a row is quarantined (the first check it fails), else None
    blank: np.ndarray                # every required column empty
    twin_hash: np.ndarray            # equal for rows alike in coordinates and month (``may_repeat``)
    period: np.ndarray               # YYYY-MM (or the dataset's period), category and area code,
    category: np.ndarray             # each None where unknown
    area: np.ndarray
    variant: np.ndarray              # a known variant of a category was mapped
    wgs84: np.ndarray                # WGS84 coordinates were reprojected
    keys: dict[str, CodedKeys]       # the pseudonyms of every row

    def __len__(self) -> int:
        return len(self.reason)

    @classmethod
    def joined(cls, parts: list[RowChecks]) -> RowChecks:
        """The checks of consecutive parts as those of one extract."""
        if len(parts) == 1:
            return parts[0]
        arrays = {f: np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__ if f != "keys"}
        return cls(**arrays, keys={k: CodedKeys.joined([p.keys[k] for p in parts]) for k in parts[0].keys})


def check_rows(frame: pd.DataFrame, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser
               ) -> RowChecks:
    """Check each row of ``frame`` (an extract's kept columns, as text) on its own, place it in an
    area of ``areas`` and key its pseudonyms."""
    n = len(frame)
    reason = np.full(n, None, dtype=object)
    ok = np.ones(n, dtype=bool)                               # not quarantined (yet)

    def reject(mask: np.ndarray, why) -> None:
        """Quarantine rows not already quarantined (the first reason found wins)."""
        todo = mask & ok
        reason[todo] = why[todo] if isinstance(why, np.ndarray) else why
        ok[todo] = False

    x, y = numbers(frame[schema.x_column]), numbers(frame[schema.y_column])         # spaces around are fine
    month = None if schema.period_of is not None else months(frame[schema.date_column])
    # only rows with no easting can be blank: those few are looked at in every column
    blank = np.isnan(x)
    blank[blank] = (frame.loc[blank, list(schema.required)] == "").all(axis=1).to_numpy()
    twin = twin_hash([v for v in (x, y, month) if v is not None])

    category, why, variant = schema.categorise(frame, schema)
    reject(why != None, why)  # noqa: E711
    if month is None:
        period = schema.period_of(frame[schema.date_column]).to_numpy(dtype=object)
        reject(period == None, f"unreadable date in {schema.date_column}")  # noqa: E711
    else:
        reject(np.isnan(month), f"unreadable date in {schema.date_column}")
        reject((month < PLAUSIBLE[0] * 100) | (month > PLAUSIBLE[1] * 100 + 12),
               f"date in {schema.date_column} outside {PLAUSIBLE[0]}–{PLAUSIBLE[1]}: check the year")
        period = month_labels(month)

    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():                                  # only the unreadable few are looked at as text
        missing = np.zeros(n, dtype=bool)
        missing[bad] = ((frame[schema.x_column][bad].str.strip() == "") |
                        (frame[schema.y_column][bad].str.strip() == "")).to_numpy()
        reject(missing, "missing coordinates")
    reject(bad, "unreadable coordinates")
    x, y, wgs84 = to_bng(x, y)
    area = np.full(n, None, dtype=object)
    area[ok] = areas.assign(x[ok], y[ok])
    reject(area == None, "coordinates outside the loaded boundaries")  # noqa: E711
    keys = {name: pseudonymiser.coded(kind, *[frame[c] for c in inputs if c in frame])
            for name, (kind, inputs) in schema.pseudonyms.items() if any(c in frame for c in inputs)}
    return RowChecks(reason, blank, twin, period, category, area, variant, wgs84, keys)
