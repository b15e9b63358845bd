"""An attacker with every published table tries to recover withheld counts by linear algebra alone.

These hubs publish exact counts with suppression (the method before cell-key noise; the shipped
datasets no longer use it): against equalities alone it holds, against interval reasoning it
does not (``test_interval_attack``).

The attacker knows what the catalogue says (which category is published at which geography, the
months, calendar years, financial years and rolling 12 months), every published cell (a published
cell the hub does not list is a zero), that each area's 'all' cell is the sum of its categories,
that every longer period is the sum of its months (worked out here independently of the hub) and
how areas nest (OA ⊂ LSOA ⊂ MSOA ⊂ district, public from the boundaries). Cells withheld by
suppression, and cells the release policy never publishes, are unknowns. Every additive relation
becomes a linear equation; an unknown is recovered when it has the same value in every solution,
i.e. when it is zero in every vector of the system's null space. Random vectors are projected
onto that null space with sparse least squares: a recoverable unknown is zero in all of them.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import lsqr

from jin_hub import backends, db
from jin_hub.store import Store
from tests.hub.attacker import CHAIN, months_of

MULTI_MONTH = ("years", "financial_years", "rolling")


def cover(entry: dict) -> pd.DataFrame:
    """(month, period) for every month of every published longer period."""
    return pd.DataFrame([(m, p) for f in MULTI_MONTH for p in entry[f] for m in months_of(p)],
                        columns=["month", "period"])


def universe(conn: backends.Connection, entry: dict, district: str) -> pd.DataFrame:
    """Every cell of one district, published or not: geography, area, period, category, known, value."""
    areas = {g: [a for (a,) in conn.execute(
        "SELECT area_code FROM areas WHERE geography = ? AND (area_code = ? OR area_code IN "
        "(SELECT child_code FROM nesting WHERE child = ? AND parent = 'district' AND parent_code = ?))",
        (g, district, g, district))] for g in CHAIN}
    periods = entry["periods"] + [p for f in MULTI_MONTH for p in entry[f]]
    rows = [(g, a, p, c) for g in CHAIN for a in areas[g] for p in periods for c in entry["categories"]]
    cells = pd.DataFrame(rows, columns=["geography", "area_code", "period", "category"])
    published = conn.frame("SELECT geography, area_code, period, category, count, suppressed FROM aggregates "
                           "WHERE release_id = ?", (entry["release"]["id"],))
    cells = cells.merge(published, how="left", on=["geography", "area_code", "period", "category"])
    month = cells["period"].isin(entry["periods"]).to_numpy()
    at_level = np.array([g in entry["publication" if by_month else "publication_years"][c]
                         for g, c, by_month in zip(cells.geography, cells.category, month)])
    cells["known"] = at_level & (cells["suppressed"].fillna(0) == 0)
    cells["withheld"] = at_level & (cells["suppressed"] == 1)
    return cells


def truth(conn: backends.Connection, entry: dict) -> pd.Series:
    """The true count of every nonzero cell, from the hub's record-level data (the test's answer key)."""
    records = conn.frame("SELECT period, category, oa_code, lsoa_code, msoa_code, district_code "
                         "FROM record_areas WHERE release_id = ?", (entry["release"]["id"],))
    longer = records.rename(columns={"period": "month"}).merge(cover(entry), on="month")
    out = []
    for g in CHAIN:
        for grain in (records, longer):
            for cat in (grain["category"], pd.Series("all", index=grain.index)):
                out.append(grain.groupby([pd.Series(g, index=grain.index), grain[f"{g}_code"], grain["period"], cat])
                           .size())
    counts = pd.concat(out)
    counts.index.names = ["geography", "area_code", "period", "category"]
    return counts


def equations(conn: backends.Connection, cells: pd.DataFrame, entry: dict
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, coefficient) triplets of every additive relation: total - sum(parts) = 0."""
    index = pd.Series(np.arange(len(cells)), index=pd.MultiIndex.from_frame(
        cells[["geography", "area_code", "period", "category"]]))
    rows, cols, vals = [], [], []
    eq = itertools.count()

    def relate(total_keys: pd.MultiIndex, part_keys: pd.MultiIndex) -> None:
        totals = index.reindex(total_keys).to_numpy()
        parts = index.reindex(part_keys).to_numpy()
        ok = ~np.isnan(totals) & ~np.isnan(parts)
        groups, uniq = pd.factorize(totals[ok])
        base = next(eq)
        for _ in range(len(uniq) - 1):
            next(eq)
        rows.extend([base + groups, base + np.arange(len(uniq))])
        cols.extend([parts[ok].astype(int), uniq.astype(int)])
        vals.extend([np.ones(ok.sum()), -np.ones(len(uniq))])

    g, a, p, c = (cells[k].to_numpy() for k in ("geography", "area_code", "period", "category"))
    parts = c != "all"
    relate(pd.MultiIndex.from_arrays([g[parts], a[parts], p[parts], np.full(parts.sum(), "all")]),
           pd.MultiIndex.from_arrays([g[parts], a[parts], p[parts], c[parts]]))
    months = pd.DataFrame({"month": p, "row": np.arange(len(p))}).merge(cover(entry), on="month")
    r = months["row"].to_numpy()                                     # a longer period = sum of its months
    relate(pd.MultiIndex.from_arrays([g[r], a[r], months["period"].to_numpy(), c[r]]),
           pd.MultiIndex.from_arrays([g[r], a[r], p[r], c[r]]))
    for child, parent in zip(CHAIN, CHAIN[1:]):
        lookup = dict(conn.execute("SELECT child_code, parent_code FROM nesting WHERE child = ? AND parent = ?",
                                   (child, parent)))
        kids = g == child
        relate(pd.MultiIndex.from_arrays([np.full(kids.sum(), parent), pd.Series(a[kids]).map(lookup), p[kids],
                                          c[kids]]),
               pd.MultiIndex.from_arrays([g[kids], a[kids], p[kids], c[kids]]))
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def recoverable(unknown: np.ndarray, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
                probes: int = 2) -> np.ndarray:
    """Unknowns pinned by the equations (known cells only move to the right-hand side)."""
    col = np.full(len(unknown), -1)
    col[unknown] = np.arange(unknown.sum())
    keep = col[cols] >= 0
    a_t = coo_matrix((vals[keep], (col[cols[keep]], rows[keep])), shape=(unknown.sum(), rows.max() + 1)).tocsr()
    rng = np.random.default_rng(1)
    pinned = np.ones(unknown.sum(), dtype=bool)
    for _ in range(probes):
        r = rng.normal(size=unknown.sum())
        v = r - a_t @ lsqr(a_t, r, atol=1e-14, btol=1e-14, iter_lim=50_000)[0]
        pinned &= np.abs(v) < 1e-6
    out = np.zeros(len(unknown), dtype=bool)
    out[np.flatnonzero(unknown)[pinned]] = True
    return out


