"""Cleansing: every input row ends up accepted (repaired where the fix is certain) or quarantined
with a reason and its source line. Nothing is silently dropped.

Reasons never quote personal fields: the partner can look the line up in their own file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
from pyproj import Transformer

from jin_hub.geography import AreaIndex
from jin_hub.ingest import derive
from jin_hub.ingest.background_keys import BackgroundKeys, Part, PendingKeys
from jin_hub.ingest.dates import (
    PLAUSIBLE,
    label_months,
    latest_complete,
    month_label,
    month_labels,
    month_number,
    months,
    this_month,
)
from jin_hub.ingest.placement import Converter, place
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.reader import Extract, ExtractError, read_text
from jin_hub.ingest.schemas import DatasetSchema
from jin_hub.ingest.worker import Worker


@dataclass
class Cleansed:
    """Outcome of cleansing one extract."""

    accepted: pd.DataFrame            # source_line, period (YYYY-MM), category, area_code
    quarantined: pd.DataFrame         # source_line, reason
    n_input: int                      # data rows in the file, blank ones included
    encoding: str
    extra_columns: list[str] = field(default_factory=list)
    repaired: dict[str, int] = field(default_factory=dict)
    cutoff: Optional[str] = None      # the last month accepted (YYYY-MM)
    cutoff_declared: Optional[str] = None     # as the admin gave it (--cutoff), None when inferred
    pending: Optional[PendingKeys] = field(default=None, repr=False)      # pseudonyms not yet in accepted
    other_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # another dataset's rows
    placement: dict = field(default_factory=dict)     # rows per placement route, and the point/code check
    row_filter: str = ""

    def with_keys(self) -> Cleansed:
        """Put the pseudonym columns in ``accepted``, waiting for them if they are still being made."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.attach(self.accepted)
        return self

    def key_parts(self, names: list[str]) -> Iterator[Part]:
        """The accepted rows' pseudonyms ``names`` in parts, as they are made (``PendingKeys.parts``),
        so each part's records can be written while the next is made; in one part if they are
        already in ``accepted``. Parts handed out are not kept in ``accepted``."""
        if self.pending is None:
            yield 0, len(self.accepted), {name: self.accepted[name].tolist() for name in names}
            return
        pending, self.pending = self.pending, None
        for start, stop, keys in pending.parts():
            yield start, stop, {name: keys[name] for name in names if name in keys}

    def close(self) -> None:
        """Stop making pseudonyms no longer wanted (an ingest that failed part-way)."""
        if self.pending is not None:
            self.pending.close()

    def report(self) -> dict:
        """Counts per outcome and reason, for the run report."""
        return {
            "input_rows": self.n_input,
            "accepted": len(self.accepted),
            "quarantined": len(self.quarantined),
            "quarantine_reasons": reason_counts(self.quarantined["reason"]),
            "repaired": self.repaired,
            "encoding": self.encoding,
            "extra_columns_ignored": self.extra_columns,
            "cutoff": self.cutoff,
            "cutoff_declared": self.cutoff_declared,
            **({"filtered_out": {"rule": self.row_filter, "rows": len(self.other_lines)}} if self.row_filter else {}),
            **({"placement": self.placement} if self.placement else {}),
        }


def reason_counts(reasons: pd.Series) -> dict[str, int]:
    """Rows per kind of reason (the reason without its particulars: what is in brackets at its
    end, or the line it duplicates)."""
    kinds = reasons.str.replace(r" \(.*\)$| of line \d+$", "", regex=True)
    return {k: int(v) for k, v in kinds.value_counts().sort_index().items()}


def summary(reasons: np.ndarray) -> str:
    """The commonest kinds of reason with their rows, for an error message."""
    counts = sorted(reason_counts(pd.Series(reasons[reasons != None], dtype=object)).items(),  # noqa: E711
                    key=lambda kv: -kv[1])
    return "; ".join(f"{n} {why}" for why, n in counts[:3]) or "no rows"


def read_extract(path: Path, schema: DatasetSchema, lean: bool = False) -> Extract:
    """Read an extract's columns as text, leaving out personal ones it does not key; check them.
    ``lean``: read only the columns cleansing checks (when a worker reads the pseudonym inputs)."""
    wanted = schema.pseudonym_inputs() | set(schema.required)
    keyed_only = (schema.pseudonym_inputs() & set(schema.personal)) - {schema.unique_column}    # the worker reads them
    checked = [c for c in schema.required if c not in keyed_only]
    extract = read_text(path, lambda c: c not in schema.personal or c in wanted, checked if lean else None)
    missing = [c for c in schema.required if c not in extract.columns]
    if missing:
        raise ExtractError(
            f"{Path(path).name} does not match the '{schema.id}' schema: missing column(s) {', '.join(missing)}. "
            f"Expected at least: {', '.join(schema.required)}.")
    return extract


#: SplitMix64's finaliser (shift, multiplier) steps.
_SPLITMIX = ((np.uint64(30), np.uint64(0xBF58476D1CE4E5B9)), (np.uint64(27), np.uint64(0x94D049BB133111EB)))


