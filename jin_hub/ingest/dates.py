"""Reading the month of an event from the date strings partner systems emit.

Extracts mix formats (an ISO timestamp from one system, a UK day-first date typed by hand in
another), so each value is tried against ``DATE_FORMATS`` in order; the first that fits wins.
A million values through ``pandas.to_datetime`` cost most of a second, so values written exactly
in one of the zero-padded numeric formats are checked and read as character columns in numpy;
only the rest (unpadded days, month names, stray spaces, rubbish) go to pandas, each distinct
string once. Both paths agree value for value: the fast one only accepts what the slow one would
read identically, and ``tests/hub/test_dates.py`` holds them to that.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Optional

import numpy as np
import pandas as pd

#: Date formats partner systems emit, tried in order (UK day-first where ambiguous).
DATE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%d-%m-%Y")

#: Years an event can plausibly have happened in; a date outside is a typo, quarantined.
PLAUSIBLE = (1900, 2100)
#: A month is complete when it holds at least this share of a typical month's records.
COMPLETE_SHARE = 0.5
#: Years read on the fast path (the rest take the slow one, whatever they are).
FAST_YEARS = (1900, 2199)
_WIDTH = {"Y": 4, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2}
_LIMIT = {"m": (1, 12), "d": (1, 31), "H": (0, 23), "M": (0, 59), "S": (0, 59)}
_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def fixed_layout(fmt: str) -> tuple[dict[str, int], dict[int, str]] | None:
    """(field -> first character, literal characters by position) of a format made only of
    zero-padded numeric fields and literals; None for any other format (month names)."""
    fields: dict[str, int] = {}
    literals: dict[int, str] = {}
    pos = 0
    for token in re.findall(r"%.|[^%]", fmt):
        if token.startswith("%"):
            if token[1] not in _WIDTH:
                return None
            fields[token[1]] = pos
            pos += _WIDTH[token[1]]
        else:
            literals[pos] = token
            pos += 1
    return fields, literals


def _fixed_months(chars: np.ndarray, fmt: str) -> np.ndarray | None:
    """YYYYMM (as float; NaN where the value is not exactly ``fmt``) of each row of ``chars`` (code
    points, one column per character, 0 past the end); None when ``fmt`` is not fixed-width."""
    layout = fixed_layout(fmt)
    if layout is None:
        return None
    fields, literals = layout
    width = _width(layout)
    n = len(chars)
    if chars.shape[1] <= width:
        return np.full(n, np.nan)
    ok = (chars[:, width - 1] != 0) & (chars[:, width] == 0)            # exactly ``width`` characters
    for pos, char in literals.items():
        ok &= chars[:, pos] == ord(char)
    value = {}
    for field, start in fields.items():
        number = np.zeros(n, dtype=np.int32)
        for pos in range(start, start + _WIDTH[field]):
            digit = chars[:, pos].astype(np.int32) - ord("0")
            ok &= (digit >= 0) & (digit <= 9)
            number = number * 10 + digit
        value[field] = number
        if field in _LIMIT:
            low, high = _LIMIT[field]
            ok &= (number >= low) & (number <= high)
    year, month = value["Y"], np.clip(value["m"], 1, 12)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok &= (year >= FAST_YEARS[0]) & (year <= FAST_YEARS[1]) & (value["d"] <= _DAYS[month] + (leap & (month == 2)))
    return np.where(ok, year * 100 + month, np.nan)


def parse_dates(values: pd.Series) -> pd.Series:
    """Timestamps of mixed-format date strings, NaT where no format fits (surrounding spaces are
    ignored); each distinct string parsed once, format by format."""
    codes, uniques = pd.factorize(values, sort=False)
    text = pd.Series(uniques, dtype=object).str.strip()
    found = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for fmt in DATE_FORMATS:
        todo = found.isna() & (text != "")
        if not todo.any():
            break
        found[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    parsed = found.to_numpy()[codes]
    parsed[codes < 0] = np.datetime64("NaT")
    return pd.Series(parsed, index=values.index)


def months(values: pd.Series) -> np.ndarray:
    """YYYYMM of each date string as a float (NaN where unreadable), as ``parse_dates`` reads it."""
    text = values.to_numpy(dtype=object)
    out = np.full(len(text), np.nan)
    chars = _characters(text, max((_fixed_width(f) for f in DATE_FORMATS), default=0) + 1)
    todo = np.arange(len(text))                     # rows not read yet
    for fmt in DATE_FORMATS:
        if chars is None or not len(todo):
            break
        found = _fixed_months(chars if len(todo) == len(chars) else chars[todo], fmt)
        if found is None:                           # a format with names: the rest go to pandas
            break                                   # (keeping the formats' order of precedence)
        hit = np.isfinite(found)
        out[todo[hit]] = found[hit]
        todo = todo[~hit]
    if len(todo):
        when = parse_dates(values.iloc[todo])
        out[todo] = (when.dt.year * 100 + when.dt.month).to_numpy(dtype=float)
    return out


def _characters(text: np.ndarray, width: int) -> np.ndarray | None:
    """The code points of each string, one column per character up to ``width``, 0 past the end;
    a byte each when all are ASCII (the usual case: half the time of four bytes each). None when
    not all are strings."""
    for dtype, unit in ((f"S{width}", np.uint8), (f"U{width}", np.uint32)):
        try:
            return text.astype(dtype).view(unit).reshape(len(text), width)
        except UnicodeEncodeError:                  # not ASCII: four bytes a character, then
            continue
        except (TypeError, ValueError):
            return None
    return None  # pragma: no cover - any str fits U


def month_label(month: float) -> str:
    """202412 → '2024-12'."""
    return f"{int(month) // 100:04d}-{int(month) % 100:02d}"


def month_labels(month: np.ndarray) -> np.ndarray:
    """'YYYY-MM' (None where NaN) for each YYYYMM, formatting each distinct month once."""
    codes, uniques = pd.factorize(month, sort=False)
    labels = np.array([month_label(m) for m in uniques] + [None], dtype=object)
    return labels[codes]                            # NaN's code -1 picks the None at the end


def _width(layout: tuple[dict[str, int], dict[int, str]]) -> int:
    """Characters in a value of a fixed layout (``fixed_layout``)."""
    return sum(_WIDTH[f] for f in layout[0]) + len(layout[1])


def _fixed_width(fmt: str) -> int:
    """Characters in a value of a fixed-width format (0 for any other)."""
    layout = fixed_layout(fmt)
    return 0 if layout is None else _width(layout)


def month_number(label: str) -> int:
    """'2024-12' → 202412; ValueError naming the expected form for anything else."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", label or ""):
        raise ValueError(f"'{label}' is not a month: give it as YYYY-MM, e.g. 2024-12")
    return int(label[:4]) * 100 + int(label[5:])


