"""Placing rows in census areas: by the area code a file gives, else by the row's coordinates.

police.uk derives each crime's LSOA code from full-resolution boundaries; the hub holds generalised
ones, so a point near an edge can fall in the neighbouring area. The code is therefore trusted
where a row has one (converted to the hub's vintage where the census changed it), and the point
is used only where it has none. Both routes are counted, and on rows that have both the hub
measures how far they disagree, so each release says what the choice changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Protocol

import numpy as np
import pandas as pd

from jin_hub.geography import AreaIndex

BY_POINT = "coordinates"
SAME = "same vintage"
NO_LOCATION = "no location: neither coordinates nor an area code"
OUTSIDE = "coordinates outside the loaded boundaries"
UNKNOWN_CODE = ("area code not among the hub's areas (cross-border, or another census vintage: load the "
                "2011-2021 lookup with jin-hub load-lookup)")


class Converter(Protocol):
    """Turns area codes of either census vintage into the hub's (``jin_hub.vintages``)."""

    def convert(self, codes: np.ndarray, x: np.ndarray, y: np.ndarray, areas: AreaIndex
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...


@dataclass
class Agreement:
    """How placing by point would differ on the rows placed by code that have a point, as counts
    that add up over the chunks of an extract: those rows, those whose point is in another area,
    and the rows per area by code and by point."""

    rows: int = 0
    moved: int = 0
    by_code: pd.Series = field(default_factory=lambda: pd.Series(dtype=np.int64))
    by_point: pd.Series = field(default_factory=lambda: pd.Series(dtype=np.int64))

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(self.rows + other.rows, self.moved + other.moved,
                         self.by_code.add(other.by_code, fill_value=0).astype(np.int64),
                         self.by_point.add(other.by_point, fill_value=0).astype(np.int64))

    def summary(self) -> dict:
        """Rows that would move, and per area the mean absolute difference in counts against the
        median count; empty when no row has both."""
        if not self.rows:
            return {}
        by_code, by_point = self.by_code.sort_index(), self.by_point.sort_index()
        diff = by_code.sub(by_point, fill_value=0).abs()
        return {"rows_with_code_and_point": self.rows, "rows_whose_point_is_in_another_area": self.moved,
                "mean_area_count_difference": round(float(diff.mean()), 2),
                "median_area_count": float(by_code.median())}


@dataclass
class Placed:
    """Per row: area (or None), the route that placed it (or None), the reason it could not be."""

    area: np.ndarray
    route: np.ndarray
    reason: np.ndarray
    check: Agreement


def by_code(codes: np.ndarray, x: np.ndarray, y: np.ndarray, areas: AreaIndex,
            converter: Optional[Converter]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes to areas: through ``converter`` when the hub has a vintage lookup, else only codes
    of areas the hub holds."""
    if converter is not None:
        return converter.convert(codes, x, y, areas)
    known = pd.Index(areas.codes).get_indexer(codes) >= 0
    area = np.where(known, codes, None).astype(object)
    route = np.where(known, SAME, None).astype(object)
    return area, route, np.where(known, None, UNKNOWN_CODE).astype(object)


def place(codes: Optional[np.ndarray], x: np.ndarray, y: np.ndarray, areas: AreaIndex, rows: np.ndarray,
          converter: Optional[Converter] = None) -> Placed:
    """Place ``rows`` (a mask): by ``codes`` (stripped text, '' for none) where given, else by
    the point (x, y in British National Grid, NaN for none)."""
    n = len(x)
    area, route, reason = (np.full(n, None, dtype=object) for _ in range(3))
    has_point = np.isfinite(x) & np.isfinite(y)
    coded = rows & (codes != "") if codes is not None else np.zeros(n, dtype=bool)
    if coded.any():
        area[coded], route[coded], reason[coded] = by_code(codes[coded], x[coded], y[coded], areas, converter)
    pointed = rows & ~coded & has_point
    area[pointed] = areas.assign(x[pointed], y[pointed])
    route[pointed] = np.where(area[pointed] == None, None, BY_POINT)  # noqa: E711
    reason[pointed] = np.where(area[pointed] == None, OUTSIDE, None)  # noqa: E711
    reason[rows & ~coded & ~has_point] = NO_LOCATION
    return Placed(area, route, reason, agreement(area, x, y, areas, coded & has_point & (area != None)))  # noqa: E711


def agreement(area: np.ndarray, x: np.ndarray, y: np.ndarray, areas: AreaIndex, both: np.ndarray) -> Agreement:
    """How placing by point would differ, on the rows placed by code that have a point (``both``)."""
    if not both.any():
        return Agreement()
    by_point = areas.assign(x[both], y[both])
    return Agreement(int(both.sum()), int((by_point != area[both]).sum()),
                     pd.Series(area[both]).value_counts(), pd.Series(by_point).value_counts())