def may_repeat(n: int, hints: list[np.ndarray]) -> np.ndarray:
    """Which of ``n`` rows may be identical to another: ``hints`` are values computed from each row
    (coordinates, month), and rows differing in one cannot be."""
    if not hints:
        return np.ones(n, dtype=bool)
    return pd.Series(_mixed(hints)).duplicated(keep=False).to_numpy()


def _mixed(hints: list[np.ndarray]) -> np.ndarray:
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


def first_identical(n: int, candidates: pd.DataFrame) -> np.ndarray:
    """Per row of ``n``, the position of the first row identical to it in every column (its own if
    none comes earlier). ``candidates``: every row that may have a twin (``may_repeat``), indexed
    by position, so only those are grouped by every column, not a million rows."""
    first = np.arange(n)
    if len(candidates):
        rows = candidates.index.to_numpy()
        same = candidates.groupby(list(candidates.columns), sort=False, dropna=False).ngroup().to_numpy()
        first[rows] = pd.Series(rows).groupby(same).transform("min").to_numpy()
    return first


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


def project(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y in ``crs`` as British National Grid, and which were repaired: WGS84 put in a British
    National Grid file's easting/northing columns is (``to_bng``); another declared CRS is simply
    transformed, which is no repair."""
    if crs.upper() == "EPSG:27700":
        return to_bng(x, y)
    east, north = Transformer.from_crs(crs, "EPSG:27700", always_xy=True).transform(x, y)
    return np.asarray(east, dtype=float), np.asarray(north, dtype=float), np.zeros(len(x), dtype=bool)


def other_rows(frame: pd.DataFrame, schema: DatasetSchema) -> np.ndarray:
    """Rows the definition's filter gives to another dataset (e.g. police.uk's ASB rows for recorded
    crime): neither accepted nor quarantined, only counted."""
    if schema.row_filter is None:
        return np.zeros(len(frame), dtype=bool)
    column, op, value = schema.row_filter
    match = stripped(frame[column]) == value
    return ~match if op == "equals" else match


def stripped(values: pd.Series) -> np.ndarray:
    """``values`` without surrounding spaces, each distinct value stripped once (a column of a
    few codes or categories repeated over a million rows is stripped in a few steps)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(uniques.str.strip(), dtype=object)[codes]


def filter_text(rule: Optional[tuple[str, str, str]]) -> str:
    """A definition's row filter in words, for the release report."""
    if rule is None:
        return ""
    column, op, value = rule
    return f"{column} {'is' if op == 'equals' else 'is not'} '{value}'"


