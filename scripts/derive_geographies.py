"""Derive the demo's other geographies from the real Nottinghamshire LSOAs.

- MSOAs (2011): LSOAs dissolved by MSOA name ("Nottingham 018A" → "Nottingham 018"). The source
  has no MSOA codes, so ``MSOA11CD`` carries the MSOA name too: join your data on ``MSOA11NM``,
  or load ONS's own MSOA file in production.
- Districts: LSOAs dissolved by ``LAD11CD`` (the eight real ONS codes).
- Output areas: **real codes, approximate boundaries**. ONS OA boundaries are not in the source,
  so each LSOA is cut into as many parts of equal area as it has real OAs in ONS's OA (2011) →
  LSOA lookup (recursive straight cuts, no randomness: the same input gives the same file), and
  the parts take those OAs' codes. Census OA tables join on the codes; the shapes are invented,
  and every feature carries ``SYNTHETIC=1`` and "approximate boundaries" in its name.

Run: ``python scripts/derive_geographies.py LOOKUP.csv`` (after ``extract_boundaries.py``), with
ONS's ``oa11_lsoa11_msoa11_lad17`` lookup for Nottinghamshire (OGL v3).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parents[1] / "resources/boundaries"
LSOA = HERE / "nottinghamshire_lsoa11.geojson"
#: Coordinates are written to the millimetre; cuts are computed on that grid.
GRID = 0.001
#: Degrees between the directions tried for a straight cut: coarse, then fine where no coarse cut
#: leaves both sides single polygons.
STEPS = (15, 5)
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}


def read_lsoas() -> tuple[list[dict], np.ndarray]:
    data = json.loads(LSOA.read_text(encoding="utf-8"))
    props = [f["properties"] for f in data["features"]]
    geoms = np.array([shapely.geometry.shape(f["geometry"]) for f in data["features"]], dtype=object)
    return props, geoms


def write(path: Path, name: str, rows: list[tuple[dict, shapely.Geometry]]) -> None:
    """GeoJSON in EPSG:27700 with a crs member (GDAL and QGIS read it as British National Grid).

    Coordinates keep millimetres: rounding the new vertices of split areas any coarser would open
    slivers between neighbours, and a point in a sliver would belong to no area.
    """
    rows = sorted(rows, key=lambda r: next(iter(r[0].values())))
    feats = [json.dumps({"type": "Feature", "properties": p,
                         "geometry": json.loads(shapely.to_geojson(shapely.set_precision(g, GRID)))},
                        separators=(",", ":")) for p, g in rows]
    path.write_text('{"type":"FeatureCollection","name":"' + name + '","crs":' + json.dumps(CRS)
                    + ',"features":[\n' + ",\n".join(feats) + "\n]}\n", encoding="utf-8")
    print(f"wrote {len(rows)} features to {path}")


def dissolve(props: list[dict], geoms: np.ndarray, key) -> dict[tuple, shapely.Geometry]:
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(props):
        groups.setdefault(key(p), []).append(i)
    return {k: shapely.union_all(geoms[idx]) for k, idx in groups.items()}


def halfplane(angle: float, offset: float, bounds: tuple[float, float, float, float]) -> shapely.Geometry:
    """The plane on the low side of the line ``x·u = offset`` (``u`` at ``angle``), cut to a box
    well beyond ``bounds``."""
    u, v = np.array([np.cos(angle), np.sin(angle)]), np.array([-np.sin(angle), np.cos(angle)])
    minx, miny, maxx, maxy = bounds
    reach = 2 * (maxx - minx + maxy - miny) + 100
    centre = np.array([(minx + maxx) / 2, (miny + maxy) / 2])
    back = centre - reach * u
    front = centre + (offset - centre @ u) * u
    return shapely.Polygon([back - reach * v, front - reach * v, front + reach * v, back + reach * v])


def cut_offsets(polygon: shapely.Geometry, angles: np.ndarray, share: float, rounds: int = 28) -> np.ndarray:
    """Per angle: where a straight cut leaves ``share`` of the area on its low side."""
    xy = shapely.get_coordinates(polygon)
    along = xy @ np.array([np.cos(angles), np.sin(angles)])
    lo, hi = along.min(axis=0), along.max(axis=0)
    bounds = polygon.bounds
    for _ in range(rounds):
        mid = (lo + hi) / 2
        cut = [halfplane(a, t, bounds) for a, t in zip(angles, mid)]
        low = shapely.area(shapely.intersection(polygon, cut)) < share * polygon.area
        lo, hi = np.where(low, mid, lo), np.where(low, hi, mid)
    return (lo + hi) / 2


def compactness(geom: shapely.Geometry) -> float:
    """Polsby-Popper: 1 for a disc, near 0 for a sliver."""
    return 4 * np.pi * geom.area / geom.length ** 2


def bisect(polygon: shapely.Geometry, k: int, steps: tuple[int, ...] = STEPS) -> list[shapely.Geometry]:
    """Cut ``polygon`` into ``k`` parts of equal area that tile it exactly (recursive straight cuts).

    Each cut divides the parts in two (k//2 and the rest) at the area share that keeps them equal,
    at whichever angle (every 15°, or every 5° where none of those will do) leaves both sides single
    polygons and most compact. Both sides are computed on the millimetre grid the file is written
    on, so neighbours share their edge.
    """
    if k == 1:
        return [polygon]
    share = (k // 2) / k
    best: tuple = ()
    angles = np.radians(np.arange(0, 180, steps[0]))
    for angle, offset in zip(angles, cut_offsets(polygon, angles, share)):
        cut = halfplane(angle, offset, polygon.bounds)
        low = shapely.intersection(polygon, cut, grid_size=GRID)
        high = shapely.difference(polygon, cut, grid_size=GRID)
        score = (sum(g.geom_type == "Polygon" for g in (low, high)), min(compactness(low), compactness(high)))
        if not best or score > best[0]:
            best = (score, low, high)
    if best[0][0] < 2 and len(steps) > 1:
        return bisect(polygon, k, steps[1:])
    return bisect(best[1], k // 2) + bisect(best[2], k - k // 2)


def read_oa_lookup(path: Path, lsoas: list[str]) -> dict[str, list[str]]:
    """The real OA codes of each LSOA (sorted), from ONS's OA → LSOA lookup."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or not {"OA11CD", "LSOA11CD"} <= set(rows[0]):
        raise SystemExit(f"{path} is not the ONS OA (2011) → LSOA lookup: it needs OA11CD and LSOA11CD columns")
    oas: dict[str, list[str]] = {}
    for row in rows:
        oas.setdefault(row["LSOA11CD"], []).append(row["OA11CD"])
    missing = sorted(set(lsoas) - set(oas))
    if missing:
        raise SystemExit(f"{path} has no OAs for {len(missing)} LSOAs (e.g. {missing[:3]}): "
                         "use the lookup covering all of Nottinghamshire")
    return {code: sorted(oas[code]) for code in lsoas}


def output_areas(props: list[dict], geoms: np.ndarray, lookup: dict[str, list[str]]) -> list[tuple]:
    """Each LSOA cut into as many parts as it has real OAs; codes ascend north to south (centroid
    northing, then west to east), so the same code always lands on the same part."""
    oas = []
    for p, g in zip(props, geoms):
        codes = lookup[p["LSOA11CD"]]
        parts = sorted(bisect(g, len(codes)), key=lambda part: (-round(part.centroid.y), part.centroid.x))
        for code, part in zip(codes, parts):
            oas.append(({"OA11CD": code, "OA11NM": f"{code} in {p['LSOA11NM']} (approximate boundaries)",
                         "LSOA11CD": p["LSOA11CD"], "LAD11CD": p["LAD11CD"], "LAD11NM": p["LAD11NM"],
                         "SYNTHETIC": 1}, part))
    return oas


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("oa_lookup", type=Path,
                        help="ONS OA (2011) → LSOA lookup CSV (oa11_lsoa11_msoa11_lad17_nottinghamshire.csv)")
    args = parser.parse_args(argv)
    props, geoms = read_lsoas()
    msoas = dissolve(props, geoms, lambda p: (p["LSOA11NM"][:-1], p["LAD11CD"], p["LAD11NM"]))
    write(HERE / "nottinghamshire_msoa11.geojson", "nottinghamshire_msoa11",
          [({"MSOA11CD": nm, "MSOA11NM": nm, "LAD11CD": cd, "LAD11NM": lad}, g) for (nm, cd, lad), g in msoas.items()])
    districts = dissolve(props, geoms, lambda p: (p["LAD11CD"], p["LAD11NM"]))
    write(HERE / "nottinghamshire_lad11.geojson", "nottinghamshire_lad11",
          [({"LAD11CD": cd, "LAD11NM": nm}, g) for (cd, nm), g in districts.items()])
    lookup = read_oa_lookup(args.oa_lookup, [p["LSOA11CD"] for p in props])
    write(HERE / "nottinghamshire_oa_synthetic.geojson", "nottinghamshire_oa_synthetic",
          output_areas(props, geoms, lookup))


if __name__ == "__main__":
    main()
