"""Period codes the hub publishes, and the months each one covers.

A release publishes months (``2024-03``) and, where its release policy allows multi-month
periods, complete calendar years (``2024``), complete financial years (``FY2024`` = Apr 2024 –
Mar 2025, the UK public-sector year) and the latest rolling 12 months (``L12-2025-03`` = Apr
2024 – Mar 2025). Only this fixed set is published: arbitrary month ranges would let anyone
difference two overlapping ranges down to a single small month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

_MONTH = r"\d{4}-(?:0[1-9]|1[0-2])"
#: Every well-formed period code (for API query validation).
PATTERN = rf"^(?:{_MONTH}|\d{{4}}|FY\d{{4}}|L12-{_MONTH})$"
#: Kinds in catalogue order: a release lists its months first, then the multi-month periods.
KINDS = {"month": re.compile(_MONTH), "year": re.compile(r"\d{4}"), "fy": re.compile(r"FY\d{4}"),
         "rolling": re.compile(rf"L12-{_MONTH}")}
#: How an error message or the catalogue names each kind.
NAMES = {"month": "months", "year": "calendar years", "fy": "financial years", "rolling": "the latest 12 months"}
HELP = ("YYYY-MM (a month), YYYY (a calendar year), FYyyyy (a financial year, April to March: FY2024 = "
        "Apr 2024 – Mar 2025) or L12-YYYY-MM (the 12 months to that month)")
FY_START = 4            # April
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def kind(period: str) -> str:
    """'month', 'year', 'fy' or 'rolling'; ValueError for anything else."""
    for name, pattern in KINDS.items():
        if pattern.fullmatch(period):
            return name
    raise ValueError(f"'{period}' is not a period code: use {HELP}")


def kinds(values: pd.Series) -> np.ndarray:
    """``kind`` of every value (mapped once per distinct code: a column has few)."""
    return values.map({p: kind(p) for p in values.unique()}).to_numpy(dtype=object)


def _index(month: str) -> int:
    """Months since year 0, so spans are integer arithmetic."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _name(month: str) -> str:
    """'2025-03' → 'Mar 2025'."""
    return f"{MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


def span(period: str) -> tuple[str, str]:
    """(first month, last month) a period covers."""
    k = kind(period)
    if k == "month":
        return period, period
    if k == "year":
        return f"{period}-01", f"{period}-12"
    start = int(period[2:]) * 12 + FY_START - 1 if k == "fy" else _index(period[4:]) - 11   # rolling: 12 to it
    return _month(start), _month(start + 11)


def months(period: str) -> list[str]:
    """Every month a period covers, in order."""
    first, last = span(period)
    return [_month(i) for i in range(_index(first), _index(last) + 1)]


def label(period: str) -> str:
    """Readable name: 'Mar 2025', '2024 (calendar year)', 'Apr 2024 – Mar 2025 (financial year)',
    '12 months to Mar 2025' (English month names whatever the server's locale)."""
    first, last = span(period)
    k = kind(period)
    if k == "month":
        return _name(first)
    if k == "year":
        return f"{period} (calendar year)"
    if k == "fy":
        return f"{_name(first)} – {_name(last)} (financial year)"
    return f"12 months to {_name(last)}"


def order(period: str) -> tuple[int, str]:
    """Sort key: months, then calendar years, financial years, rolling 12 months; by date within each."""
    return list(KINDS).index(kind(period)), period


def multi_month(present: Iterable[str]) -> list[str]:
    """The multi-month periods a release whose data has the months ``present`` publishes: calendar
    and financial years whose 12 months all lie within the data's month span, and the 12 months to
    the latest month when the data spans at least 12 months.

    Every one is a whole 12 months. A part-year would look like a fall, and it would sit inside the
    rolling 12 months, whose difference from it is a short month range: exactly what publishing no
    arbitrary ranges prevents. With whole periods only, any count an attacker derives by adding and
    subtracting them spans a multiple of 12 months, like the periods themselves.
    """
    index = sorted({_index(m) for m in present})
    if not index:
        return []
    lo, hi = index[0], index[-1]
    candidates = [str(y) for y in range(lo // 12, hi // 12 + 1)] + [f"FY{y}" for y in range(lo // 12 - 1, hi // 12 + 1)]
    whole = [c for c in candidates if lo <= _index(span(c)[0]) and _index(span(c)[1]) <= hi]
    return whole + ([f"L12-{_month(hi)}"] if hi - lo >= 11 else [])


def twins(codes: Iterable[str]) -> dict[str, str]:
    """{rolling period: the calendar or financial year covering exactly the same months}.

    The 12 months to December or March are a whole year: published as a copy of that year's cells,
    they can never disagree with it about what is withheld.
    """
    codes = list(codes)
    years = {span(c): c for c in codes if kind(c) in ("year", "fy")}
    return {c: years[span(c)] for c in codes if kind(c) == "rolling" and span(c) in years}


def cover(codes: Iterable[str]) -> pd.DataFrame:
    """(month, period) for every month of every multi-month period in ``codes``: how months add up."""
    pairs = [(m, c) for c in dict.fromkeys(codes) if kind(c) != "month" for m in months(c)]
    return pd.DataFrame(pairs, columns=["month", "period"], dtype=object)


def spread(frame: pd.DataFrame, covering: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s rows (``period`` a month) once for every period of ``covering`` containing that
    month, with ``period`` set to it: the rows that add up to each multi-month period."""
    hit = pd.DataFrame({"month": frame["period"].to_numpy(), "row": np.arange(len(frame))}).merge(
        covering, on="month")
    return frame.iloc[hit["row"].to_numpy()].reset_index(drop=True).assign(period=hit["period"].to_numpy())
