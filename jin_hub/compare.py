"""Two datasets side by side per area, for the web pages' bivariate map and scatter: each area's
two published values, and the 3 × 3 classes the QGIS plugin draws (``jin_plugin.core.bivariate``:
each measure cut into thirds over its own published values, Joshua Stevens' palette).

Only published cells go in (``Store.values``): an area where either value is withheld is listed
as such and drawn hatched, never placed in a class or on the scatter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jin_hub.store import NotFound, Store

#: PALETTE[row][col]: row = third of y (0 low), col = third of x (0 low): the plugin's colours.
PALETTE = (("#e8e8e8", "#e4acac", "#c85a5a"),
           ("#b0d5df", "#ad9ea5", "#985356"),
           ("#64acbe", "#627f8c", "#574249"))


@dataclass(frozen=True)
class Side:
    """One measure of the comparison."""

    dataset: str
    period: str | None
    category: str
    measure: str              # "rate" or "count"


def _values(store: Store, side: Side, geography: str) -> tuple[dict, dict[str, float | None], set[str]]:
    """(entry with the period used, {area: published value or None}, areas withheld)."""
    entry, period, table = store.values(side.dataset, geography, side.period, side.category)
    if side.measure not in entry["measures"]:
        raise NotFound(f"dataset '{side.dataset}' publishes {' and '.join(entry['measures'])}, not "
                       f"'{side.measure}'")
    at = 2 if side.measure == "rate" else 0
    return ({**entry, "period": period}, {code: value[at] for code, value in table.items()},
            {code for code, value in table.items() if value[1]})


def _thirds(values: list[float]) -> tuple[float, float] | None:
    """The two cut points splitting the published values into thirds (None for fewer than 3)."""
    if len(values) < 3:
        return None
    lo, hi = np.quantile(np.array(values, dtype=float), [1 / 3, 2 / 3])
    return float(lo), float(hi)


def _third(value: float, cuts: tuple[float, float]) -> int:
    return 0 if value <= cuts[0] else 1 if value <= cuts[1] else 2


def _spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rank correlation of the pairs (ties at their mean rank)."""
    if len(xs) < 3:
        return None
    rx, ry = pd.Series(xs).rank(), pd.Series(ys).rank()
    if rx.std() == 0 or ry.std() == 0:
        return None
    return round(float(np.corrcoef(rx, ry)[0, 1]), 3)


def compare(store: Store, geography: str, x: Side, y: Side) -> dict:
    """Both measures of every area: classes, scatter pairs, withheld areas and the correlation."""
    (x_entry, xs, x_held), (y_entry, ys, y_held) = _values(store, x, geography), _values(store, y, geography)
    x_cuts = _thirds([v for v in xs.values() if v is not None])
    y_cuts = _thirds([v for v in ys.values() if v is not None])
    if x_cuts is None or y_cuts is None:
        raise NotFound(f"a comparison needs at least three areas with a published value of each measure on "
                       f"{geography}: choose a longer period or a coarser geography")
    rows, withheld, missing = [], [], []
    for code in sorted(xs.keys() & ys.keys()):
        if code in x_held or code in y_held:
            withheld.append(code)
        elif xs[code] is None or ys[code] is None:
            missing.append(code)            # e.g. a rate without a denominator
        else:
            rows.append([code, xs[code], ys[code], 3 * _third(ys[code], y_cuts) + _third(xs[code], x_cuts)])

    def described(side: Side, entry: dict, cuts: tuple[float, float]) -> dict:
        unit = entry["rate"]["label"] if side.measure == "rate" else entry["units"]
        return {"dataset": side.dataset, "title": entry["title"], "period": entry["period"],
                "category": side.category, "measure": side.measure, "unit": unit, "cuts": cuts,
                "release": entry["release"]["id"], "disclosure": entry["disclosure"]["rule"]}

    return {"geography": geography, "x": described(x, x_entry, x_cuts), "y": described(y, y_entry, y_cuts),
            "palette": PALETTE, "fields": ["area_code", "x", "y", "class"], "rows": rows,
            "withheld": withheld, "missing": missing,
            "spearman": _spearman([r[1] for r in rows], [r[2] for r in rows])}
