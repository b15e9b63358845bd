"""Shared fixtures: seeded demo extracts, a real hub database, and real hub servers on loopback."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "resources/boundaries/nottinghamshire_lsoa11.geojson"
TEST_SCALE = 0.25           # a quarter of a year's crime: enough for every category, quick to build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class HubProcess:
    """A real ``jin-hub serve`` process on 127.0.0.1."""

    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_hub(db_path: Path, timeout: float = 30) -> HubProcess:
    """Start the hub on a free loopback port and wait until it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jin_hub", "--db", str(db_path), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hub exited early: {proc.stdout.read().decode(errors='replace')}")
        try:
            if requests.get(f"{url}/api/v1/version", timeout=1).ok:
                return HubProcess(url, proc)
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("hub did not start in time")


@pytest.fixture(scope="session")
def demo_extracts(tmp_path_factory) -> dict[str, Path]:
    """Seeded synthetic partner extracts (with dirt and planted canaries) + manifest."""
    from jin_hub.demo.synth import generate

    return generate(tmp_path_factory.mktemp("extracts"), seed=11, scale=TEST_SCALE)


def build_hub_db(path: Path, extracts: dict[str, Path]) -> Path:
    """Load the real Nottinghamshire LSOAs and ingest the police extract into ``path``."""
    from jin_hub import db, geography
    from jin_hub.ingest.pipeline import ingest

    conn = db.connect(path)
    geography.store_boundaries(conn, geography.read_boundary_file(BOUNDARIES, "lsoa"), BOUNDARIES.name)
    ingest(conn, "police_crime", extracts["police_crime"])
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
