"""Placing points with the grid shortcut gives exactly the exact test's areas: on real boundaries,
right on and beside them, and on awkward polygons (holes, several parts, overlaps)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.affinity

from jin_hub import db, geography
from jin_hub.area_grid import NEAR_EDGE, OUTSIDE, AreaGrid
from jin_hub.geography import AreaIndex, save_grid
from jin_hub.ingest.pipeline import ingest
from tests.conftest import TEST_SECRET, snapshot_db


def points_on_and_near(geoms: np.ndarray, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points anywhere over the areas, on their vertices and edges, and a millimetre to metres off them."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    anywhere = np.column_stack([rng.uniform(xmin - 50, xmax + 50, n), rng.uniform(ymin - 50, ymax + 50, n)])
    vertices = shapely.get_coordinates(geoms)
    pick = rng.integers(0, len(vertices) - 1, n)
    on_edges = vertices[pick] + rng.uniform(0, 1, (n, 1)) * (vertices[pick + 1] - vertices[pick])
    near = np.vstack([vertices[pick], on_edges])
    offsets = rng.normal(0, 1, near.shape) * rng.choice([0, 1e-3, 0.5, 1.9, 2.1, 5, 30], (len(near), 1))
    xy = np.vstack([anywhere, near + offsets])
    return xy[:, 0], xy[:, 1]


def assert_same_as_exact(index: AreaIndex, x: np.ndarray, y: np.ndarray) -> None:
    assert index.grid is not None
    got = index.assign(x, y)
    want = index.exact(x, y)
    assert (got == want).all(), f"{int((got != want).sum())} points placed differently"


@pytest.mark.parametrize("geography", ["oa", "lsoa", "district"])
def test_grid_places_points_exactly_as_the_exact_test(hub_db_path, geography):
    index = AreaIndex.from_db(db.connect(hub_db_path), geography)
    x, y = points_on_and_near(index.geoms, np.random.default_rng(5), 60_000)
    assert_same_as_exact(index, x, y)
    cells = index.grid.lookup(x, y)
    assert (cells >= 0).mean() > 0.15 and (cells == NEAR_EDGE).mean() > 0.2     # both paths used


def test_holes_parts_and_overlaps():
    square = lambda x, y, s: shapely.box(x, y, x + s, y + s)           # noqa: E731
    geoms = np.array([
        square(0, 0, 1000).difference(square(300, 300, 400)),            # A: a hole ...
        square(300, 300, 400),                                           # B: ... filled by B
        shapely.MultiPolygon([square(1200, 0, 300), square(1200, 600, 300)]),   # C: two parts
        square(1300, 100, 200),                                          # D: overlaps C
    ])
    index = AreaIndex(np.array(["A", "B", "C", "D"], dtype=object), geoms)
    x, y = points_on_and_near(geoms, np.random.default_rng(9), 40_000)          # enough for the grid
    assert_same_as_exact(index, x, y)
    place = lambda px, py: index.assign(np.array([px], float), np.array([py], float))[0]    # noqa: E731
    assert [place(100, 100), place(500, 500), place(1350, 750), place(1350, 450), place(1350, 150)] == \
        ["A", "B", "C", None, "C"]                                       # the overlap goes to the lower code
    assert index.grid.lookup(np.array([1350.0]), np.array([150.0]))[0] == NEAR_EDGE
    assert index.grid.lookup(np.array([9e6]), np.array([9e6]))[0] == OUTSIDE


def test_no_grid_without_areas():
    assert AreaGrid.build(np.array([], dtype=object), margin=2.0) is None


def test_the_grid_is_kept_with_the_boundaries_and_only_for_those_very_areas(tmp_path, hub_db_path):
    conn = db.connect(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    stored = AreaIndex.from_db(conn, "oa")                    # kept when the boundaries were loaded
    assert stored.grid_stored and not stored.grid_unsaved
    built = AreaGrid.build(stored.geoms, margin=stored.snap)
    assert np.array_equal(stored.grid.label, built.label) and stored.grid.nx == built.nx
    x, y = points_on_and_near(stored.geoms, np.random.default_rng(3), 20_000)
    assert_same_as_exact(stored, x, y)
    # an area redrawn after the grid was kept: the grid is not used, but built again
    (code, wkb) = conn.execute("SELECT area_code, geom_wkb FROM areas WHERE geography = 'oa' LIMIT 1").fetchone()
    moved = shapely.to_wkb(shapely.affinity.translate(shapely.from_wkb(wkb), 30, 0))
    conn.execute("UPDATE areas SET geom_wkb = ? WHERE geography = 'oa' AND area_code = ?", (moved, code))
    redrawn = AreaIndex.from_db(conn, "oa")
    assert not redrawn.grid_stored and redrawn.grid is not None and redrawn.grid_unsaved
    assert_same_as_exact(redrawn, x, y)
    save_grid(conn, "oa", redrawn)                           # as an ingest does when it had to build it
    assert AreaIndex.from_db(conn, "oa").grid_stored


def test_an_ingest_keeps_the_grid_it_had_to_build(tmp_path, hub_db_path, demo_extracts, monkeypatch):
    conn = db.connect(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    conn.execute("DELETE FROM area_grids")                      # a hub whose boundaries came before grids were kept
    conn.execute("DELETE FROM releases WHERE dataset = 'fire_incidents'")
    conn.commit()
    monkeypatch.setattr(geography, "GRID_POINTS", 0)             # the demo extract is small
    ingest(conn, "fire_incidents", demo_extracts["fire_incidents"], TEST_SECRET)
    assert [row[0] for row in conn.execute("SELECT geography FROM area_grids")] == ["oa"]
    assert AreaIndex.from_db(conn, "oa").grid_stored
