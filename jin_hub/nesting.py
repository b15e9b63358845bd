"""How the loaded geographies nest (OA ⊂ LSOA ⊂ MSOA ⊂ district), measured from the geometry.

A finer geography nests in a coarser one when every finer area lies (to within a sliver of
generalisation error) inside exactly one coarser area. Only nested levels are aggregated from the
finest level: publishing a level that cuts across the finest areas would let an attacker difference
overlapping areas to isolate a handful of people.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

#: Geography levels from finest to coarsest.
LEVELS = ("oa", "lsoa", "msoa", "ward", "district")
#: Share of a finer area that must fall inside its parent for the pair to count as nested.
MIN_SHARE = 0.98


def roll_up(area: pd.Categorical, lookup: dict[str, str]) -> pd.Categorical:
    """``area`` (codes of a finer geography) as the codes of the areas holding them (``lookup``),
    mapping each distinct code once rather than every record."""
    parents = pd.Categorical(pd.Index(area.categories).map(lookup))
    return pd.Categorical.from_codes(parents.codes[area.codes], parents.categories)


@dataclass(frozen=True)
class Pair:
    child: str
    parent: str
    nested: bool
    worst_share: float


def _areas(conn: sqlite3.Connection, geography: str) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute("SELECT area_code, geom_wkb FROM areas WHERE geography = ? ORDER BY area_code",
                        (geography,)).fetchall()
    codes, wkb = zip(*rows)
    return np.array(codes, dtype=object), shapely.from_wkb(np.array(wkb, dtype=object))


def parents_of(child: np.ndarray, parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each child geometry: index of the parent holding most of it, and the share held."""
    tree = shapely.STRtree(parent)
    ci, pi = tree.query(child, predicate="intersects")
    share = shapely.area(shapely.intersection(child[ci], parent[pi])) / np.maximum(shapely.area(child[ci]), 1e-9)
    best = np.full(len(child), -1)
    best_share = np.zeros(len(child))
    order = np.lexsort((-share, ci))
    first = np.ones(len(order), dtype=bool)
    first[1:] = ci[order][1:] != ci[order][:-1]
    best[ci[order][first]] = pi[order][first]
    best_share[ci[order][first]] = share[order][first]
    return best, best_share


def update(conn: sqlite3.Connection) -> list[Pair]:
    """Recompute nesting between every pair of loaded geographies (finer → coarser)."""
    loaded = {g for (g,) in conn.execute("SELECT geography FROM geographies")}
    levels = [g for g in LEVELS if g in loaded]
    pairs: list[Pair] = []
    rows: list[tuple] = []
    for i, child in enumerate(levels):
        child_codes, child_geoms = _areas(conn, child)
        for parent in levels[i + 1:]:
            parent_codes, parent_geoms = _areas(conn, parent)
            best, share = parents_of(child_geoms, parent_geoms)
            nested = bool((best >= 0).all() and share.min() >= MIN_SHARE)
            pairs.append(Pair(child, parent, nested, float(share.min())))
            if nested:
                rows += zip([child] * len(child_codes), child_codes, [parent] * len(child_codes),
                            parent_codes[best])
    with conn:
        conn.execute("BEGIN")
        conn.execute("DELETE FROM geography_pairs")
        conn.execute("DELETE FROM nesting")
        conn.executemany("INSERT INTO geography_pairs VALUES (?,?,?,?)",
                         [(p.child, p.parent, int(p.nested), p.worst_share) for p in pairs])
        conn.executemany("INSERT INTO nesting VALUES (?,?,?,?)", rows)
    return pairs


def finest(conn: sqlite3.Connection) -> str:
    """The finest loaded geography: rows are placed in it, then rolled up."""
    loaded = {g for (g,) in conn.execute("SELECT geography FROM geographies")}
    for g in LEVELS:
        if g in loaded:
            return g
    raise LookupError("no boundaries loaded: run jin-hub load-boundaries first")


def nested_maps(conn: sqlite3.Connection) -> dict[tuple[str, str], dict[str, str]]:
    """{(child, parent): {child code: parent code}} for every nested pair of loaded geographies."""
    pairs = conn.execute("SELECT child, parent FROM geography_pairs WHERE nested = 1").fetchall()
    return {(c, p): dict(conn.execute("SELECT child_code, parent_code FROM nesting WHERE child = ? AND parent = ?",
                                      (c, p))) for c, p in pairs}
