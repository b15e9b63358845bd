"""The margins disclosure control protects are every additive relation between published cells:
found by numbering the key columns, they must be exactly those found by looking keys up one by one."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from jin_hub import periods
from jin_hub.ingest.disclosure import margins

PARENTS = {("oa", "lsoa"): {"O1": "L1", "O2": "L1", "O3": "L1", "O4": "L2", "O5": "L2", "O6": "L2"},
           ("oa", "msoa"): {"O1": "M1", "O2": "M1", "O3": "M1", "O4": "M1", "O5": "M1"},     # O6's parent unknown
           ("lsoa", "msoa"): {"L1": "M1", "L2": "M1"}}


def sparse_cells(seed: int) -> pd.DataFrame:
    """Cells of three geographies, 15 months and the multi-month periods they make up, two
    categories and 'all', with a third of them missing (as zero cells are)."""
    rng = np.random.default_rng(seed)
    months = [str(p) for p in pd.period_range("2024-01", "2025-03", freq="M")]
    codes = periods.multi_month(months)
    areas = {"oa": [f"O{i}" for i in range(1, 7)], "lsoa": ["L1", "L2"], "msoa": ["M1"]}
    rows = [(g, a, p, c) for g, names in areas.items() for a in names for p in [*months, *codes]
            for c in ("a", "b", "all")]
    keep = rng.random(len(rows)) > 0.33
    cells = pd.DataFrame([r for r, k in zip(rows, keep) if k], columns=["geography", "area_code", "period", "category"])
    return cells.sample(frac=1, random_state=seed).reset_index(drop=True).assign(count=1)


def plain_margins(cells: pd.DataFrame) -> Counter:
    """(total, members) of every margin, each key looked up on its own."""
    at = {key: i for i, key in enumerate(zip(cells["geography"], cells["area_code"], cells["period"],
                                              cells["category"]))}
    covering = periods.cover(cells["period"].unique())
    longer = covering.groupby("month")["period"].apply(list).to_dict()
    groups = defaultdict(list)
    for (geo, area, period, category), i in at.items():
        if category != "all" and (geo, area, period, "all") in at:
            groups["categories", at[geo, area, period, "all"]].append(i)
        for whole in longer.get(period, []):
            if (geo, area, whole, category) in at:
                groups["months", at[geo, area, whole, category]].append(i)
        for (child, parent), lookup in PARENTS.items():
            if geo == child and (parent, lookup.get(area), period, category) in at:
                groups[child, parent, at[parent, lookup[area], period, category]].append(i)
    return Counter((key[-1], tuple(sorted(members))) for key, members in groups.items())


def test_margins_are_every_relation_between_the_cells():
    for seed in range(5):
        cells = sparse_cells(seed)
        m = margins(cells, PARENTS)
        found = Counter((int(total), tuple(sorted(m.member[m.member_of == k].tolist())))
                        for k, total in enumerate(m.total))
        assert found == plain_margins(cells)
        assert len(found) > 100


def test_a_total_tied_to_a_withheld_one_by_the_same_withheld_members_is_withheld_too():
    from jin_hub.ingest.disclosure import Margins, _tied_totals

    # margins A..E: total cell, member cells. Cells 2, 3 and 8 are withheld, and A's total (0).
    spec = {0: [2, 3, 4], 1: [2, 3, 5], 6: [2, 3], 7: [3, 8], 9: [2, 3, 8]}
    m = Margins(np.array(list(spec)), np.concatenate(list(spec.values())),
                np.repeat(np.arange(len(spec)), [len(v) for v in spec.values()]))
    supp = np.zeros(10, dtype=bool)
    supp[[0, 2, 3, 8]] = True
    # B and C withhold exactly A's members {2, 3}: B - A or C - A would give their totals away.
    # D ({3, 8}) and E ({2, 3, 8}) withhold other sets, and A's own total is withheld already.
    assert _tied_totals(m, supp).tolist() == [False, True, True, False, False]
    supp[9] = True                                    # E's total withheld: D's set still differs
    assert _tied_totals(m, supp).tolist() == [False, True, True, False, False]
