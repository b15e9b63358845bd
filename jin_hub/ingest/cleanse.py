"""Cleansing: every input row ends up accepted (repaired where the fix is certain) or quarantined
with a reason and its source line. Nothing is silently dropped.

Reasons never quote personal fields: the partner can look the line up in their own file.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
from pyproj import Transformer

from jin_hub.geography import AreaIndex
from jin_hub.ingest import cellkey, derive, reader
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
from jin_hub.ingest.line_index import RowTooLong, row_lines
from jin_hub.ingest.placement import Agreement, Converter, place
from jin_hub.ingest.pseudonyms import Pseudonymiser
from jin_hub.ingest.reader import (
    MAX_ROW_BYTES,
    ExtractError,
    chunks,
    decoded,
    encoding_name,
    header,
    too_long,
)
from jin_hub.ingest.repeats import Repeats
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
    held: dict[str, np.ndarray] = field(default_factory=dict, repr=False)     # ``hold_keys``'s

    def hold_keys(self) -> Cleansed:
        """Wait for the pseudonyms and keep them beside ``accepted`` as fixed-width bytes (``b""``
        for none): a quarter of the memory of as many strings, which for 10 million records is
        most of an ingest's. ``key_parts`` hands them out as text, ``record_keys`` as cell keys."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.held = pending.collect()
        return self

    def record_keys(self) -> Optional[np.ndarray]:
        """The cell-key record key (0–255) of each accepted row, from its held ``record_key``."""
        return None if "record_key" not in self.held else cellkey.hex_keys(self.held["record_key"])

    def let_go(self) -> None:
        """Drop the accepted rows and their held keys once the records are written: protecting a
        national release's cells needs the memory."""
        self.accepted = self.accepted.iloc[:0]
        self.held = {}

    def with_keys(self) -> Cleansed:
        """Put the pseudonym columns in ``accepted``, waiting for them if they are still being made."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.attach(self.accepted)
        return self

    def key_parts(self, names: list[str]) -> Iterator[Part]:
        """The accepted rows' pseudonyms ``names`` in parts, as they are made (``PendingKeys.parts``),
        so each part's records can be written while the next is made; in parts of ``CHUNK_ROWS``
        if they are already in ``accepted``. Parts handed out are not kept in ``accepted``."""
        if self.pending is None:
            for start in range(0, len(self.accepted), reader.CHUNK_ROWS):
                stop = min(start + reader.CHUNK_ROWS, len(self.accepted))
                yield start, stop, {name: [k.decode() if k else None for k in self.held[name][start:stop].tolist()]
                                    if name in self.held else self.accepted[name].iloc[start:stop].tolist()
                                    for name in names if name in self.held or name in self.accepted}
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


def kept(schema: DatasetSchema) -> Callable[[str], bool]:
    """Which columns of an extract are read: all but personal ones it does not key or require."""
    wanted = schema.pseudonym_inputs() | set(schema.required)
    return lambda c: c not in schema.personal or c in wanted


def _scan(path: Path, encoding: str, schema: DatasetSchema, rows: int) -> tuple[list[str], Repeats]:
    """(every column read, the rows that may repeat one before them): the first pass over an extract."""
    columns = header(path, encoding, kept(schema))
    missing = [c for c in schema.required if c not in columns]
    if missing:
        raise ExtractError(
            f"{Path(path).name} does not match the '{schema.id}' schema: missing column(s) {', '.join(missing)}. "
            f"Expected at least: {', '.join(schema.required)}.")
    return columns, Repeats.scan(chunks(path, encoding, kept(schema), rows), lambda f: repeat_keys(f, schema))


def blank_rows(frame: pd.DataFrame, schema: DatasetSchema, x: np.ndarray) -> np.ndarray:
    """Rows empty in every required column (only rows without an easting can be)."""
    blank = np.isnan(x)
    blank[blank] = (frame.loc[blank, list(schema.required)] == "").all(axis=1).to_numpy()
    return blank


def repeat_keys(frame: pd.DataFrame, schema: DatasetSchema) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """The rows of a chunk that are duplicates if an earlier row has their key, and the key: the
    stripped unique ID of a row neither blank nor another dataset's (a row without one is never a
    duplicate: police.uk's ASB rows have none), or, where a dataset has no unique ID, every value."""
    if not schema.unique_column:
        return np.arange(len(frame)), None
    ids = stripped(frame[schema.unique_column])
    blank = blank_rows(frame, schema, numbers(frame[schema.x_column]))
    return np.flatnonzero(~other_rows(frame, schema) & ~blank & (ids != "")), ids


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
        ex, ny = transform("EPSG:4326", lon, lat)
        x, y = x.copy(), y.copy()
        x[fix], y[fix] = ex, ny
    return x, y, fix


