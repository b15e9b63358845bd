"""Boundary sets: load ONS-schema boundary files into the hub, and place points in areas.

Geometry is held in British National Grid (EPSG:27700). Each geography also gets its GeoJSON
prebuilt (EPSG:27700 for the JiN boundaries endpoint, CRS84 for OGC API clients) so serving is a
read, not a computation.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import numpy as np
import pyogrio
import shapely
from pyproj import CRS, Transformer

from jin_hub import nesting
from jin_hub.area_grid import NEAR_EDGE, AreaGrid
from jin_hub.backends import Connection

BNG = "EPSG:27700"
GEOGRAPHIES = {"oa": "Output areas", "lsoa": "Lower layer super output areas",
               "msoa": "Middle layer super output areas", "ward": "Electoral wards",
               "district": "Local authority districts",
               "lsoa21": "Lower layer super output areas (2021)", "msoa21": "Middle layer super output areas (2021)",
               "ward21": "Electoral wards (December 2021)"}
#: Points within this distance of an area but inside none (slivers between generalised
#: boundaries) are placed in the nearest area rather than quarantined.
SNAP_METRES = 2.0
#: Points in one call from which the grid shortcut is worth building (it takes about 0.2 s, so it
#: is built when boundaries are loaded and kept in the hub database).
GRID_POINTS = 100_000
#: Bump when a stored grid's labels change meaning, so grids stored before are built again.
GRID_FORMAT = 1
#: ONS field-name prefixes per level (LSOA11CD, LSOA21CD, LAD11CD, WD22CD ...).
FIELD_PREFIX = {"oa": "OA", "lsoa": "LSOA", "msoa": "MSOA", "ward": "WD", "district": "LAD"}
#: The same in lower case as open-data extracts spell them (lsoa21_code, ward21_name, ltla21_code ...).
LOWER_PREFIX = {"oa": "oa", "lsoa": "lsoa", "msoa": "msoa", "ward": "ward", "district": "ltla|lad"}
#: The census year a geography's field names must carry (wards and districts take any year).
VINTAGE = {"oa": "11", "lsoa": "11", "msoa": "11", "lsoa21": "21", "msoa21": "21", "ward21": "21"}


class BoundaryError(ValueError):
    """A boundary file the hub cannot use, with what to do about it."""


@dataclass(frozen=True)
class Boundaries:
    """One geography's areas as parallel arrays (geometry in EPSG:27700)."""

    geography: str
    codes: np.ndarray
    names: np.ndarray
    district_codes: np.ndarray
    district_names: np.ndarray
    geoms: np.ndarray


def _ons_field(fields: list[str], prefix: str, suffix: str) -> str | None:
    """Find e.g. LSOA11CD / LSOA21NM among a file's fields (case-insensitive)."""
    pattern = re.compile(rf"^{prefix}\d\d{suffix}$", re.IGNORECASE)
    return next((f for f in fields if pattern.match(f)), None)


def _area_field(fields: list[str], level: str, code: bool) -> str | None:
    """A level's code (or name) field in ONS naming (LSOA21CD) or open-data naming (lsoa21_code)."""
    return (_ons_field(fields, FIELD_PREFIX[level], "CD" if code else "NM")
            or _ons_field(fields, f"(?:{LOWER_PREFIX[level]})", "_code" if code else "_name"))


def _check_vintage(name: str, field: str, geography: str) -> None:
    """Refuse a file of the other census vintage: its areas are not the geography's areas."""
    wanted, year = VINTAGE.get(geography), re.search(r"\d\d", field).group()
    if wanted and year != wanted:
        level = nesting.level(geography)
        other = next((g for g, y in VINTAGE.items() if y == year and nesting.level(g) == level), None)
        fix = f"load it with --geography {other}" if other else f"load the 20{wanted} boundary file instead"
        raise BoundaryError(f"{name} holds 20{year} areas ({field}) but geography '{geography}' is the 20{wanted} "
                            f"one: {fix}")


