"""Shared fixtures: seeded demo extracts, a real hub database, and real hub servers on loopback."""

from __future__ import annotations

import gc
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from jin_hub.backends import Locator
from jin_hub.demo import realdata
from jin_hub.local_server import start_hub
from tests import hub_locator
from tests.hub_locator import ON_POSTGRES, built_hub, copy_hub, new_hub

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "resources/boundaries/nottinghamshire_lsoa11.geojson"
TEST_SECRET = b"0123456789abcdef0123456789abcdef-test-only"
TEST_SCALE = 0.25           # a quarter of a year's crime: enough for every category, quick to build
#: Test accounts: a police analyst granted police records, a council analyst (aggregates only), an admin.
ANALYST = ("police.analyst", "police-analyst-pass")
COUNCIL = ("city.analyst", "city-analyst-password")
ADMIN = ("hub.admin", "hub-admin-password-1")
QGIS_MASTER = "jin-test-master-password"                  # the test profile's auth database only
SOUTH_NOTTS = ["E07000172", "E07000173", "E07000176"]      # Broxtowe, Gedling, Rushcliffe: one CSP


def built_once(tmp_path_factory, name: str, build: Callable[[Path], object]) -> Path:
    """The folder ``build(folder)`` fills, built once per run and shared by its test processes.

    Each pytest-xdist worker has its own temp folder inside the run's; a worker that replaces a
    crashed one finds there what the crashed one built instead of building it again. Built in a
    private folder and renamed into place, so a build cut short by a crash is never used.
    """
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "built" / name
    if not shared.is_dir():
        partial = shared.with_name(f"{name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        build(partial)
        try:
            partial.rename(shared)
        except OSError:                  # another worker was quicker: use its build
            shutil.rmtree(partial)
    return shared


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory) -> dict[str, Path]:
    """Seeded synthetic partner extracts (with dirt and planted canaries) + manifest (read-only)."""
    from jin_hub.demo.synth import generate

    folder = built_once(tmp_path_factory, "extracts", lambda out: generate(out, seed=11, scale=TEST_SCALE))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {**{dataset: folder / file["file"] for dataset, file in manifest["files"].items()},
            "population": folder / manifest["population"]["file"], "manifest": folder / "manifest.json"}


def build_hub_db(path: Path, extracts: dict[str, Path], datasets: list[str] | None = None,
                 method: str | None = None) -> Path:
    """Load the demo geographies (OA to district) and ingest the partner extracts (all four, or
    ``datasets``) into ``path``, under their release policies or with another disclosure ``method``."""
    import dataclasses

    from jin_hub import db, denominators, geography
    from jin_hub.demo.boundaries import FILES
    from jin_hub.demo.synth import ALL_DATASETS
    from jin_hub.ingest.pipeline import ingest
    from jin_hub.ingest.registry import get_schema

    conn = db.connect(path)
    for level, file in FILES.items():
        geography.store_boundaries(conn, geography.read_boundary_file(file, level), file.name)
    denominators.load(conn, extracts["population"], "population", "oa")
    for dataset in datasets or ALL_DATASETS:
        policy = dataclasses.replace(get_schema(dataset).policy, method=method) if method else None
        ingest(conn, dataset, extracts[dataset], TEST_SECRET, policy=policy)
    add_test_accounts(conn)
    conn.close()
    return path


def add_test_accounts(conn) -> None:
    """Agencies, the three test users, a police records grant and a CSP zone."""
    from jin_hub import zones
    from jin_hub.access import accounts, grants

    accounts.add_agency(conn, "notts-police", "Nottinghamshire Police")
    accounts.add_agency(conn, "city-council", "Nottingham City Council")
    accounts.add_agency(conn, "hub", "JiN hub team")
    accounts.add_user(conn, ANALYST[0], "notts-police", "analyst", ANALYST[1])
    accounts.add_user(conn, COUNCIL[0], "city-council", "analyst", COUNCIL[1])
    accounts.add_user(conn, ADMIN[0], "hub", "admin", ADMIN[1])
    grants.add(conn, "notts-police", "police_crime", "Nottinghamshire community safety ISP (test)")
    zones.add(conn, "South Nottinghamshire CSP", "csp", "district", SOUTH_NOTTS)


def snapshot_db(db_path: Locator, copy: Path) -> Locator:
    """A consistent copy of a live hub database (on the backend under test: ``tests.hub_locator``)."""
    return copy_hub(db_path, copy)


def build_hub_db_apart(path: Locator, extracts: dict[str, Path], datasets: list[str] | None = None,
                       method: str | None = None) -> Path:
    """``build_hub_db`` in its own process, as an admin builds a hub: the hub's GDAL (pyogrio's
    wheel) must not share a process with QGIS's, or GeoPackage writes there can hang or crash."""
    import json
    import subprocess
    import sys

    code = ("import json, sys; from pathlib import Path; from tests.conftest import build_hub_db; "
            "build_hub_db(sys.argv[1], {k: Path(v) for k, v in json.loads(sys.argv[2]).items()}, "
            "*json.loads(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", code, str(path), json.dumps({k: str(v) for k, v in extracts.items()}),
                    json.dumps([datasets, method])], check=True, cwd=ROOT)
    return path