def attack(db_path, dataset: str, district: str) -> tuple[pd.DataFrame, np.ndarray, tuple, dict]:
    """(every cell of the district, its true count, the attacker's equations, the catalogue entry)."""
    conn = db.connect(db_path)
    entry = Store(db_path).dataset(dataset)
    cells = universe(conn, entry, district)
    true = truth(conn, entry).reindex(pd.MultiIndex.from_frame(cells.iloc[:, :4])).fillna(0).to_numpy()
    return cells, true, equations(conn, cells, entry), entry


def leaks(cells: pd.DataFrame, true: np.ndarray, system: tuple) -> int:
    """How many withheld nonzero counts the attacker recovers."""
    return int((recoverable(~cells["known"].to_numpy(), *system) & cells["withheld"].to_numpy() & (true > 0)).sum())


#: (hub, dataset, district): the one-year demo hub (months, calendar year, rolling 12 months that
#: is that year) and the 19-month hub (months, 2023, FY2023 and L12-2024-07 all overlapping).
ATTACKS = [("suppression_db_path", "police_crime", "E06000018"), ("suppression_db_path", "police_crime", "E07000175"),
           ("suppression_db_path", "fire_incidents", "E07000174"),
           ("suppression_db_path", "school_attendance", "E07000170"),
           ("suppression_span_db_path", "police_crime", "E06000018"),
           ("suppression_span_db_path", "police_crime", "E07000171"),
           ("suppression_span_db_path", "fire_incidents", "E07000176")]


@pytest.mark.parametrize("hub, dataset, district", ATTACKS)
def test_no_withheld_count_can_be_solved_for(request, hub, dataset, district):
    cells, true, system, entry = attack(request.getfixturevalue(hub), dataset, district)
    assert entry["disclosure"]["method"] == "suppression"
    assert cells["withheld"].sum() > 50
    solved = recoverable(~cells["known"].to_numpy(), *system)
    leaked = cells[solved & (true > 0)]          # a recovered zero reveals nobody
    assert leaked.empty, f"{len(leaked)} withheld counts can be recovered, e.g.\n{leaked.head()}"


def test_the_attack_finds_what_primary_suppression_alone_leaves_open(suppression_db_path):
    """Publish the secondary suppressions of one district: the attacker then recovers small counts."""
    cells, true, system, _ = attack(suppression_db_path, "police_crime", "E07000176")
    naive = cells.copy()
    secondary = naive["withheld"].to_numpy() & (true >= 5)
    naive.loc[secondary, "known"] = True
    naive.loc[secondary, "withheld"] = False
    solved = recoverable(~naive["known"].to_numpy(), *system)
    assert (solved & naive["withheld"].to_numpy() & (true > 0)).sum() > 10


def test_overlapping_periods_give_the_attacker_more_than_calendar_years_alone(suppression_span_db_path):
    """Undo the secondary suppression of the longer periods: an attacker who also differences the
    financial year and rolling 12 months against the calendar year and months recovers more than
    one who uses the calendar year alone. The joint protection is what stops that."""
    conn = db.connect(suppression_span_db_path)
    cells, true, system, entry = attack(suppression_span_db_path, "police_crime", "E07000171")
    assert set(entry["years"] + entry["financial_years"] + entry["rolling"]) == {"2023", "FY2023", "L12-2024-07"}
    opened = cells["withheld"].to_numpy() & ~cells["period"].isin(entry["periods"]).to_numpy() & (true >= 5)
    cells.loc[opened, ["known", "withheld"]] = [True, False]
    years_only = {**entry, "financial_years": [], "rolling": []}
    keep = cells["period"].isin(entry["periods"] + entry["years"]).to_numpy()
    by_years = leaks(cells[keep].reset_index(drop=True), true[keep],
                     equations(conn, cells[keep].reset_index(drop=True), years_only))
    every = leaks(cells, true, system)
    assert every > by_years + 20
