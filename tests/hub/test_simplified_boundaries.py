"""Boundaries for web maps: each geography in lon/lat at a few levels of detail, simplified as one
coverage (neighbours still share their edges: no gaps, no slivers), every area kept, revalidated
by ETag, and never stale after a new load of boundaries. The EPSG:27700 reply QGIS takes is
unchanged (``test_api.test_boundaries_are_cacheable``)."""

from __future__ import annotations

import dataclasses
import gzip
import json

import numpy as np
import pytest
import requests
import shapely

from jin_hub import db, geography, zones
from jin_hub.demo.boundaries import FILES
from jin_hub.local_server import start_hub
from jin_hub.simplified import LEVELS
from tests.conftest import ANALYST, SOUTH_NOTTS
from tests.hub_locator import copy_hub


def lonlat(url: str, geo: str, headers: dict | None = None, **params) -> requests.Response:
    return requests.get(f"{url}/api/v1/boundaries/{geo}", params=params, auth=ANALYST, headers=headers, timeout=60)


def shapes(doc: dict) -> tuple[list[str], np.ndarray]:
    return ([f["properties"]["area_code"] for f in doc["features"]],
            shapely.from_geojson([json.dumps(f["geometry"]) for f in doc["features"]]))


@pytest.mark.parametrize("geo", ["lsoa", "district"])
def test_each_level_keeps_every_area_as_a_valid_coverage_on_its_grid(hub_url, geo):
    codes = [f["properties"]["area_code"] for f in lonlat(hub_url, geo).json()["features"]]
    vertices, sizes = [], []
    for metres, decimals in sorted(LEVELS.items(), reverse=True):             # coarsest first
        r = lonlat(hub_url, geo, simplify=metres)
        assert r.status_code == 200 and r.headers["content-crs"].endswith("CRS84>")
        doc = r.json()
        assert doc["simplified_m"] == metres and doc["levels_m"] == sorted(LEVELS, reverse=True)
        got, areas = shapes(doc)
        assert got == codes and not shapely.is_empty(areas).any()
        xy = shapely.get_coordinates(areas)
        assert ((xy > (-3.5, 52.5)) & (xy < (0, 53.6))).all(), "not lon/lat in Nottinghamshire"
        if metres:                           # (0 is the areas as loaded, whatever their source made them)
            assert shapely.coverage_is_valid(areas), f"{geo} at {metres} m: gaps or overlaps between neighbours"
            assert shapely.is_valid(areas).all()
            on_grid = np.isclose(xy * 10 ** decimals, np.round(xy * 10 ** decimals), atol=1e-6).all(axis=1)
            assert on_grid.mean() > 0.999, f"{on_grid.mean():.4f} of vertices on the {decimals}-decimal grid"
        vertices.append(len(xy))
        sizes.append(len(r.content))
    assert vertices == sorted(vertices) and vertices[0] < vertices[-1], vertices       # coarser levels: fewer
    assert sizes[0] < sizes[-1] * 0.8, sizes


def test_a_zoom_or_any_metres_takes_the_level_within_it_and_each_level_revalidates(hub_url):
    assert lonlat(hub_url, "district", zoom=5).json()["simplified_m"] == max(LEVELS)
    assert lonlat(hub_url, "district", zoom=16).json()["simplified_m"] == 0
    assert lonlat(hub_url, "district", simplify=999).json()["simplified_m"] == sorted(LEVELS)[-2]
    tags = {lonlat(hub_url, "district", simplify=m).headers["etag"] for m in LEVELS}
    full = requests.get(f"{hub_url}/api/v1/boundaries/district", auth=ANALYST, timeout=60).headers["etag"]
    assert len(tags) == len(LEVELS) and full not in tags
    tag = lonlat(hub_url, "district", simplify=250).headers["etag"]
    again = lonlat(hub_url, "district", {"If-None-Match": tag}, simplify=250)
    assert again.status_code == 304 and not again.content and again.headers["etag"] == tag
    assert lonlat(hub_url, "district", {"If-None-Match": tag}, simplify=50).status_code == 200
    plain = lonlat(hub_url, "district", {"Accept-Encoding": "identity"}, simplify=250)
    assert "content-encoding" not in plain.headers and plain.headers["etag"] == tag
    assert lonlat(hub_url, "ward", simplify=250).status_code == 404
    assert lonlat(hub_url, "district", simplify=-1).status_code == 422


