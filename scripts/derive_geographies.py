"""Derive the demo's other geographies from the real Nottinghamshire LSOAs.

- MSOAs (2011): LSOAs dissolved by MSOA name ("Nottingham 018A" → "Nottingham 018"). The source
  has no MSOA codes, so ``MSOA11CD`` carries the MSOA name too: join your data on ``MSOA11NM``,
  or load ONS's own MSOA file in production.
- Districts: LSOAs dissolved by ``LAD11CD`` (the eight real ONS codes).
- Output areas: **synthetic**. ONS OA boundaries are not in the source, so each LSOA is cut into
  four to six parts of similar area (Voronoi cells of k-means centres, clipped to the LSOA). Codes
  are ``<LSOA code>-<n>`` and every feature carries ``SYNTHETIC=1`` so nobody mistakes them for
  real OAs. They exist so the OA path (finest level, nesting, disclosure control) is exercised.

Run: ``python scripts/derive_geographies.py`` (after ``extract_boundaries.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parents[1] / "resources/boundaries"
LSOA = HERE / "nottinghamshire_lsoa11.geojson"
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
                         "geometry": json.loads(shapely.to_geojson(shapely.set_precision(g, 0.001)))},
                        separators=(",", ":")) for p, g in rows]
    path.write_text('{"type":"FeatureCollection","name":"' + name + '","crs":' + json.dumps(CRS)
                    + ',"features":[\n' + ",\n".join(feats) + "\n]}\n", encoding="utf-8")
    print(f"wrote {len(rows)} features to {path}")


def dissolve(props: list[dict], geoms: np.ndarray, key) -> dict[tuple, shapely.Geometry]:
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(props):
        groups.setdefault(key(p), []).append(i)
    return {k: shapely.union_all(geoms[idx]) for k, idx in groups.items()}


def kmeans_centres(points: np.ndarray, k: int, rng: np.random.Generator, rounds: int = 12) -> np.ndarray:
    centres = points[rng.choice(len(points), k, replace=False)]
    for _ in range(rounds):
        label = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        centres = np.array([points[label == j].mean(axis=0) if (label == j).any() else centres[j] for j in range(k)])
    return centres


def split(polygon: shapely.Geometry, k: int, rng: np.random.Generator) -> list[shapely.Geometry]:
    """Cut ``polygon`` into ``k`` parts of similar area that tile it exactly."""
    minx, miny, maxx, maxy = polygon.bounds
    pts = np.column_stack([rng.uniform(minx, maxx, 4000), rng.uniform(miny, maxy, 4000)])
    pts = pts[shapely.contains_xy(polygon, pts[:, 0], pts[:, 1])]
    centres = kmeans_centres(pts, k, rng)
    cells = shapely.voronoi_polygons(shapely.multipoints(centres), extend_to=polygon.buffer(100))
    parts = [polygon.intersection(c) for c in shapely.get_parts(cells)]
    parts = [p for p in parts if not p.is_empty and p.area > 0]
    rest = shapely.difference(polygon, shapely.union_all(parts))     # numeric slivers join the first part
    if not rest.is_empty:
        parts[0] = shapely.union(parts[0], rest)
    return parts


def main() -> None:
    props, geoms = read_lsoas()
    msoas = dissolve(props, geoms, lambda p: (p["LSOA11NM"][:-1], p["LAD11CD"], p["LAD11NM"]))
    write(HERE / "nottinghamshire_msoa11.geojson", "nottinghamshire_msoa11",
          [({"MSOA11CD": nm, "MSOA11NM": nm, "LAD11CD": cd, "LAD11NM": lad}, g) for (nm, cd, lad), g in msoas.items()])
    districts = dissolve(props, geoms, lambda p: (p["LAD11CD"], p["LAD11NM"]))
    write(HERE / "nottinghamshire_lad11.geojson", "nottinghamshire_lad11",
          [({"LAD11CD": cd, "LAD11NM": nm}, g) for (cd, nm), g in districts.items()])
    rng = np.random.default_rng(2011)
    oas = []
    for p, g in zip(props, geoms):
        for n, part in enumerate(split(g, int(rng.integers(4, 7)), rng), start=1):
            oas.append(({"OA11CD": f"{p['LSOA11CD']}-{n}", "OA11NM": f"{p['LSOA11NM']} part {n} (synthetic OA)",
                         "LSOA11CD": p["LSOA11CD"], "LAD11CD": p["LAD11CD"], "LAD11NM": p["LAD11NM"],
                         "SYNTHETIC": 1}, part))
    write(HERE / "nottinghamshire_oa_synthetic.geojson", "nottinghamshire_oa_synthetic", oas)


if __name__ == "__main__":
    main()