def read_boundary_file(path: Path, geography: str) -> Boundaries:
    """Read GeoPackage/Shapefile/GeoJSON in the ONS schema, reprojected to EPSG:27700 and made valid."""
    if geography not in GEOGRAPHIES:
        raise BoundaryError(f"unknown geography '{geography}'; choose one of {', '.join(GEOGRAPHIES)}")
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"boundary file {path} not found: check the path")
    try:
        meta, _, wkb, field_data = pyogrio.raw.read(path)
    except Exception as exc:  # pyogrio raises several DataSource/DataLayer errors
        raise BoundaryError(f"cannot read boundary file {path}: {exc}. "
                            "Use a GeoPackage, Shapefile or GeoJSON that QGIS can open.") from exc
    fields = list(meta["fields"])
    level = nesting.level(geography)
    code_f, name_f = _area_field(fields, level, code=True), _area_field(fields, level, code=False)
    if code_f is None:
        prefix = FIELD_PREFIX[level]
        raise BoundaryError(
            f"{path.name} has no ONS {prefix}xxCD field (nor {LOWER_PREFIX[level].split('|')[0]}xx_code) for "
            f"geography '{geography}' (fields found: {', '.join(fields)}). Load the boundary file for that geography.")
    _check_vintage(path.name, code_f, geography)
    col = dict(zip(fields, field_data))
    lad_cd, lad_nm = _area_field(fields, "district", code=True), _area_field(fields, "district", code=False)
    n = len(wkb)
    geoms = shapely.from_wkb(wkb)
    src = CRS.from_user_input(meta["crs"]) if meta.get("crs") else None
    if src is None:
        raise BoundaryError(f"{path.name} has no coordinate reference system: set it (EPSG:27700) and retry")
    if not src.equals(CRS.from_user_input(BNG)):
        tf = Transformer.from_crs(src, BNG, always_xy=True)
        geoms = shapely.transform(geoms, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    codes = np.asarray(col[code_f], dtype=object)
    return Boundaries(
        geography=geography,
        codes=codes,
        names=np.array([n or c for n, c in zip(col[name_f] if name_f else codes, codes)], dtype=object),  # or codes
        district_codes=np.asarray(col[lad_cd], dtype=object) if lad_cd else np.full(n, None, dtype=object),
        district_names=np.asarray(col[lad_nm], dtype=object) if lad_nm else np.full(n, None, dtype=object),
        geoms=geoms,
    )


def _geojson_geometries(geoms: np.ndarray, decimals: int) -> list[str]:
    """GeoJSON geometry members with coordinates rounded to ``decimals``."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    return list(shapely.to_geojson(rounded))


def feature(code: str, name: str, district_code: str | None, district_name: str | None, geometry: str) -> str:
    """A GeoJSON Feature of an area: its codes and names, and its prebuilt ``geometry`` member."""
    return json.dumps({"type": "Feature", "id": code, "properties": {
        "area_code": code, "area_name": name, "district_code": district_code, "district_name": district_name}},
        separators=(",", ":"))[:-1] + ',"geometry":' + geometry + "}"


def feature_collection(features: list[str], crs_urn: str | None = None, extra: str = "") -> bytes:
    """Join prebuilt GeoJSON feature strings into a FeatureCollection document."""
    head = '{"type":"FeatureCollection"'
    if crs_urn:
        head += ',"crs":{"type":"name","properties":{"name":"' + crs_urn + '"}}'
    return (head + extra + ',"features":[' + ",".join(features) + "]}").encode()


def store_boundaries(conn: Connection, b: Boundaries, source: str) -> int:
    """Replace one geography's areas (and their web-map levels) in the hub database and re-measure
    nesting; return the number of areas."""
    from jin_hub import simplified  # (it builds on this module)

    to_crs84 = Transformer.from_crs(BNG, "OGC:CRS84", always_xy=True)
    crs84 = shapely.transform(b.geoms, lambda xy: np.column_stack(to_crs84.transform(xy[:, 0], xy[:, 1])))
    bng_json = _geojson_geometries(b.geoms, 1)
    crs84_json = _geojson_geometries(crs84, 6)
    bounds = shapely.bounds(b.geoms)
    bounds84 = shapely.bounds(crs84)
    wkb = shapely.to_wkb(b.geoms)
    order = np.argsort(b.codes)
    rows = [
        (b.geography, b.codes[i], b.names[i], b.district_codes[i], b.district_names[i],
         *map(float, bounds[i]), *map(float, bounds84[i]), wkb[i], bng_json[i], crs84_json[i])
        for i in order
    ]
    index = AreaIndex(b.codes[order], b.geoms[order], fingerprint=_fingerprint(b.codes[order], wkb[order]))
    features = [feature(*r[1:5], r[14]) for r in rows]
    body = feature_collection(features, "urn:ogc:def:crs:EPSG::27700")
    etag = hashlib.sha256(body).hexdigest()[:32]
    levels = simplified.packed([(*r[1:5], r[13], r[15]) for r in rows])
    with conn:
        conn.begin_write()
        conn.execute("DELETE FROM areas WHERE geography = ?", (b.geography,))
        conn.executemany("INSERT INTO areas VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.execute(
            "INSERT OR REPLACE INTO geographies VALUES (?,?,?,?,?,?,?)",
            (b.geography, GEOGRAPHIES[b.geography], source, len(rows), etag, body,
             datetime.now(timezone.utc).isoformat(timespec="seconds")))
        save_grid(conn, b.geography, index)
        conn.execute("DELETE FROM boundary_levels WHERE geography = ?", (b.geography,))
        conn.executemany("INSERT INTO boundary_levels VALUES (?,?,?,?)",
                         [(b.geography, metres, etag, gz) for metres, gz in levels])
    nesting.update(conn)
    return len(rows)


def _fingerprint(codes, wkb) -> str:
    """What a stored grid was built from: the areas (codes, geometries in code order), the
    snapping margin and the grid format. A grid is used only for exactly these."""
    digest = hashlib.sha256(f"{GRID_FORMAT}|{SNAP_METRES!r}|".encode() + "\x00".join(codes).encode())
    for blob in wkb:
        digest.update(blob)
    return digest.hexdigest()


def save_grid(conn: Connection, geography: str, index: AreaIndex) -> None:
    """Keep ``index``'s grid (built now if need be) in the hub database, for every ingest after
    to load (a few hundred kilobytes, compressed) rather than build."""
    grid = index.grid
    if grid is None or index.fingerprint is None:
        conn.execute("DELETE FROM area_grids WHERE geography = ?", (geography,))
        return
    conn.execute("INSERT OR REPLACE INTO area_grids VALUES (?,?,?,?,?,?,?,?)",
                 (geography, index.fingerprint, grid.x0, grid.y0, grid.cell, grid.nx, grid.ny,
                  zlib.compress(grid.label.astype("<i4").tobytes(), 1)))


def _stored_grid(conn: Connection, geography: str, fingerprint: str) -> Optional[AreaGrid]:
    """The grid stored for these very areas, if there is one."""
    row = conn.execute("SELECT x0, y0, cell, nx, ny, label FROM area_grids WHERE geography = ? AND fingerprint = ?",
                       (geography, fingerprint)).fetchone()
    if row is None:
        return None
    *frame, label = row
    return AreaGrid(*frame, np.frombuffer(zlib.decompress(label), dtype="<i4").astype(np.int32))


class AreaIndex:
    """Point-in-polygon lookup of a geography's areas: a grid answers for points well inside an
    area (``area_grid``), an STRtree and exact containment test for points near a boundary."""

    def __init__(self, codes: np.ndarray, geoms: np.ndarray, snap: float = SNAP_METRES,
                 grid: Optional[AreaGrid] = None, fingerprint: Optional[str] = None):
        self.codes = np.asarray(codes, dtype=object)
        self.geoms = geoms
        self.snap = snap
        self.tree = shapely.STRtree(geoms)
        self.union_bounds = shapely.total_bounds(geoms)
        self.fingerprint = fingerprint if snap == SNAP_METRES else None      # of the areas, for a stored grid
        self._grid, self._grid_made, self.grid_stored = grid, grid is not None, grid is not None

    @property
    def grid(self) -> Optional[AreaGrid]:
        """The grid shortcut: the one stored with the areas, else built on first use (``GRID_POINTS``)."""
        if not self._grid_made:
            self._grid, self._grid_made = AreaGrid.build(self.geoms, margin=self.snap), True
        return self._grid

    @property
    def grid_unsaved(self) -> bool:
        """Whether a grid was built here that the hub database could keep (``save_grid``)."""
        return self._grid_made and not self.grid_stored and self.fingerprint is not None

    @classmethod
    def from_db(cls, conn: Connection, geography: str) -> AreaIndex:
        rows = conn.execute(
            "SELECT area_code, geom_wkb FROM areas WHERE geography = ? ORDER BY area_code", (geography,)
        ).fetchall()
        if not rows:
            raise BoundaryError(f"no '{geography}' boundaries loaded: run jin-hub load-boundaries first")
        codes, wkb = zip(*rows)
        fingerprint = _fingerprint(codes, wkb)
        return cls(np.array(codes, dtype=object), shapely.from_wkb(np.array(wkb, dtype=object)),
                   grid=_stored_grid(conn, geography, fingerprint), fingerprint=fingerprint)

    def assign(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Area code for each point (None where the point is in no area).

        A point exactly on a shared edge belongs to the area with the lowest code, so every
        point is counted once and the choice is reproducible. A point in no area but within
        ``snap`` metres of one (a sliver between generalised boundaries) goes to the nearest.
        """
        out = np.full(len(x), None, dtype=object)
        idx = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        if len(idx) >= GRID_POINTS and self.grid is not None:
            found = self.grid.lookup(x[idx], y[idx])
            out[idx[found >= 0]] = self.codes[found[found >= 0]]
            idx = idx[found == NEAR_EDGE]              # the rest are far outside every area
        if len(idx):
            out[idx] = self.exact(x[idx], y[idx])
        return out

    def exact(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``assign`` for finite points, each tested against the polygons near it."""
        out = np.full(len(x), None, dtype=object)
        hit_pt, hit_area = self.tree.query(shapely.points(x, y), predicate="intersects")
        order = np.lexsort((hit_area, hit_pt))           # first (lowest-code) area per point
        hit_pt, hit_area = hit_pt[order], hit_area[order]
        first = np.ones(len(hit_pt), dtype=bool)
        first[1:] = hit_pt[1:] != hit_pt[:-1]
        out[hit_pt[first]] = self.codes[hit_area[first]]
        missed = np.flatnonzero(out == None)  # noqa: E711 - elementwise on an object array
        if self.snap > 0 and len(missed):
            near_pt, near_area = self.tree.query_nearest(shapely.points(x[missed], y[missed]),
                                                         max_distance=self.snap, all_matches=False)
            out[missed[near_pt]] = self.codes[near_area]
        return out
