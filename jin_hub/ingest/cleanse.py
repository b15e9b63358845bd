"""Cleansing: every input row ends up accepted (repaired where the fix is certain) or quarantined
with a reason and its source line. Nothing is silently dropped.

Reasons never quote personal fields: the partner can look the line up in their own file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
from pyproj import Transformer

from jin_hub.geography import AreaIndex
from jin_hub.ingest.background_keys import BackgroundKeys, PendingKeys
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.reader import ExtractError, read_text
from jin_hub.ingest.schemas import DatasetSchema

#: Date formats partner systems emit, tried in order (UK day-first where ambiguous).
DATE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%d-%m-%Y")


@dataclass
class Cleansed:
    """Outcome of cleansing one extract."""

    accepted: pd.DataFrame            # source_line, period (YYYY-MM), category, area_code
    quarantined: pd.DataFrame         # source_line, reason
    n_input: int                      # data rows in the file, blank ones included
    encoding: str
    extra_columns: list[str] = field(default_factory=list)
    repaired: dict[str, int] = field(default_factory=dict)
    pending: Optional[PendingKeys] = field(default=None, repr=False)      # pseudonyms not yet in accepted

    def with_keys(self) -> Cleansed:
        """Put the pseudonym columns in ``accepted``, waiting for them if they are still being made."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.attach(self.accepted)
        return self

    def close(self) -> None:
        """Stop making pseudonyms no longer wanted (an ingest that failed part-way)."""
        if self.pending is not None:
            self.pending.close()

    def report(self) -> dict:
        """Counts per outcome and reason, for the run report."""
        reasons = self.quarantined["reason"].str.replace(r" \(.*\)$| of line \d+$", "", regex=True)
        return {
            "input_rows": self.n_input,
            "accepted": len(self.accepted),
            "quarantined": len(self.quarantined),
            "quarantine_reasons": {k: int(v) for k, v in reasons.value_counts().sort_index().items()},
            "repaired": self.repaired,
            "encoding": self.encoding,
            "extra_columns_ignored": self.extra_columns,
        }


def read_extract(path: Path, schema: DatasetSchema) -> tuple[pd.DataFrame, str]:
    """Read an extract's columns as text, leaving out personal ones it does not key; check them."""
    wanted = schema.pseudonym_inputs() | set(schema.required)
    frame, encoding = read_text(path, lambda c: c not in schema.personal or c in wanted)
    missing = [c for c in schema.required if c not in frame.columns]
    if missing:
        raise ExtractError(
            f"{Path(path).name} does not match the '{schema.id}' schema: missing column(s) {', '.join(missing)}. "
            f"Expected at least: {', '.join(schema.required)}.")
    return frame, encoding


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse mixed-format date strings; NaT where none of the known formats fits. The usual format
    is tried on every value at once; the rest are tried format by format, each distinct string
    once (extracts repeat dates a lot)."""
    parsed = pd.Series(pd.to_datetime(values, format=DATE_FORMATS[0], errors="coerce"), index=values.index)
    rest = parsed.isna().to_numpy()
    if rest.any():
        codes, uniques = pd.factorize(values[rest], sort=False)
        text = pd.Series(uniques, dtype=object).str.strip()
        found = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        for fmt in DATE_FORMATS:                    # the usual one again: stripping may have fixed it
            todo = found.isna() & (text != "")
            if not todo.any():
                break
            found[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed[rest] = found.to_numpy()[codes]
    return parsed


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


def cleanse(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
            wait: bool = True) -> Cleansed:
    """Cleanse one extract, place each accepted row in an area of ``areas`` and key its pseudonyms.

    Identifying inputs of pseudonyms (references, names, dates of birth) are read only to be keyed;
    the accepted rows carry the keys, never the inputs. A large extract's keys are made by a
    worker process meanwhile (``background_keys``); with ``wait=False`` they are left to come
    (``Cleansed.with_keys``) while the caller gets on with the counts.
    """
    worker = BackgroundKeys.start(pseudonymiser, path, schema.pseudonyms)
    try:
        result = _cleanse(path, schema, areas, pseudonymiser, worker)
    except BaseException:
        if worker:
            worker.close()
        raise
    return result.with_keys() if wait else result


def _cleanse(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
             worker: Optional[BackgroundKeys]) -> Cleansed:
    frame, encoding = read_extract(path, schema)
    n = len(frame)
    line = np.arange(n) + 2                                   # header is line 1
    reason = np.full(n, None, dtype=object)

    def reject(mask: np.ndarray, why) -> None:
        """Quarantine rows not already quarantined (the first reason found wins)."""
        todo = mask & (reason == None)  # noqa: E711 - elementwise on an object array
        reason[todo] = why[todo] if isinstance(why, np.ndarray) else why

    cols = list(schema.required)
    blank = (frame[cols] == "").all(axis=1).to_numpy()
    reject(blank, "blank row")
    same = pd.Series(frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy())
    dup = same.duplicated(keep="first").to_numpy() & ~blank       # one grouping gives both which and of what
    if dup.any():
        first_of_group = pd.Series(line).groupby(same).transform("min").to_numpy()
        why = np.full(n, None, dtype=object)
        why[dup] = [f"duplicate of line {k}" for k in first_of_group[dup]]
        reject(dup, why)

    category, why, variant = schema.categorise(frame, schema)
    reject(why != None, why)  # noqa: E711

    if schema.period_of is not None:
        period = schema.period_of(frame[schema.date_column]).to_numpy(dtype=object)
    else:
        when = parse_dates(frame[schema.date_column])
        month = (when.dt.year * 100 + when.dt.month).to_numpy(dtype=float)          # few distinct months:
        labels = {m: f"{int(m) // 100:04d}-{int(m) % 100:02d}" for m in np.unique(month[np.isfinite(month)])}
        period = np.array([labels.get(m) for m in month], dtype=object)           # format each once
    reject(period == None, f"unreadable date in {schema.date_column}")  # noqa: E711

    x = pd.to_numeric(frame[schema.x_column], errors="coerce").to_numpy(float)     # spaces around are fine
    y = pd.to_numeric(frame[schema.y_column], errors="coerce").to_numpy(float)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():                                  # only the unreadable few are looked at as text
        blank = np.zeros(n, dtype=bool)
        blank[bad] = ((frame[schema.x_column][bad].str.strip() == "") |
                      (frame[schema.y_column][bad].str.strip() == "")).to_numpy()
        reject(blank, "missing coordinates")
    reject(bad, "unreadable coordinates")
    x, y, wgs84 = to_bng(x, y)
    todo = reason == None  # noqa: E711
    area = np.full(n, None, dtype=object)
    area[todo] = areas.assign(x[todo], y[todo])
    reject(area == None, "coordinates outside the loaded boundaries")  # noqa: E711

    ok = reason == None  # noqa: E711
    accepted = pd.DataFrame({
        "source_line": line[ok],
        "period": period[ok],
        "category": category[ok],
        "area_code": area[ok],
    })
    inputs = frame.loc[ok, [c for c in frame.columns if c in schema.pseudonym_inputs()]]
    pending = PendingKeys(worker, pseudonymiser, inputs, ok, schema.pseudonyms)
    quarantined = pd.DataFrame({"source_line": line[~ok], "reason": reason[~ok]})
    extra = [c for c in frame.columns if c not in schema.required and c not in schema.pseudonym_inputs()]
    repaired = {"category_variant_mapped": int((variant & ok).sum()),
                "wgs84_coordinates_reprojected": int((wgs84 & ok).sum())}
    return Cleansed(accepted, quarantined, n, encoding, extra, repaired, pending)
