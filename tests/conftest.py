"""Shared fixtures: seeded demo extracts, a real hub database, and real hub servers on loopback."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from jin_hub.local_server import start_hub

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "resources/boundaries/nottinghamshire_lsoa11.geojson"
TEST_SECRET = b"0123456789abcdef0123456789abcdef-test-only"
TEST_SCALE = 0.25           # a quarter of a year's crime: enough for every category, quick to build


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory) -> dict[str, Path]:
    """Seeded synthetic partner extracts (with dirt and planted canaries) + manifest."""
    from jin_hub.demo.synth import generate

    return generate(tmp_path_factory.mktemp("extracts"), seed=11, scale=TEST_SCALE)


def build_hub_db(path: Path, extracts: dict[str, Path]) -> Path:
    """Load the demo geographies (OA to district) and ingest the four partner extracts into ``path``."""
    from jin_hub import db, denominators, geography
    from jin_hub.demo.boundaries import FILES
    from jin_hub.demo.synth import ALL_DATASETS
    from jin_hub.ingest.pipeline import ingest

    conn = db.connect(path)
    for level, file in FILES.items():
        geography.store_boundaries(conn, geography.read_boundary_file(file, level), file.name)
    denominators.load(conn, extracts["population"], "population", "oa")
    for dataset in ALL_DATASETS:
        ingest(conn, dataset, extracts[dataset], TEST_SECRET)
    conn.close()
    return path


@pytest.fixture(scope="session")
def hub_db_path(tmp_path_factory, demo_extracts) -> Path:
    return build_hub_db(tmp_path_factory.mktemp("hub") / "hub.sqlite", demo_extracts)


@pytest.fixture(scope="session")
def hub_url(hub_db_path) -> str:
    """Base URL (no trailing slash) of a real hub serving the test database."""
    hub = start_hub(hub_db_path)
    yield hub.url
    hub.stop()


@pytest.fixture()
def jin_cache(tmp_path, monkeypatch) -> Path:
    """A fresh, empty plugin cache for one test."""
    path = tmp_path / "jin_cache"
    monkeypatch.setenv("JIN_CACHE_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def _collect_qgis_objects():
    """Free layers/tasks held in reference cycles while QGIS is still up (not at interpreter exit)."""
    yield
    gc.collect()


def pytest_configure(config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