def test_a_new_load_of_boundaries_is_served_at_once(hub_db_path, tmp_path):
    hub = copy_hub(hub_db_path, tmp_path / "hub.sqlite")
    process = start_hub(hub)
    try:
        first = lonlat(process.url, "district", simplify=250)
        loaded = geography.read_boundary_file(FILES["district"], "district")
        moved = dataclasses.replace(loaded, geoms=shapely.transform(loaded.geoms, lambda xy: xy + 5000))
        conn = db.connect(hub)
        geography.store_boundaries(conn, moved, "moved 5 km north-east")
        conn.close()
        again = lonlat(process.url, "district", {"If-None-Match": first.headers["etag"]}, simplify=250)
        assert again.status_code == 200 and again.headers["etag"] != first.headers["etag"]
        before, after = (shapely.get_coordinates(shapes(r.json())[1]) for r in (first, again))
        assert after[:, 1].min() > before[:, 1].min() + 0.03           # 5 km north is about 0.045°
    finally:
        process.stop()


def test_a_zone_gets_only_its_areas_simplified_among_themselves_and_a_redrawn_zone_is_served_at_once(
        hub_db_path, tmp_path):
    hub = copy_hub(hub_db_path, tmp_path / "hub.sqlite")
    conn = db.connect(hub)
    zone = zones.add(conn, "Two districts", "csp", "district", SOUTH_NOTTS[:2])
    conn.close()
    process = start_hub(hub)
    try:
        whole = lonlat(process.url, "lsoa", simplify=250).json()["features"]
        wanted = sorted(f["properties"]["area_code"] for f in whole
                        if f["properties"]["district_code"] in SOUTH_NOTTS[:2])
        first = lonlat(process.url, "lsoa", simplify=250, zone=zone)
        codes, areas = shapes(first.json())
        assert codes == wanted and 0 < len(codes) < len(whole)
        assert shapely.coverage_is_valid(areas) and shapely.is_valid(areas).all()
        assert first.headers["etag"] != lonlat(process.url, "lsoa", simplify=250).headers["etag"]
        tag = first.headers["etag"]
        assert lonlat(process.url, "lsoa", {"If-None-Match": tag}, simplify=250, zone=zone).status_code == 304
        conn = db.connect(hub)                                   # the zone redrawn: one district now
        zones.remove(conn, zone)
        zones.add(conn, "Two districts", "csp", "district", SOUTH_NOTTS[:1])
        conn.close()
        again = lonlat(process.url, "lsoa", {"If-None-Match": tag}, simplify=250, zone=zone)
        assert again.status_code == 200 and again.headers["etag"] != tag
        assert set(shapes(again.json())[0]) < set(codes)
        assert lonlat(process.url, "lsoa", zone=zone).status_code == 400      # EPSG:27700 is served whole
        assert lonlat(process.url, "lsoa", simplify=250, zone="no-such-zone").status_code == 404
    finally:
        process.stop()


def test_the_levels_are_made_at_load_and_served_from_the_database(hub_db_path, tmp_path):
    """What a loaded hub sends is what its load made and kept (no hub process simplifies a country
    for its first web map); a hub without them (loaded by an earlier JiN) makes them as before."""
    hub = copy_hub(hub_db_path, tmp_path / "hub.sqlite")
    conn = db.connect(hub)
    etag = conn.execute("SELECT etag FROM geographies WHERE geography = 'district'").fetchone()[0]
    kept = dict(conn.execute("SELECT metres, etag FROM boundary_levels WHERE geography = 'district'").fetchall())
    assert kept == {m: etag for m in LEVELS if m}
    marked = json.dumps({"type": "FeatureCollection", "simplified_m": 250, "levels_m": sorted(LEVELS, reverse=True),
                         "features": [], "kept": "at load"}).encode()
    with conn:                                  # the kept 250 m level replaced by a recognisable one
        conn.begin_write()
        conn.execute("UPDATE boundary_levels SET body = ? WHERE geography = 'district' AND metres = 250",
                     (gzip.compress(marked),))
        conn.execute("DELETE FROM boundary_levels WHERE geography = 'district' AND metres = 1000")
    conn.close()
    process = start_hub(hub)
    try:
        served = lonlat(process.url, "district", simplify=250)
        assert served.json().get("kept") == "at load" and served.headers["etag"] == f'"{etag}-250"'
        made = lonlat(process.url, "district", simplify=1000).json()                    # none kept: made now
        assert len(made["features"]) == 8 and made["simplified_m"] == 1000
    finally:
        process.stop()
