"""Zones: named areas of interest (districts, wards, community safety partnership areas, areas an
admin defines) that clients zoom to or filter by.

Every loaded district and ward is a zone of its own; other zones are unions of areas of one
geography. A zone filters any geography that nests in the one it is defined on.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import shapely

from jin_hub import nesting
from jin_hub.backends import Connection

BUILT_IN = ("district", "ward", "ward21")
KINDS = ("csp", "user")


class ZoneError(LookupError):
    """An unknown zone, or one that cannot filter the requested geography."""


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def add(conn: Connection, name: str, kind: str, geography: str, codes: list[str]) -> str:
    """Store a zone made of ``codes`` of ``geography``; returns its id."""
    if kind not in KINDS:
        raise ValueError(f"zone kind '{kind}' is not one of: {', '.join(KINDS)} (districts and wards are "
                         "zones already)")
    zone_id = _slug(name)
    if not zone_id:
        raise ValueError("give the zone a name with letters or digits")
    known = {c for (c,) in conn.execute("SELECT area_code FROM areas WHERE geography = ?", (geography,))}
    if not known:
        raise ValueError(f"no {geography} boundaries loaded: load them first, or define the zone by another "
                         "geography")
    unknown = sorted(set(codes) - known)
    if unknown or not codes:
        raise ValueError(f"unknown {geography} codes: {', '.join(unknown[:10]) or 'none given'}; check the list")
    conn.execute("INSERT OR REPLACE INTO zones VALUES (?, ?, ?, ?, ?, ?)",
                 (zone_id, name, kind, geography, json.dumps(sorted(set(codes))),
                  datetime.now(timezone.utc).isoformat(timespec="seconds")))
    return zone_id


def remove(conn: Connection, zone_id: str) -> None:
    if not conn.execute("DELETE FROM zones WHERE id = ?", (zone_id,)).rowcount:
        raise ZoneError(f"no stored zone '{zone_id}'; see: jin-hub zones list")


def _bounds(conn: Connection, geography: str, codes: list[str]) -> dict:
    marks = ",".join("?" * len(codes))
    row = conn.execute(f"SELECT min(minx), min(miny), max(maxx), max(maxy), min(lon_min), min(lat_min), "
                       f"max(lon_max), max(lat_max) FROM areas WHERE geography = ? AND area_code IN ({marks})",
                       (geography, *codes)).fetchone()
    return {"bbox": [round(v, 1) for v in row[:4]], "bbox_crs84": [round(v, 6) for v in row[4:]]}


def listing(conn: Connection) -> list[dict]:
    """Every zone with its kind, defining geography, areas and extent (EPSG:27700 and CRS84)."""
    zones = []
    for geography in BUILT_IN:
        for code, name in conn.execute("SELECT area_code, area_name FROM areas WHERE geography = ? "
                                       "ORDER BY area_name", (geography,)):
            zones.append({"id": f"{geography}-{code}".lower(), "name": name, "kind": nesting.level(geography),
                          "geography": geography, "areas": [code]})
    for zone_id, name, kind, geography, codes in conn.execute(
            "SELECT id, name, kind, geography, areas FROM zones ORDER BY kind, name"):
        zones.append({"id": zone_id, "name": name, "kind": kind, "geography": geography, "areas": json.loads(codes)})
    for zone in zones:
        zone.update(_bounds(conn, zone["geography"], zone["areas"]))
    return zones


def get(conn: Connection, zone_id: str) -> dict:
    zones = {z["id"]: z for z in listing(conn)}
    if zone_id not in zones:
        raise ZoneError(f"no zone '{zone_id}'; see /api/v1/zones for the available ones")
    return zones[zone_id]


def members(conn: Connection, zone: dict, geography: str) -> set[str]:
    """Area codes of ``geography`` inside ``zone`` (which must be defined on a coarser or equal level)."""
    if geography == zone["geography"]:
        return set(zone["areas"])
    nested = conn.execute("SELECT nested FROM geography_pairs WHERE child = ? AND parent = ?",
                          (geography, zone["geography"])).fetchone()
    if not nested or not nested[0] or nesting.rank(geography) > nesting.rank(zone["geography"]):
        raise ZoneError(f"zone '{zone['id']}' is made of {zone['geography']} areas: it can filter only "
                        f"geographies that nest inside them, not {geography}")
    wanted = set(zone["areas"])
    return {child for child, parent in conn.execute(
        "SELECT child_code, parent_code FROM nesting WHERE child = ? AND parent = ?", (geography, zone["geography"]))
        if parent in wanted}


def geometry(conn: Connection, zone: dict) -> str:
    """The zone's outline as a GeoJSON geometry in EPSG:27700."""
    marks = ",".join("?" * len(zone["areas"]))
    wkb = [w for (w,) in conn.execute(f"SELECT geom_wkb FROM areas WHERE geography = ? AND area_code IN ({marks})",
                                      (zone["geography"], *zone["areas"]))]
    return shapely.to_geojson(shapely.union_all(shapely.from_wkb(wkb)), indent=None)
