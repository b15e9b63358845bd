"""LSOA codes across census vintages: the ONS LSOA 2011 → 2021 lookup, and conversion of a column
of LSOA codes of either vintage into the hub's LSOAs of one vintage.

Partners' extracts mix vintages (police.uk carried 2011 codes for months after switching to 2021),
while a release is placed in one family of geographies. Most codes carry over unchanged or map to
one area of the other vintage; a code whose area was split (or redrawn) maps to several, and only
the row's location can say which: that point is placed in the candidate areas the lookup allows,
never in any other area, so a wrong location cannot move a row to an unrelated place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from jin_hub.backends import Connection
from jin_hub.geography import SNAP_METRES, AreaIndex

#: ONS change indicators: U unchanged, S split, M merged, X redrawn (split and merged at once).
CHANGES = {"U": "unchanged", "S": "split", "M": "merged", "X": "redrawn"}
#: The lookup's columns as open-data extracts and as ONS name them.
COLUMNS = {"lsoa11_code": ("lsoa11_code", "LSOA11CD"), "lsoa21_code": ("lsoa21_code", "LSOA21CD"),
           "change": ("change_code", "CHGIND")}
#: Target geography -> (the vintage codes are converted from, the target's vintage).
TARGETS = {"lsoa21": ("2011", "2021"), "lsoa": ("2021", "2011")}
LSOA_CODE = r"[EW]01\d{6}"

#: Routes (report keys): how a row's code became a target area: the code is a target area that only
#: the target's vintage has; the lookup keeps it unchanged; it maps to one target area (merged, or
#: the one side of a split); it maps to several, of which the row's location chooses; none (then a
#: reason says why).
SAME, UNCHANGED, DIRECT, SPLIT, REDRAWN, NONE = (
    "same vintage", "unchanged", "merged", "split by location", "redrawn by location", "quarantined")
#: Reasons (quarantine keys, no personal data) a row's code gives no target area.
UNREADABLE = "unreadable area code"
NO_CODE = "no area code"
CROSS_BORDER = "area code outside the hub's areas (cross-border)"


class LookupFileError(ValueError):
    """A lookup file the hub cannot use, with what to do about it."""


def read_lookup(path: Path) -> pd.DataFrame:
    """The lookup's links (lsoa11_code, lsoa21_code, change), checked: every column there, every
    code an LSOA code, every change code known, unchanged links keeping their code."""
    path = Path(path)
    if not path.is_file():
        raise LookupFileError(f"lookup file {path} not found: check the path")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise LookupFileError(f"cannot read {path.name} as CSV ({exc}): give the ONS lookup as a CSV file") from exc
    lower = {c.strip().lower(): c for c in frame.columns}
    found = {key: next((lower[n.lower()] for n in names if n.lower() in lower), None) for key, names in COLUMNS.items()}
    missing = [" or ".join(COLUMNS[k]) for k, column in found.items() if column is None]
    if missing:
        raise LookupFileError(f"{path.name} has no column {'; '.join(missing)} (columns found: "
                              f"{', '.join(frame.columns)}): give the ONS LSOA (2011) to LSOA (2021) lookup")
    links = pd.DataFrame({key: frame[column].str.strip().str.upper() for key, column in found.items()})
    if links.empty:
        raise LookupFileError(f"{path.name} has no rows: give the ONS LSOA (2011) to LSOA (2021) lookup")
    unknown = ~links["change"].isin(list(CHANGES))
    problems = {
        f"unknown change code(s) {', '.join(map(repr, sorted(set(links['change'][unknown]))))} (use U, S, M or X)":
        unknown,
        "LSOA codes that are not codes like E01012345": ~(links["lsoa11_code"].str.fullmatch(LSOA_CODE)
                                                          & links["lsoa21_code"].str.fullmatch(LSOA_CODE)),
        "unchanged (U) links whose codes differ": (links["change"] == "U")
        & (links["lsoa11_code"] != links["lsoa21_code"]),
    }
    links = links.drop_duplicates()
    problems["links given twice with different change codes"] = links.duplicated(["lsoa11_code", "lsoa21_code"])
    for what, bad in problems.items():
        if bad.any():
            rows = bad[bad].index[:3] + 2                # the file's line numbers (header = 1)
            raise LookupFileError(f"{path.name} has {int(bad.sum())} row(s) with {what}, e.g. line(s) "
                                  f"{', '.join(map(str, rows))}: fix them or use the ONS file as published")
    return links.reset_index(drop=True)


def load_lookup(conn: Connection, path: Path) -> dict[str, int]:
    """Replace the hub's LSOA 2011 → 2021 lookup with ``path``'s, which must cover every loaded
    ``lsoa`` and ``lsoa21`` area; returns the number of links per change."""
    links = read_lookup(path)
    for geography, column in (("lsoa", "lsoa11_code"), ("lsoa21", "lsoa21_code")):
        loaded = {c for (c,) in conn.execute("SELECT area_code FROM areas WHERE geography = ?", (geography,))}
        uncovered = sorted(loaded - set(links[column]))
        if uncovered:
            raise LookupFileError(
                f"{Path(path).name} does not cover {len(uncovered)} of the loaded {geography} areas, e.g. "
                f"{', '.join(uncovered[:3])}: load a lookup for the hub's whole area (the ONS lookup for England "
                "and Wales covers every one)")
    with conn:
        conn.begin_write()
        conn.execute("DELETE FROM lsoa_changes")
        conn.executemany("INSERT INTO lsoa_changes VALUES (?,?,?)", links.itertuples(index=False, name=None))
    return {name: int((links["change"] == code).sum()) for code, name in CHANGES.items()}


def _objects(values: list) -> np.ndarray:
    """``values`` as a 1-D object array, even when they are tuples."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


