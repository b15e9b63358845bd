"""How the loaded geographies nest (OA ⊂ LSOA ⊂ MSOA ⊂ district), measured from the geometry.

A finer geography nests in a coarser one when every finer area lies (to within a sliver of
generalisation error) inside exactly one coarser area, or, for boundaries generalised apart, when
almost all of the finer geography's area lies in the coarser areas its areas are given. Only nested
levels are aggregated from the finest level: publishing a level that cuts across the finest areas
would let an attacker difference overlapping areas to isolate a handful of people.

Geographies come in census families: 2011 (``oa``, ``lsoa``, ``msoa``, ``ward``) and 2021
(``lsoa21``, ``msoa21``, ``ward21``), with ``district`` in both. Nesting is measured, and pairs
published, only within one family: a 2011 area and a 2021 area overlap without nesting (a split or
redrawn LSOA straddles its successors), so publishing both vintages of one release would let their
differences isolate the few people in the slivers between them. Never publish them together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from jin_hub.backends import Connection

#: Geography levels from finest to coarsest (the ids of the 2011 family).
LEVELS = ("oa", "lsoa", "msoa", "ward", "district")
#: Each census family's geographies, finest to coarsest; ``district`` is shared (unchanged in 2021).
FAMILIES = {"2011": LEVELS, "2021": ("lsoa21", "msoa21", "ward21", "district")}
#: The family an unqualified caller means.
DEFAULT_FAMILY = "2011"
#: Every geography id, finest level first, the 2011 id before its 2021 twin.
GEOGRAPHIES = tuple(sorted(dict.fromkeys(LEVELS + FAMILIES["2021"]),
                           key=lambda g: (LEVELS.index(g.removesuffix("21")), g)))
#: Share of a finer area that must fall inside its parent for the pair to count as nested.
MIN_SHARE = 0.98
#: ... unless the boundaries are generalised copies of a nesting (ONS super-generalised LSOAs lie
#: as little as 42 % inside their own MSOA, yet only 2 % of all their area falls outside it, against
#: 11 % for LSOAs in the wards that cut across them): then this share of the finer geography's whole
#: area at most may fall outside the parents its areas are given.
MAX_MISFIT = 0.05


def level(geography: str) -> str:
    """The level a geography is at, whatever its vintage (``lsoa21`` -> ``lsoa``)."""
    base = geography.removesuffix("21")
    if base not in LEVELS or geography not in GEOGRAPHIES:
        raise KeyError(f"unknown geography '{geography}'; known: {', '.join(GEOGRAPHIES)}")
    return base


def families(geography: str) -> tuple[str, ...]:
    """Every family holding ``geography`` (both for ``district``)."""
    level(geography)
    return tuple(f for f, members in FAMILIES.items() if geography in members)


def family(geography: str) -> str:
    """The census family of ``geography`` (``2011`` or ``2021``); a shared geography (``district``)
    is in both, and answers the default family."""
    found = families(geography)
    return DEFAULT_FAMILY if DEFAULT_FAMILY in found else found[0]


def rank(geography: str) -> int:
    """Fineness by level (0 = finest), equal across vintages, so a release policy's ``lsoa`` ranks
    as ``lsoa21`` does."""
    return LEVELS.index(level(geography))


def sort_key(geography: str) -> tuple[int, str]:
    """Sort key: finest level first, the 2011 geography before its 2021 twin."""
    return rank(geography), geography


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


def _areas(conn: Connection, geography: str) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute("SELECT area_code, geom_wkb FROM areas WHERE geography = ? ORDER BY area_code",
                        (geography,)).fetchall()
    codes, wkb = zip(*rows)
    return np.array(codes, dtype=object), shapely.from_wkb(np.array(wkb, dtype=object))


def consistent(rows: dict[tuple[str, str], dict[str, str]], order: tuple[str, ...]) -> None:
    """Make the nesting maps transitive in place: a child's parent at a coarser level is its
    parent's parent, where a level between nests in both. Margins published together must agree,
    or the equations between them contradict each other."""
    for i, child in enumerate(order):
        for j in range(i + 2, len(order)):
            parent = order[j]
            if (child, parent) not in rows:
                continue
            mid = next((m for m in reversed(order[i + 1:j]) if (child, m) in rows and (m, parent) in rows), None)
            if mid is not None:
                up = rows[(mid, parent)]
                rows[(child, parent)] = {c: up[m] for c, m in rows[(child, mid)].items()}


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


def family_pairs(loaded: set[str]) -> list[tuple[str, str]]:
    """(finer, coarser) pairs of the ``loaded`` geographies within one family, each pair once."""
    pairs = []
    for members in FAMILIES.values():
        levels = [g for g in members if g in loaded]
        pairs += [(child, parent) for i, child in enumerate(levels) for parent in levels[i + 1:]]
    return list(dict.fromkeys(pairs))


def update(conn: Connection) -> list[Pair]:
    """Recompute nesting between the loaded geographies (finer → coarser), only within a family."""
    loaded = {g for (g,) in conn.execute("SELECT geography FROM geographies")}
    pairs: list[Pair] = []
    read = {g: _areas(conn, g) for g in {g for pair in family_pairs(loaded) for g in pair}}
    maps: dict[tuple[str, str], dict[str, str]] = {}
    for child, parent in family_pairs(loaded):
        (child_codes, child_geoms), (parent_codes, parent_geoms) = read[child], read[parent]
        best, share = parents_of(child_geoms, parent_geoms)
        area = shapely.area(child_geoms)
        misfit = float((area * (1 - share)).sum() / max(area.sum(), 1e-9))
        nested = bool((best >= 0).all() and (share.min() >= MIN_SHARE or misfit <= MAX_MISFIT))
        pairs.append(Pair(child, parent, nested, float(share.min())))
        if nested:
            maps[(child, parent)] = dict(zip(child_codes, parent_codes[best]))
    for members in FAMILIES.values():
        consistent(maps, members)
    rows = [(child, code, parent, up) for (child, parent), lookup in maps.items() for code, up in lookup.items()]
    with conn:
        conn.begin_write()
        conn.execute("DELETE FROM geography_pairs")
        conn.execute("DELETE FROM nesting")
        conn.executemany("INSERT INTO geography_pairs VALUES (?,?,?,?)",
                         [(p.child, p.parent, int(p.nested), p.worst_share) for p in pairs])
        conn.executemany("INSERT INTO nesting VALUES (?,?,?,?)", rows)
    return pairs


def finest(conn: Connection, family: str = DEFAULT_FAMILY) -> str:
    """The finest loaded geography of ``family``: rows are placed in it, then rolled up."""
    if family not in FAMILIES:
        raise KeyError(f"unknown geography family '{family}'; choose one of {', '.join(FAMILIES)}")
    loaded = {g for (g,) in conn.execute("SELECT geography FROM geographies")}
    for g in FAMILIES[family]:
        if g in loaded:
            return g
    raise LookupError(f"no {family} boundaries loaded: run jin-hub load-boundaries first "
                      f"(--geography {', '.join(FAMILIES[family])})")


def nested_maps(conn: Connection, family: str | None = None) -> dict[tuple[str, str], dict[str, str]]:
    """{(child, parent): {child code: parent code}} for every nested pair of loaded geographies within
    one family (``family``'s only, when given). Never a 2011 geography with a 2021 one: they overlap
    without nesting and must never be published together."""
    members = FAMILIES[family] if family is not None else None
    pairs = [(c, p) for c, p in conn.execute("SELECT child, parent FROM geography_pairs WHERE nested = 1")
             if (c, p) in family_pairs({c, p}) and (members is None or (c in members and p in members))]
    return {(c, p): dict(conn.execute("SELECT child_code, parent_code FROM nesting WHERE child = ? AND parent = ?",
                                      (c, p))) for c, p in pairs}