def project(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y in ``crs`` as British National Grid, and which were repaired: WGS84 put in a British
    National Grid file's easting/northing columns is (``to_bng``); another declared CRS is simply
    transformed, which is no repair."""
    if crs.upper() == "EPSG:27700":
        return to_bng(x, y)
    east, north = transform(crs, x, y)
    return east, north, np.zeros(len(x), dtype=bool)


def transform(crs: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in ``crs`` as British National Grid. pyproj takes one point in arrays for a scalar
    (deprecated in numpy), which a chunk of an extract can be: it is given twice."""
    one = len(x) == 1
    east, north = Transformer.from_crs(crs, "EPSG:27700", always_xy=True).transform(
        np.repeat(x, 1 + one), np.repeat(y, 1 + one))
    return np.asarray(east, dtype=float)[::1 + one], np.asarray(north, dtype=float)[::1 + one]


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


@dataclass
class _Part:
    """One chunk's rows cleansed: each row's outcome before the extract's cut-off is known."""

    ok: np.ndarray                   # per row: accepted so far
    accepted: dict[str, np.ndarray]  # of the rows accepted so far (``ACCEPTED``)
    quarantined: tuple[np.ndarray, np.ndarray]     # (line, reason) of the rows quarantined
    other: np.ndarray                # lines of another dataset's rows
    agreement: Agreement


#: What is kept of each row accepted before the cut-off is known: ``Cleansed.accepted``'s columns,
#: its month (YYYYMM), the route that placed it, and whether its category or coordinates were repaired.
ACCEPTED = ("source_line", "period", "category", "area_code", "month", "route", "variant", "wgs84")


#: The accepted columns that hold labels: a few distinct ones each, kept as codes into them.
LABELS = ("period", "category", "area_code")


def _joined(parts: list[np.ndarray], labels: bool) -> np.ndarray | pd.Categorical:
    """One column from its chunks' parts; labels as a categorical (a byte or two per row instead
    of eight, so 10 million records hold 40 MB for them, not 240 MB)."""
    joined = np.concatenate(parts)
    parts.clear()
    return pd.Categorical(joined) if labels else joined


def _cleanse(path: Path, schema: DatasetSchema, areas: AreaIndex, pseudonymiser: Pseudonymiser,
             keys: Optional[BackgroundKeys], cutoff: Optional[int], converter: Optional[Converter]) -> Cleansed:
    """Cleanse ``path`` in chunks of ``CHUNK_ROWS`` data rows (after a first pass finding the rows
    that may repeat another), then quarantine what the whole extract's cut-off rules out."""
    path, rows = Path(path), reader.CHUNK_ROWS
    encoding, (columns, repeats) = decoded(path, lambda enc: _scan(path, enc, schema, rows))
    try:
        line = row_lines(path, repeats.n, MAX_ROW_BYTES)                  # header is line 1
    except RowTooLong as exc:
        raise ExtractError(too_long(path, exc)) from exc
    parts = [_chunk(frame, start, line, schema, areas, converter, repeats)
             for start, frame in zip(itertools.count(0, rows), chunks(path, encoding, kept(schema), rows))]
    n = repeats.n
    ok = np.concatenate([part.ok for part in parts])
    accepted = {name: _joined([part.accepted.pop(name) for part in parts], name in LABELS) for name in ACCEPTED}
    quarantined = [np.concatenate([part.quarantined[i] for part in parts]) for i in (0, 1)]
    other = np.concatenate([part.other for part in parts])
    agreement = sum((part.agreement for part in parts), Agreement())
    del parts
    month = accepted["month"]
    last = latest_complete(month) if cutoff is None else cutoff
    if last is not None:
        late = month > last
        ok[np.flatnonzero(ok)[late]] = False
        why = (f"dated after the extract's cut-off {month_label(last)}: " +
               ("declared with --cutoff" if cutoff else "its latest complete month; later months hold too few rows "
                                                        "(declare --cutoff if the extract covers them)"))
        lines = np.concatenate([quarantined[0], accepted["source_line"][late]])
        order = np.argsort(lines, kind="stable")
        quarantined = [lines[order], np.concatenate([quarantined[1], np.full(late.sum(), why, dtype=object)])[order]]
        for name in accepted if late.any() else ():          # a column at a time: one copy at once
            accepted[name] = accepted[name][~late]
    if not ok.any():
        raise ExtractError(f"{path.name}: none of its {n} rows can be used ({summary(quarantined[1])}), so nothing "
                           "is published and the current release stays; fix the extract and ingest it again")
    pending = PendingKeys(keys, pseudonymiser, path, None, ok, schema.pseudonyms)
    extra = [c for c in columns if c not in schema.required and c not in schema.pseudonym_inputs()]
    repaired = {"category_variant_mapped": int(accepted["variant"].sum()),
                "wgs84_coordinates_reprojected": int(accepted["wgs84"].sum())}
    routes = pd.Series(accepted["route"]).value_counts()
    return Cleansed(pd.DataFrame({name: accepted[name] for name in ACCEPTED[:4]}),
                    pd.DataFrame({"source_line": quarantined[0], "reason": quarantined[1]}), n,
                    encoding_name(encoding), extra, repaired,
                    None if last is None else month_label(last), None if cutoff is None else month_label(cutoff),
                    pending, other, {"routes": {k: int(v) for k, v in routes.sort_index().items()},
                                     **agreement.summary()} if schema.area_column else {},
                    filter_text(schema.row_filter))


def _chunk(frame: pd.DataFrame, start: int, line: np.ndarray, schema: DatasetSchema, areas: AreaIndex,
           converter: Optional[Converter], repeats: Repeats) -> _Part:
    """Cleanse the data rows ``start`` on (``frame``), in the order of the reasons: the first found wins."""
    n = len(frame)
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
    blank = blank_rows(frame, schema, x)
    reject(blank, "blank row")
    first = repeats.first(frame, start)
    dup = first != np.arange(start, start + n)
    if not schema.unique_column:
        dup &= ~blank
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
    reject(placed.reason != None, placed.reason)  # noqa: E711
    mine = line[start:start + n]
    kept_rows = dict(zip(ACCEPTED, (mine[ok], period[ok], category[ok], placed.area[ok], month[ok], placed.route[ok],
                                    variant[ok], wgs84[ok])))
    return _Part(ok, kept_rows, (mine[~ok & ~other], reason[~ok & ~other]), mine[other], placed.check)
