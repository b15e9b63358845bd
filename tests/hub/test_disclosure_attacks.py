"""An attacker with every published table tries to recover suppressed counts.

The attacker knows the published cells of every geography (a cell the hub does not list is a
published zero), that each area's 'all' cell is the sum of its categories, and how the areas nest
(OA ⊂ LSOA ⊂ MSOA ⊂ district, public from the boundaries). They write every additive relation
as a linear equation in the suppressed cells and solve: a suppressed cell is recovered exactly
when every solution of the system gives it the same value (its row of the null space is zero).
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import null_space

DATASETS = ("police_crime", "asb_incidents", "fire_incidents", "school_attendance")


def published(conn: sqlite3.Connection, dataset: str, period: str) -> pd.DataFrame:
    rid = conn.execute("SELECT current_release FROM datasets WHERE id = ?", (dataset,)).fetchone()[0]
    return pd.read_sql_query("SELECT geography, area_code, category, count, suppressed FROM aggregates "
                             "WHERE release_id = ? AND period = ?", conn, params=(rid, period))


def relations(conn: sqlite3.Connection, cells: pd.DataFrame) -> list[tuple[int, list[int]]]:
    """(total cell, member cells) for every additive relation among the listed cells."""
    index = {k: i for i, k in enumerate(zip(cells.geography, cells.area_code, cells.category))}
    out: dict[int, list[int]] = {}
    for i, (g, a, c) in enumerate(zip(cells.geography, cells.area_code, cells.category)):
        if c != "all":
            out.setdefault(("cat", index[(g, a, "all")]), []).append(i)
    pairs = conn.execute("SELECT child, parent FROM geography_pairs WHERE nested = 1").fetchall()
    for child, parent in pairs:
        lookup = dict(conn.execute("SELECT child_code, parent_code FROM nesting WHERE child = ? AND parent = ?",
                                   (child, parent)))
        for i in np.flatnonzero((cells.geography == child).to_numpy()):
            key = (parent, lookup[cells.area_code.iat[i]], cells.category.iat[i])
            out.setdefault((child, index[key]), []).append(i)
    return [(total, members) for (_, total), members in out.items()]


def recovered(cells: pd.DataFrame, rels: list[tuple[int, list[int]]]) -> list[int]:
    """Suppressed cells whose value the linear system pins down exactly."""
    hidden = np.flatnonzero(cells.suppressed.to_numpy() == 1)
    column = {cell: j for j, cell in enumerate(hidden)}
    rows = []
    for total, members in rels:
        involved = [m for m in members if m in column] + ([total] if total in column else [])
        if not involved:
            continue
        row = np.zeros(len(hidden))
        for m in members:
            if m in column:
                row[column[m]] = 1.0
        if total in column:
            row[column[total]] = -1.0
        rows.append(row)
    if not rows:
        return []
    # Solve per connected block so the dense null space stays small.
    a = np.array(rows)
    linked = a != 0
    label = -np.ones(len(hidden), dtype=int)
    n_blocks = 0
    for start in range(len(hidden)):
        if label[start] >= 0:
            continue
        todo, label[start] = [start], n_blocks
        while todo:
            j = todo.pop()
            for r in np.flatnonzero(linked[:, j]):
                for k in np.flatnonzero(linked[r]):
                    if label[k] < 0:
                        label[k] = n_blocks
                        todo.append(k)
        n_blocks += 1
    out = []
    for b in range(n_blocks):
        cols = np.flatnonzero(label == b)
        block = a[np.ix_(np.flatnonzero(linked[:, cols].any(axis=1)), cols)]
        basis = null_space(block)
        pinned = np.abs(basis).max(axis=1) < 1e-9 if basis.size else np.ones(len(cols), dtype=bool)
        out += [int(hidden[c]) for c in cols[pinned]]
    return out


@pytest.mark.parametrize("dataset", DATASETS)
def test_no_suppressed_cell_can_be_solved_for_across_categories_and_geographies(hub_db_path, dataset):
    conn = sqlite3.connect(hub_db_path)
    rid = conn.execute("SELECT current_release FROM datasets WHERE id = ?", (dataset,)).fetchone()[0]
    (period,) = conn.execute("SELECT max(period) FROM aggregates WHERE release_id = ?", (rid,)).fetchone()
    cells = published(conn, dataset, period)
    districts = cells[cells.geography == "district"].area_code.unique()
    assert len(districts) == 8 and cells.suppressed.sum() > 50
    lookup = {g: dict(conn.execute("SELECT child_code, parent_code FROM nesting WHERE child = ? "
                                   "AND parent = 'district'", (g,))) for g in ("oa", "lsoa", "msoa")}
    solved = []
    for district in districts:         # districts do not add up to anything published: separate systems
        mine = cells[[(g == "district" and a == district) or lookup.get(g, {}).get(a) == district
                      for g, a in zip(cells.geography, cells.area_code)]].reset_index(drop=True)
        solved += [mine.iloc[i][["geography", "area_code", "category"]].tolist()
                   for i in recovered(mine, relations(conn, mine))]
    assert not solved, f"{len(solved)} suppressed cells can be recovered, e.g. {solved[:3]}"


def test_the_attacker_does_recover_a_naively_suppressed_table():
    """The attack is real: on a table with primary suppression only it finds the hidden cell."""
    cells = pd.DataFrame({"geography": ["lsoa"] * 4, "area_code": ["A"] * 4, "category": ["all", "x", "y", "z"],
                          "count": [20, 3, 7, 10], "suppressed": [0, 1, 0, 0]})
    assert recovered(cells, [(0, [1, 2, 3])]) == [1]
    cells.loc[2, "suppressed"] = 1                        # secondary suppression: two unknowns, one equation
    assert recovered(cells, [(0, [1, 2, 3])]) == []