def this_month(now: Optional[datetime] = None) -> int:
    """YYYYMM of the month (UTC) the ingest runs in: no event can have happened after it."""
    now = now or datetime.now(timezone.utc)
    return now.year * 100 + now.month


def latest_complete(month: np.ndarray) -> Optional[int]:
    """The latest month (YYYYMM) of ``month`` (NaN ignored) that holds at least ``COMPLETE_SHARE``
    of a typical month's records, None if there are none.

    A typical month is the median record's month, i.e. the median of the months' counts weighted
    by their records: a stray record or two dated into a later month then never make that month
    complete, and a long tail of old months with a record each does not lower the bar either.
    """
    found, counts = np.unique(month[np.isfinite(month)], return_counts=True)
    if not len(found):
        return None
    ordered = np.sort(counts)
    typical = ordered[np.searchsorted(np.cumsum(ordered), ordered.sum() / 2)]
    return int(found[counts >= COMPLETE_SHARE * typical][-1])


def label_months(labels: np.ndarray) -> np.ndarray:
    """YYYYMM (float, NaN where None) of each 'YYYY-MM' label, reading each distinct label once."""
    codes, uniques = pd.factorize(labels, sort=False)
    numbers = np.array([float(month_number(u)) for u in uniques] + [np.nan])
    return numbers[codes]
