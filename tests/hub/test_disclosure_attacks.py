"""An attacker with every published table tries to recover withheld counts.

The attacker knows what the catalogue says (which category is published at which geography, the
months and years), every published cell (a published cell the hub does not list is a zero), that
each area's 'all' cell is the sum of its categories, that a year is the sum of its months and how
areas nest (OA ⊂ LSOA ⊂ MSOA ⊂ district, public from the boundaries). Cells withheld by
suppression, and cells the release policy never publishes, are unknowns. Every additive relation
becomes a linear equation; an unknown is recovered when it has the same value in every solution,
i.e. when it is zero in every vector of the system's null space. Random vectors are projected
onto that null space with sparse least squares: a recoverable unknown is zero in all of them.
"""

from __future__ import annotations

import itertools
import sqlite3

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import lsqr

from jin_hub.store import Store

CHAIN = ("oa", "lsoa", "msoa", "district")


def universe(conn: sqlite3.Connection, entry: dict, district: str) -> pd.DataFrame:
    """Every cell of one district, published or not: geography, area, period, category, known, value."""
    areas = {g: [a for (a,) in conn.execute(
        "SELECT area_code FROM areas WHERE geography = ? AND (area_code = ? OR area_code IN "
        "(SELECT child_code FROM nesting WHERE child = ? AND parent = 'district' AND parent_code = ?))",
        (g, district, g, district))] for g in CHAIN}
    periods = entry["periods"] + entry["years"]
    rows = [(g, a, p, c) for g in CHAIN for a in areas[g] for p in periods for c in entry["categories"]]
    cells = pd.DataFrame(rows, columns=["geography", "area_code", "period", "category"])
    published = pd.read_sql_query("SELECT geography, area_code, period, category, count, suppressed FROM aggregates "
                                  "WHERE release_id = ?", conn, params=(entry["release"]["id"],))
    cells = cells.merge(published, how="left", on=["geography", "area_code", "period", "category"])
    at_level = np.array([g in entry["publication"][c] for g, c in zip(cells.geography, cells.category)])
    cells["known"] = at_level & (cells["suppressed"].fillna(0) == 0)
    cells["withheld"] = at_level & (cells["suppressed"] == 1)
    return cells


def truth(conn: sqlite3.Connection, entry: dict) -> pd.Series:
    """The true count of every nonzero cell, from the hub's record-level data (the test's answer key)."""
    records = pd.read_sql_query("SELECT period, category, oa_code, lsoa_code, msoa_code, district_code FROM records "
                                "WHERE release_id = ?", conn, params=(entry["release"]["id"],))
    out = []
    for g in CHAIN:
        for grain in (records, records.assign(period=records["period"].str[:4])):
            for cat in (grain["category"], pd.Series("all", index=grain.index)):
                out.append(grain.groupby([pd.Series(g, index=grain.index), grain[f"{g}_code"], grain["period"], cat])
                           .size())
    counts = pd.concat(out)
    counts.index.names = ["geography", "area_code", "period", "category"]
    return counts


def equations(conn: sqlite3.Connection, cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    months = pd.Series(p).str.len().to_numpy() == 7
    relate(pd.MultiIndex.from_arrays([g[months], a[months], pd.Series(p[months]).str[:4], c[months]]),
           pd.MultiIndex.from_arrays([g[months], a[months], p[months], c[months]]))
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


@pytest.mark.parametrize("dataset, district", [("police_crime", "E06000018"), ("police_crime", "E07000175"),
                                               ("fire_incidents", "E07000174"), ("school_attendance", "E07000170")])
def test_no_withheld_count_can_be_solved_for(hub_db_path, dataset, district):
    conn = sqlite3.connect(hub_db_path)
    entry = Store(hub_db_path).dataset(dataset)
    assert entry["disclosure"]["method"] == "suppression"
    cells = universe(conn, entry, district)
    assert cells["withheld"].sum() > 50
    true = truth(conn, entry).reindex(pd.MultiIndex.from_frame(cells.iloc[:, :4])).fillna(0).to_numpy()
    solved = recoverable(~cells["known"].to_numpy(), *equations(conn, cells))
    leaked = cells[solved & (true > 0)]          # a recovered zero reveals nobody
    assert leaked.empty, f"{len(leaked)} withheld counts can be recovered, e.g.\n{leaked.head()}"


def test_the_attack_finds_what_primary_suppression_alone_leaves_open(hub_db_path):
    """Publish the secondary suppressions of one district: the attacker then recovers small counts."""
    conn = sqlite3.connect(hub_db_path)
    entry = Store(hub_db_path).dataset("police_crime")
    cells = universe(conn, entry, "E07000176")
    true = truth(conn, entry).reindex(pd.MultiIndex.from_frame(cells.iloc[:, :4])).fillna(0).to_numpy()
    naive = cells.copy()
    secondary = naive["withheld"].to_numpy() & (true >= 5)
    naive.loc[secondary, "known"] = True
    naive.loc[secondary, "withheld"] = False
    solved = recoverable(~naive["known"].to_numpy(), *equations(conn, naive))
    assert (solved & naive["withheld"].to_numpy() & (true > 0)).sum() > 10


def test_the_attack_works_on_a_naively_protected_table():
    """On primary suppression alone the attacker does recover the hidden cell."""
    # cells: 0 = all (20), 1 = x (3, hidden), 2 = y (7), 3 = z (10); equation: all - x - y - z = 0
    rows, cols, vals = np.zeros(4, int), np.arange(4), np.array([-1.0, 1, 1, 1])
    assert recoverable(np.array([False, True, False, False]), rows, cols, vals).tolist() == [False, True, False,
                                                                                             False]
    assert not recoverable(np.array([False, True, True, False]), rows, cols, vals).any()
