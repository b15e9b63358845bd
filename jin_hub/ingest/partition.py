"""Disclosure control in parts: the cells of different top-level areas share no margin.

Every margin an attacker can use sums the cells of one area (over periods or categories) or of
one area's children: all of its cells lie under one area of the coarsest published geography
(a district, when districts are published and every finer geography nests in them). So the
protection problem of a whole release splits into independent problems, one per such area, and
solving them in groups of a bounded size gives the same cells as solving them at once, in
memory that grows with the group, not the country: a national release holds about 35,000 LSOAs,
and its problem whole, with every hidden zero made explicit, takes gigabytes.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

#: Cells of a group at most, every zero counted (unless one area alone has more): the problem of
#: a group, its hidden zeros made explicit, then takes a few hundred MB to solve.
GROUP_CELLS = 500_000

Pairs = dict[tuple[str, str], dict[str, str]]


def top_areas(cells: pd.DataFrame, pairs: Pairs) -> tuple[str, np.ndarray] | None:
    """The coarsest geography of ``cells`` and each cell's area in it, or None when the
    geographies do not all nest in one coarsest geography (then the problem cannot be split)."""
    geographies = list(cells["geography"].unique())
    tops = [g for g in geographies if not any((g, other) in pairs for other in geographies)]
    if len(tops) != 1 or any(g != tops[0] and (g, tops[0]) not in pairs for g in geographies):
        return None
    top = tops[0]
    out = np.empty(len(cells), dtype=object)
    for geography in geographies:
        rows = (cells["geography"] == geography).to_numpy()
        codes = cells.loc[rows, "area_code"]
        out[rows] = codes.to_numpy() if geography == top else codes.map(pairs[(geography, top)]).to_numpy()
    return None if pd.isna(out).any() else (top, out)


def groups(cells: pd.DataFrame, pairs: Pairs, earlier: pd.DataFrame | None = None,
           most: int = GROUP_CELLS) -> Iterator[tuple[np.ndarray, Pairs, pd.DataFrame | None]]:
    """(which cells, the pairs restricted to their areas, the earlier cells of their areas) for
    groups of whole top-level areas of about ``most`` cells each, counting every cell their areas
    could have (most are zeros, which the problem holds too); one group of everything when the
    problem cannot be split."""
    found = top_areas(cells, pairs)
    before = earlier if earlier is not None else cells.iloc[:0]
    before_area = top_areas(before, pairs) if len(before) else (None, np.array([], dtype=object))
    bins = None
    if found is not None and before_area is not None and before_area[0] in (None, found[0]):
        top, area = found
        tops = pd.Index(sorted(set(area)))
        under_each = np.ones(len(tops))
        for (_, parent), lookup in pairs.items():
            if parent == top:
                under_each += pd.Series(list(lookup.values())).value_counts().reindex(tops, fill_value=0).to_numpy()
        cells_each = under_each * cells["period"].nunique() * cells["category"].nunique()
        bins = (np.cumsum(cells_each) - 1) // most                  # consecutive areas, ~most cells a bin
    if bins is None or len(np.unique(bins)) < 2:
        yield np.ones(len(cells), dtype=bool), pairs, earlier
        return
    for b in np.unique(bins):
        chosen = set(tops[bins == b])
        under = {child: {c for c, p in lookup.items() if p in chosen}
                 for (child, parent), lookup in pairs.items() if parent == top}
        under[top] = chosen
        restricted = {(child, parent): {c: p for c, p in lookup.items() if c in under.get(child, ())}
                      for (child, parent), lookup in pairs.items()}
        theirs = None if earlier is None else before[np.isin(before_area[1], list(chosen))]
        yield np.isin(area, list(chosen)), restricted, theirs