def built_hub_once(tmp_path_factory, name: str, build: Callable[[Path, Path], object]) -> Locator:
    """This test process's own copy of a hub built once per run by ``build(folder, hub)`` into the
    hub ``hub`` stands for (``tests.hub_locator``; ``folder`` for its other files)."""
    if ON_POSTGRES:
        origin = built_hub(name, lambda hub: build(tmp_path_factory.mktemp(f"{name}_files"), hub))
    else:
        origin = built_once(tmp_path_factory, name, lambda out: build(out, out / "hub.sqlite")) / "hub.sqlite"
    return snapshot_db(origin, tmp_path_factory.mktemp(name) / "hub.sqlite")


def hub_db_built_once(tmp_path_factory, name: str, extracts: dict[str, Path], *how) -> Locator:
    """This test process's own copy of a hub database built once per run by ``build_hub_db_apart``
    (``how``: its ``datasets`` and ``method``)."""
    return built_hub_once(tmp_path_factory, name,
                          lambda _folder, hub: build_hub_db_apart(new_hub(hub), extracts, *how))


def serve(db_path: Path):
    """A real hub on loopback serving ``db_path`` for a fixture's lifetime: yields its base URL."""
    hub = start_hub(db_path)
    yield hub.url
    hub.stop()


@pytest.fixture(scope="session")
def hub_db_path(tmp_path_factory, demo_extracts) -> Path:
    """The test hub, with the demo geographies and the four partner extracts."""
    return hub_db_built_once(tmp_path_factory, "hub", demo_extracts)


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL/PostGIS server of this test process's own (``tests.pg_server``; stopped at exit)."""
    return hub_locator.server()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A new, empty PostgreSQL database (with PostGIS) for one test: its URL, as the hub's role."""
    import secrets

    name = f"test_{secrets.token_hex(6)}"
    yield pg_server.create(name)
    pg_server.drop(name)


@pytest.fixture(scope="session")
def hub_url(hub_db_path) -> str:
    """Base URL (no trailing slash) of a real hub serving the test database."""
    yield from serve(hub_db_path)


#: Real open data for Nottinghamshire (its README.md): $JIN_REALDATA, else beside the repository.
REALDATA = realdata.folder()
IMD2019 = REALDATA / "reference" / "imd2019_lsoa11_nottinghamshire.csv"


def load_reference(db_path: Path, file: Path, *args: str) -> None:
    """``jin-hub load-reference`` as an admin runs it (its own process, as the hub's other loads)."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(db_path), "load-reference", str(file), *args],
                   check=True, cwd=ROOT, capture_output=True)


@pytest.fixture(scope="session")
def reference_db_path(tmp_path_factory, hub_db_path) -> Path:
    """The test hub with IMD 2019 (real, per LSOA 2011) published as a reference layer."""
    path = snapshot_db(hub_db_path, tmp_path_factory.mktemp("reference_hub") / "hub.sqlite")
    load_reference(path, IMD2019, "--id", "imd2019", "--geography", "lsoa",
                   "--title", "English Indices of Deprivation 2019")
    return path


@pytest.fixture(scope="session")
def reference_url(reference_db_path) -> str:
    """Base URL of a real hub serving the test hub with IMD 2019."""
    yield from serve(reference_db_path)


@pytest.fixture(scope="session")
def thinned_db_path(tmp_path_factory, hub_db_path, demo_extracts) -> Path:
    """The test hub with a police release missing most of one month (``tests.thinned_hub``)."""
    from tests.thinned_hub import build_thinned_hub_apart

    return built_hub_once(tmp_path_factory, "thinned_hub", lambda out, hub: build_thinned_hub_apart(
        out, snapshot_db(hub_db_path, hub), demo_extracts["police_crime"]))


@pytest.fixture(scope="session")
def thinned_url(thinned_db_path) -> str:
    """Base URL of a real hub serving the thinned test hub."""
    yield from serve(thinned_db_path)


@pytest.fixture(scope="session")
def analyst_authcfg(qgis_app) -> str:
    """A QGIS Basic authcfg with the police analyst's credentials (in the test QGIS profile)."""
    from qgis.core import QgsApplication

    from jin_plugin.core.auth import basic_config

    assert QgsApplication.authManager().setMasterPassword(QGIS_MASTER, True)
    return basic_config("JiN test analyst", *ANALYST)


@pytest.fixture()
def jin_cache(tmp_path, monkeypatch) -> Path:
    """A fresh, empty plugin cache for one test."""
    path = tmp_path / "jin_cache"
    monkeypatch.setenv("JIN_CACHE_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def _secret_beside_the_hub(request, monkeypatch):
    """On PostgreSQL, a test's pseudonym secret in its own folder, as beside its SQLite file."""
    if ON_POSTGRES:
        monkeypatch.setenv("JIN_HUB_SECRET_FILE", str(request.getfixturevalue("tmp_path") / "hub.secret"))


@pytest.fixture(autouse=True)
def _collect_qgis_objects():
    """Free layers/tasks held in reference cycles while QGIS is still up (not at interpreter exit)."""
    yield
    gc.collect()


def pytest_collection_modifyitems(config, items) -> None:
    """On PostgreSQL (``JIN_TEST_DB=postgresql``), leave out the tests of SQLite's own files."""
    if not ON_POSTGRES:
        return
    gone = [item for item in items if item.get_closest_marker("sqlite_only")]
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = [item for item in items if not item.get_closest_marker("sqlite_only")]


def pytest_configure(config) -> None:
    from jin_plugin.core.qgis_profile import quiet_auth_debug

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    quiet_auth_debug()                  # the test profile's master password would print its hash
