"""The main job end to end, as ``make demo`` runs it (smaller data so it stays quick)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.PyQt.QtGui import QColor, QImage

from jin_hub.demo import realdata
from tests.conftest import ROOT

#: What the demo must not inherit from this test run: pytest-qgis's profile, the user's Qt folders.
NOT_INHERITED = ("PYTEST_", "QGIS_", "XDG_")
#: QGIS's authentication code prints these about the master password (as qDebug, in every build).
AUTH_DEBUG = ("salt hex:", "hash hex:", "cipheriv hex:")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """One demo run, as a user starts it (a clean environment), with a home folder of its own:
    (the finished process, its working folder, the home folder)."""
    out, home = tmp_path_factory.mktemp("demo"), tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
    run = subprocess.run([sys.executable, "scripts/demo.py", "--out", str(out), "--scale", "0.1", "--seed", "3"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, env={**env, "HOME": str(home)})
    assert run.returncode == 0, run.stdout + run.stderr
    return run, out, home


def test_demo_builds_hub_fetches_through_plugin_and_writes_themed_map(demo):
    run, out, _ = demo
    log = run.stdout
    assert "loaded 679 lsoa areas" in log
    accepted = re.search(r"(\d+) rows in from police_crime.csv, (\d+) accepted, (\d+) quarantined", log)
    rows, ok, bad = (int(g) for g in accepted.groups())
    assert rows == ok + bad and bad > 0
    if realdata.available():               # the map: real recorded crime per 1,000 residents, LSOA 2021
        assert "258417 rows in from 24 files" in log and "data quality: Sep 2024" in log
        assert re.search(r"fetched 'Recorded crime \(police.uk\) rate, 12 months to Dec 2024, LSOA 2021': 684 areas "
                         r"in EPSG:27700", log)
    else:
        assert re.search(r"679 areas in EPSG:27700", log)
    hub_url = re.search(r"on (http://127\.0\.0\.1:\d+)", log).group(1)
    png = out / "jin_demo_map.png"
    assert f"map written to {png}" in log

    image = QImage(str(png))
    assert (image.width(), image.height()) == (1600, 1200)
    colours = {image.pixelColor(x, y).name() for x in range(0, 1600, 8) for y in range(60, 1140, 8)}
    reds = [c for c in colours if QColor(c).red() > 180 and QColor(c).blue() < 120]
    assert len(colours) > 20 and reds, "the map should show a graduated choropleth, not a blank page"

    import requests
    try:
        requests.get(hub_url, timeout=1)
        raise AssertionError("the demo left its hub running")
    except requests.ConnectionError:
        pass


def test_demo_keeps_its_qgis_profile_in_its_own_folder(demo):
    _, out, home = demo
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert not written, f"the demo wrote in the user's home folder: {written[:20]}"
    assert (out / "qgis_profile/profiles/default/qgis-auth.db").is_file(), "the demo signed in elsewhere"


def test_demo_prints_nothing_about_the_master_password(demo):
    run, _, _ = demo
    printed = run.stdout + run.stderr
    assert "fetched '" in printed                   # it signed in and fetched through QGIS
    assert not [line for line in printed.splitlines() if line.startswith(AUTH_DEBUG)], printed[-3000:]
