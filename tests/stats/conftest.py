"""Shared data for the statistics tests: real polygons (libpysal's bundled examples and the
Nottinghamshire LSOAs), read by QGIS for us and by libpysal for the reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
LSOA = ROOT / "resources/boundaries/nottinghamshire_lsoa11.geojson"


def qgis_vertices(path: Path):
    from qgis.core import QgsVectorLayer

    from jin_plugin.core.stats.vertices import from_wkb

    layer = QgsVectorLayer(str(path), "areas", "ogr")
    assert layer.isValid(), path
    feats = sorted(layer.getFeatures(), key=lambda f: f.id())
    return from_wkb(bytes(f.geometry().asWkb()) for f in feats), feats


def libpysal_w(path: Path, rook: bool = False):
    """libpysal's own contiguity from the same file (shapefile via libpysal, GeoJSON via shapely)."""
    import libpysal

    cls = libpysal.weights.Rook if rook else libpysal.weights.Queen
    if path.suffix == ".shp":
        return cls.from_shapefile(str(path))
    import json

    import shapely

    shapes = [shapely.geometry.shape(f["geometry"]) for f in json.loads(path.read_text())["features"]]
    return cls.from_iterable(shapes)


def pairs_of(w) -> set[tuple[int, int]]:
    ids = w.id_order
    pos = {k: i for i, k in enumerate(ids)}
    return {(pos[i], pos[j]) for i in ids for j in w.neighbors[i]}


@pytest.fixture(scope="session")
def columbus(qgis_app):
    import libpysal

    path = Path(libpysal.examples.get_path("columbus.shp"))
    vertices, feats = qgis_vertices(path)
    crime = np.array([f["CRIME"] for f in feats], dtype=float)
    income = np.array([f["INC"] for f in feats], dtype=float)
    hoval = np.array([f["HOVAL"] for f in feats], dtype=float)
    return {"path": path, "vertices": vertices, "crime": crime, "income": income, "hoval": hoval}


@pytest.fixture(scope="session")
def sids(qgis_app):
    import libpysal

    path = Path(libpysal.examples.get_path("sids2.shp"))
    vertices, feats = qgis_vertices(path)
    return {"path": path, "vertices": vertices,
            "events": np.array([f["SID74"] for f in feats], dtype=float),
            "births": np.array([f["BIR74"] for f in feats], dtype=float),
            "nwbir": np.array([f["NWBIR74"] for f in feats], dtype=float)}
