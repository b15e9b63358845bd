"""The admin CLI end to end, as a hub administrator runs it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import BOUNDARIES, ROOT


def jin_hub(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jin_hub", *args], capture_output=True, text=True, cwd=ROOT)


def test_load_ingest_status(tmp_path, demo_extracts):
    dbp = str(tmp_path / "hub.sqlite")
    out = jin_hub("--db", dbp, "load-boundaries", str(BOUNDARIES), "--geography", "lsoa")
    assert out.returncode == 0 and "loaded 679 lsoa areas" in out.stdout
    out = jin_hub("--db", dbp, "ingest", "police_crime", str(demo_extracts["police_crime"]))
    assert out.returncode == 0, out.stderr
    assert "quarantined" in out.stdout and "duplicate" in out.stdout
    again = jin_hub("--db", dbp, "ingest", "police_crime", str(demo_extracts["police_crime"]))
    assert "nothing changed" in again.stdout
    status = jin_hub("--db", dbp, "status")
    assert '"police_crime"' in status.stdout


def test_errors_are_clear(tmp_path):
    dbp = str(tmp_path / "hub.sqlite")
    out = jin_hub("--db", dbp, "ingest", "police_crime", str(tmp_path / "nope.csv"))
    assert out.returncode == 2 and "not found: check the path" in out.stderr
    out = jin_hub("--db", dbp, "ingest", "burglars", str(tmp_path / "nope.csv"))
    assert out.returncode == 2 and "unknown dataset 'burglars'" in out.stderr
    out = jin_hub("--db", dbp, "load-boundaries", str(tmp_path / "none.gpkg"))
    assert out.returncode == 2 and "not found" in out.stderr
    out = jin_hub("--db", str(tmp_path / "absent.sqlite"), "status")
    assert out.returncode == 2 and "does not exist" in out.stderr