@dataclass(frozen=True)
class Converter:
    """Converts LSOA codes of either vintage into ``target`` areas (``lsoa21`` or ``lsoa``).

    ``snap``: how far outside every candidate area a point may lie and still go to the nearest. Points
    are exact, boundaries generalised: ONS super-generalised LSOAs put real points up to ~140 m
    outside the areas police.uk placed them in.
    """

    target: str
    #: code of the other vintage -> (its target codes, sorted; its change: U, S, M or X)
    links: dict[str, tuple[tuple[str, ...], str]]
    snap: float = SNAP_METRES

    @classmethod
    def from_db(cls, conn: Connection, target: str, snap: float = SNAP_METRES) -> Converter:
        if target not in TARGETS:
            raise KeyError(f"LSOA codes convert to 'lsoa21' or 'lsoa', not '{target}'")
        source, dest = ("lsoa11_code", "lsoa21_code") if target == "lsoa21" else ("lsoa21_code", "lsoa11_code")
        frame = conn.frame(f"SELECT {source} AS source, {dest} AS dest, change FROM lsoa_changes "
                           "ORDER BY source, dest")
        if frame.empty:
            raise LookupError("no LSOA 2011 → 2021 lookup loaded: run jin-hub load-lookup FILE with the ONS lookup")
        redrawn = set(frame.loc[frame["change"] == "X", "source"])          # any X link makes the code redrawn
        change = frame.drop_duplicates("source").set_index("source")["change"]
        return cls(target, {s: (tuple(d), "X" if s in redrawn else change[s])
                            for s, d in frame.groupby("source", sort=False)["dest"]}, snap)

    def _route(self, code: object, loaded: dict[str, int]) -> tuple[str | None, str, str | None, tuple[str, ...]]:
        """(target code or None, route, reason or None, candidates to choose from by location)."""
        src, dest = TARGETS[self.target]
        if not isinstance(code, str) or not code.strip():
            return None, NONE, NO_CODE, ()
        code = code.strip().upper()
        if not re.fullmatch(LSOA_CODE, code):
            return None, NONE, UNREADABLE, ()
        targets, change = self.links.get(code, ((), ""))
        if change == "U" or (code in loaded and not targets):
            return (code, UNCHANGED if change == "U" else SAME, None, ()) if code in loaded else (
                None, NONE, CROSS_BORDER, ())
        candidates = tuple(t for t in targets if t in loaded)
        if not candidates:
            return None, NONE, CROSS_BORDER, ()
        if len(targets) == 1:
            return candidates[0], DIRECT, None, ()
        how = "redrawn" if change == "X" else "split"
        return (None, REDRAWN if change == "X" else SPLIT,
                f"LSOA {src} code {how} in {dest} and the row has no location", candidates)

    def convert(self, codes: np.ndarray, x: np.ndarray, y: np.ndarray, areas: AreaIndex
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(target code or None, route, reason or None) per row. ``x``, ``y``: the rows' points in
        British National Grid (NaN where a row has none); ``areas``: the target geography's areas.
        Each distinct code is looked up once."""
        inverse, uniques = pd.factorize(pd.Series(codes, dtype=object))
        loaded = {c: i for i, c in enumerate(areas.codes)}
        # one entry per distinct code, and a last one for rows without a code (factorize's -1)
        per_code = [self._route(u, loaded) for u in uniques] + [self._route(None, loaded)]
        target, route, reason, candidates = (_objects([p[i] for p in per_code]) for i in range(4))
        out, routes, reasons = target[inverse], route[inverse], reason[inverse]
        by_location = np.flatnonzero(np.array([bool(c) for c in candidates])[inverse]
                                     & np.isfinite(x) & np.isfinite(y))
        if len(by_location):
            place = self._place(candidates, inverse[by_location], x[by_location], y[by_location], areas, loaded,
                                self.snap)
            src, dest = TARGETS[self.target]
            out[by_location] = place
            reasons[by_location] = np.where(place == None, f"location in none of the LSOA {dest} areas its "  # noqa: E711
                                             f"LSOA {src} code maps to", None)
        routes[reasons != None] = NONE  # noqa: E711 - elementwise on an object array
        return out, routes, reasons

    @staticmethod
    def _place(candidates: np.ndarray, which: np.ndarray, x: np.ndarray, y: np.ndarray, areas: AreaIndex,
               loaded: dict[str, int], snap: float) -> np.ndarray:
        """Each point's candidate area (of the ``candidates[which]``): the one holding it (on a shared
        edge the lowest code), else the nearest within ``snap`` metres, else None."""
        per_code = [np.array([loaded[c] for c in cands], dtype=np.int64) for cands in candidates]
        counts = np.array([len(c) for c in per_code])[which]
        flat = np.concatenate(per_code)
        starts = np.concatenate([[0], np.cumsum([len(c) for c in per_code])[:-1]])
        row = np.repeat(np.arange(len(which)), counts)
        area = flat[starts[which][row] + np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)]
        distance = shapely.distance(areas.geoms[area], shapely.points(x[row], y[row]))
        order = np.lexsort((area, distance, row))                  # nearest, then lowest code, per point
        first = order[np.r_[True, row[order][1:] != row[order][:-1]]]
        out = np.full(len(which), None, dtype=object)
        near = distance[first] <= snap
        out[row[first][near]] = areas.codes[area[first][near]]
        return out