def repeated_ids(ids: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Per row, the position of the first of ``rows`` with its (non-empty) id, or its own; a row
    without an id is never a duplicate (police.uk's ASB rows have none)."""
    first = np.arange(len(ids))
    text = stripped(ids)
    candidates = np.flatnonzero(rows & (text != ""))
    if len(candidates):                 # candidates ascend: each id's first occurrence is its first row
        codes, _ = pd.factorize(text[candidates])
        _, at = np.unique(codes, return_index=True)
        first[candidates] = candidates[at[codes]]
    return first


def cleanse(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
            wait: bool = True, worker: Optional[Worker] = None, cutoff: Optional[str] = None,
            converter: Optional[Converter] = None) -> Cleansed:
    """Cleanse one extract, place each accepted row in an area of ``areas`` and key its pseudonyms.

    Identifying inputs of pseudonyms (references, names, dates of birth) are read only to be keyed;
    the accepted rows carry the keys, never the inputs. A large extract's keys are made by a
    worker process meanwhile (``background_keys``: ``worker``, or one of its own), which reads
    their inputs itself: this process then reads only the columns it checks, and the few rows
    that may be blank or duplicates again in full (``Extract.rows``). With ``wait=False`` the keys
    are left to come (``Cleansed.with_keys``) while the caller gets on with the counts.

    ``cutoff`` (YYYY-MM) is the last month the extract fully covers; rows dated after it are
    quarantined. Without it, it is the extract's latest complete month (``dates.latest_complete``).
    ``converter`` turns area codes of the other census vintage into the hub's (``placement``).
    """
    last = declared_cutoff(cutoff)
    keys = BackgroundKeys.start(pseudonymiser, path, schema.pseudonyms, worker)
    try:
        result = _cleanse(path, schema, areas, pseudonymiser, keys, last, converter)
    except BaseException:
        if keys:
            keys.close()
        raise
    return result.with_keys() if wait else result


def declared_cutoff(cutoff: Optional[str]) -> Optional[int]:
    """YYYYMM of a declared cut-off; ValueError unless it is a month no later than this one."""
    if cutoff is None:
        return None
    last, now = month_number(cutoff), this_month()
    if last > now:
        raise ValueError(f"cut-off {cutoff} is after this month ({month_label(now)}): give the last month the "
                         "extract fully covers")
    return last


def _cleanse(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
             keys: Optional[BackgroundKeys], cutoff: Optional[int], converter: Optional[Converter]) -> Cleansed:
    extract = read_extract(path, schema, lean=keys is not None)
    frame = extract.frame
    n = len(frame)
    line = extract.lines                                      # header is line 1
    reason = np.full(n, None, dtype=object)
    other = other_rows(frame, schema)
    ok = ~other                                               # not quarantined (yet), nor another dataset's

    def reject(mask: np.ndarray, why) -> None:
        """Quarantine rows not already quarantined (the first reason found wins)."""
        todo = mask & ok
        reason[todo] = why[todo] if isinstance(why, np.ndarray) else why
        ok[todo] = False

    x, y = numbers(frame[schema.x_column]), numbers(frame[schema.y_column])         # spaces around are fine
    month = None if schema.period_of is not None else months(frame[schema.date_column])

    # Only rows with no easting can be blank, and only rows alike in coordinates and month can be
    # duplicates: those few are looked at in every column.
    blank = np.isnan(x)
    twins = (np.zeros(n, dtype=bool) if schema.unique_column else
             may_repeat(n, [v for v in (x, y, month) if v is not None]))
    whole = extract.rows(np.flatnonzero(blank | twins))
    blank[blank] = (whole.loc[np.flatnonzero(blank), list(schema.required)] == "").all(axis=1).to_numpy()
    reject(blank, "blank row")
    first = first_identical(n, whole.loc[np.flatnonzero(twins)])
    dup = (first != np.arange(n)) & ~blank
    if schema.unique_column:
        first = repeated_ids(frame[schema.unique_column], ok & ~blank)
        dup = first != np.arange(n)
    if dup.any():
        why = np.full(n, None, dtype=object)
        label = f"duplicate {schema.unique_column} of line" if schema.unique_column else "duplicate of line"
        why[dup] = [f"{label} {k}" for k in line[first[dup]]]
        reject(dup, why)

    category, why, variant = (schema.categorise or derive.category_column)(frame, schema)
    reject(why != None, why)  # noqa: E711

    if month is None:
        period = schema.period_of(frame[schema.date_column]).to_numpy(dtype=object)
        reject(period == None, f"unreadable date in {schema.date_column}")  # noqa: E711
        month = label_months(period)
    else:
        reject(np.isnan(month), f"unreadable date in {schema.date_column}")
        reject((month < PLAUSIBLE[0] * 100) | (month > PLAUSIBLE[1] * 100 + 12),
               f"date in {schema.date_column} outside {PLAUSIBLE[0]}–{PLAUSIBLE[1]}: check the year")
        period = month_labels(month)
    now = this_month()
    month = np.where(np.isnan(month), 0, month)                # unreadable ones are quarantined already
    reject(month > now, f"dated after {month_label(now)}, the month of this ingest: check the year in "
                        f"{schema.date_column}")

    codes = stripped(frame[schema.area_column]) if schema.area_column else None
    coded = codes != "" if codes is not None else np.zeros(n, dtype=bool)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():                                  # only the unreadable few are looked at as text
        missing = np.zeros(n, dtype=bool)
        missing[bad] = ((frame[schema.x_column][bad].str.strip() == "") |
                        (frame[schema.y_column][bad].str.strip() == "")).to_numpy()
        if codes is None:                          # else a row without a point is placed by its code
            reject(missing, "missing coordinates")
        reject(bad & ~missing & ~coded, "unreadable coordinates")
    x, y, wgs84 = project(x, y, schema.crs)
    placed = place(codes, x, y, areas, ok.copy(), converter)
    area = placed.area
    reject(placed.reason != None, placed.reason)  # noqa: E711
    last = latest_complete(month[ok]) if cutoff is None else cutoff
    if last is not None:
        reject(month > last, f"dated after the extract's cut-off {month_label(last)}: "
                             + ("declared with --cutoff" if cutoff else
                                "its latest complete month; later months hold too few rows "
                                "(declare --cutoff if the extract covers them)"))
    if not ok.any():
        raise ExtractError(f"{Path(path).name}: none of its {n} rows can be used ({summary(reason)}), so nothing "
                           "is published and the current release stays; fix the extract and ingest it again")

    accepted = pd.DataFrame({
        "source_line": line[ok],
        "period": period[ok],
        "category": category[ok],
        "area_code": area[ok],
    })
    inputs = frame[[c for c in frame.columns if c in schema.pseudonym_inputs()]] if keys is None else None
    pending = PendingKeys(keys, pseudonymiser, Path(path), inputs, ok, schema.pseudonyms)
    quarantined = pd.DataFrame({"source_line": line[~ok & ~other], "reason": reason[~ok & ~other]})
    extra = [c for c in extract.columns if c not in schema.required and c not in schema.pseudonym_inputs()]
    repaired = {"category_variant_mapped": int((variant & ok).sum()),
                "wgs84_coordinates_reprojected": int((wgs84 & ok).sum())}
    routes = pd.Series(placed.route[ok]).value_counts()
    return Cleansed(accepted, quarantined, n, extract.encoding_name, extra, repaired,
                    None if last is None else month_label(last), None if cutoff is None else month_label(cutoff),
                    pending, line[other], {"routes": {k: int(v) for k, v in routes.sort_index().items()},
                                           **placed.check} if codes is not None else {},
                    filter_text(schema.row_filter))
