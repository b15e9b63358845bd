"""Data-quality flags: months whose count of a category lies far outside the dataset's own usual
range, so an analyst is warned before reading a gap in the data as a fall in crime.

police.uk's Nottinghamshire files are the case in point: September 2024 holds 800 anti-social
behaviour records against 1,700–3,100 in each of the other 23 months; it is missing data, and a
map of that month (or of a year containing it) shows a fall that never happened.

Method, per category (and the ``all`` total), for each month: the category's counts in the
dataset's *other* months give its usual level and spread, as the median and the median absolute
deviation (MAD) of log(count + 1). Logs, because counts vary by ratios (a month half the usual is
as odd for 40 as for 4,000); median and MAD, because one bad month, or a few, move them hardly at
all where a mean and standard deviation would widen to accept it; leaving the month out, so it is
not judged against itself. The usual range is the median ± ``SPREAD`` robust standard deviations
(1.4826 × MAD), back on the count scale. The spread is never taken as less than counting noise
(a Poisson count's standard deviation on the log scale, 1/√median), so a steady small category
does not call 9 against its usual 12 odd. A month is flagged when its count lies outside the usual
range by at least ``MIN_GAP`` records too, so 2 against a usual 5 is never flagged, and only once
the category has ``MIN_MONTHS`` other months to judge by. A category with no records in a month
the dataset has records in counts as 0 there; a month with no records at all is not judged (it is
not a month of the release).

The counts judged are the release's published ones (``published_months``), never the true
counts: a flag states a month's count, and a true total beside noisy or withheld cells would
undo their protection. A count withheld in any area is unknown, and neither judged nor used.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from jin_hub import nesting, periods

#: How many robust standard deviations from the usual level a month must lie to be flagged. Of
#: police.uk's 24 real months × 15 series (14 crime types and the total), 3 to 5 flag September
#: 2024's anti-social behaviour; 4.5 flags nothing else (3.5 flags one ordinary month, 3 two),
#: nor any month of the synthetic demo datasets (4 flags one).
SPREAD = 4.5
#: Fewest other months a category needs before any of its months is judged.
MIN_MONTHS = 6
#: Fewest records a count must lie outside the usual range by (small categories are noisy).
MIN_GAP = 10
#: MAD × this estimates the standard deviation of normally distributed values.
MAD_SCALE = 1.4826


def _flag_note(category: str, month: str, count: int, typical: float, bounds: list[int], others: int,
               kind: str) -> str:
    """A plain English sentence saying what is odd about one month and what it may mean."""
    what = "records in all" if category == "all" else f"'{category}' records"
    hint = ("Records may be missing: a fall here may not be real." if kind == "low"
            else "Records may be duplicated, or how they are recorded may have changed.")
    return (f"{periods.label(month)}: {count:,} {what}, {count / max(typical, 1):.0%} of the usual {typical:,.0f} "
            f"(the median of the dataset's other {others} months; {bounds[0]:,} to {bounds[1]:,} would be "
            f"ordinary). {hint}")


def published_months(cells: pd.DataFrame) -> pd.DataFrame:
    """Month × category counts (period, category, count) of a release's published ``cells``
    (geography, area_code, period, category, count, suppressed), summed over the areas of its
    coarsest geography: the figures anyone can add up from the release, so a flag tells nothing
    the release does not. A month and category with any cell withheld there has count NaN
    (unknown), and is not judged."""
    top = max(cells["geography"].unique(), key=nesting.rank)
    rows = cells[(cells["geography"] == top).to_numpy() & (periods.kinds(cells["period"]) == "month")]
    grouped = rows.assign(count=rows["count"].astype(float)).groupby(["period", "category"], sort=True)
    summed = grouped.agg(count=("count", "sum"), withheld=("suppressed", "any")).reset_index()
    return summed.assign(count=summed["count"].mask(summed["withheld"])).drop(columns="withheld")


def _table(counts: pd.DataFrame) -> pd.DataFrame:
    """Months × categories of the month rows of ``counts``: 0 where a category has no row in a
    month the dataset has, NaN where its count is unknown."""
    months = counts[periods.kinds(counts["period"].astype(str)) == "month"]
    summed = months.groupby(["period", "category"])["count"].sum(min_count=1)
    return summed.fillna(-1).unstack("category", fill_value=0).sort_index().replace(-1, np.nan)


def flags(counts: pd.DataFrame, spread: float = SPREAD, min_months: int = MIN_MONTHS,
          min_gap: int = MIN_GAP) -> list[dict]:
    """The months of ``counts`` (columns period, category, count; months, ``all`` included; any
    multi-month periods are ignored; NaN: unknown) whose count lies outside the category's usual
    range, as {"period", "category", "count", "usual": [lo, hi] (the counts that would not be
    flagged), "median", "kind": "low"|"high", "note"}, in period then category order. See the
    module docstring for the method."""
    table = _table(counts) if len(counts) else pd.DataFrame()
    n = len(table)
    if n - 1 < min_months:
        return []
    values = table.to_numpy(float)                               # months × categories
    logs = np.log1p(values)
    # Leave-one-out: row i of each stack is every month but i, so median and MAD are per month.
    rest = np.stack([logs[keep] for keep in ~np.eye(n, dtype=bool)])
    judged = np.isfinite(values) & (np.isfinite(rest).sum(axis=1) >= min_months)
    with warnings.catch_warnings():              # a category unknown in every other month: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(rest, axis=1)
        mad = np.nanmedian(np.abs(rest - centre[:, None, :]), axis=1)
    usual = np.expm1(centre)
    scale = np.maximum(MAD_SCALE * mad, 1 / np.sqrt(np.maximum(usual, 1)))
    lo = np.maximum(np.floor(np.expm1(centre - spread * scale)), 0)
    hi = np.ceil(np.expm1(centre + spread * scale))
    low = judged & (values < lo) & (lo - values >= min_gap)
    high = judged & (values > hi) & (values - hi >= min_gap)
    out = []
    for i, j in zip(*np.nonzero(low | high)):
        month, category = str(table.index[i]), str(table.columns[j])
        kind = "low" if low[i, j] else "high"
        count, bounds = int(values[i, j]), [int(lo[i, j]), int(hi[i, j])]
        others = int(np.isfinite(rest[i, :, j]).sum())
        out.append({"period": month, "category": category, "count": count, "usual": bounds,
                    "median": round(float(usual[i, j])), "kind": kind,
                    "note": _flag_note(category, month, count, usual[i, j], bounds, others, kind)})
    return out


def touching(found: list[dict], codes: Iterable[str], category: str | None = None) -> list[dict]:
    """The flags of ``found`` whose month lies in any of the period codes ``codes`` (months, or
    multi-month periods such as ``2024``, ``FY2024``, ``L12-2024-12``) and, when ``category`` is
    given, that concern it: flags of that category or of the ``all`` total (a gap in the total may
    be a gap in any of its categories); for ``all`` itself, every flag (a gap in a category is one
    in the total)."""
    covered = {m for code in codes for m in periods.months(code)}
    return [f for f in found if f["period"] in covered
            and (category in (None, "all") or f["category"] in (category, "all"))]


def release_flags(cells: pd.DataFrame) -> list[dict]:
    """The flags of a release's published ``cells`` (``published_months``, ``flags``), each with
    "periods": the release's period codes that include its month, so that a client can tell which
    of its layers a flag touches without period arithmetic of its own."""
    codes = sorted(cells["period"].unique().tolist(), key=periods.order)
    found = flags(published_months(cells))
    if len(set(cells["category"]) - {"all"}) == 1:      # one category: its total's flag says it again
        said = {f["period"] for f in found if f["category"] != "all"}
        found = [f for f in found if f["category"] != "all" or f["period"] not in said]
    return [flag | {"periods": [c for c in codes if touching([flag], [c])]} for flag in found]
