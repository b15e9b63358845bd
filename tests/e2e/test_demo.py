"""The main job end to end, as ``make demo`` runs it (smaller data so it stays quick)."""

from __future__ import annotations

import re
import subprocess
import sys

from qgis.PyQt.QtGui import QColor, QImage

from tests.conftest import ROOT


def test_demo_builds_hub_fetches_through_plugin_and_writes_themed_map(tmp_path):
    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "scripts/demo.py", "--out", str(out), "--scale", "0.1", "--seed", "3"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    log = run.stdout
    assert "loaded 679 lsoa areas" in log
    accepted = re.search(r"(\d+) rows in, (\d+) accepted, (\d+) quarantined", log)
    rows, ok, bad = (int(g) for g in accepted.groups())
    assert rows == ok + bad and bad > 0
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
