"""qgis_process (QGIS's command-line Processing) finds JiN's algorithms in the built zip, installed
into a throwaway profile, and runs them on local files; initProcessing alone registers the provider."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from qgis.core import QgsApplication, QgsVectorLayer

import jin_plugin
from tests.conftest import ROOT
from tests.plugin.packaging import make_package

ALGORITHMS = {"jin:fetch", "jin:compare", "jin:change", "jin:theme", "jin:export_layout", "jin:comparison_layout",
              "jin:join_table", "jin:count_points", "jin:export_layer"}
LONDON = (530000.0, 180000.0)                 # British National Grid: well outside Nottinghamshire


def qgis_process_command() -> str:
    """The qgis_process executable. Debian's /usr/bin/qgis_process is a shell wrapper that adds
    ``--noversioncheck`` (from /etc/default/qgis), which QGIS 3.22's qgis_process refuses as an
    unknown command; the binary it wraps (qgis_process.bin) is then called directly."""
    found = shutil.which("qgis_process")
    assert found, "qgis_process not found: install Debian's 'qgis' package (apt-get install qgis)"
    binary = Path(found).with_name("qgis_process.bin")
    return str(binary) if binary.exists() else found


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> dict[str, str]:
    """A throwaway QGIS configuration folder with the built zip installed in its default profile and
    enabled; the environment to run qgis_process in it (nothing of this checkout on the Python path)."""
    config = tmp_path_factory.mktemp("qgis_config")
    run = make_package(config / "profiles/default/python/plugins")
    assert run.returncode == 0, run.stdout + run.stderr
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "QGIS_PLUGINPATH", "PYTHONHOME"}}
    env.update(QGIS_CUSTOM_CONFIG_PATH=str(config), QT_QPA_PLATFORM="offscreen")
    listed = qgis_process(env, "plugins")
    assert "jin_plugin" in listed and "* jin_plugin" not in listed           # installed, not yet enabled
    qgis_process(env, "plugins", "enable", "jin_plugin")
    assert "* jin_plugin" in qgis_process(env, "plugins")
    return env


def qgis_process(env: dict[str, str], *args: str) -> str:
    run = subprocess.run([qgis_process_command(), *args], env=env, cwd=ROOT.parent, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, f"qgis_process {' '.join(args)}: {run.stdout}\n{run.stderr}"
    return run.stdout


def test_qgis_process_lists_the_jin_algorithms(profile):
    providers = json.loads(qgis_process(profile, "--json", "list"))["providers"]
    assert providers["jin"]["name"] == "JiN" and providers["jin"]["is_active"]
    assert set(providers["jin"]["algorithms"]) == ALGORITHMS


def districts(path: Path) -> list[dict]:
    """Nottinghamshire's districts (real boundaries) as JiN areas: code, name and a denominator."""
    source = json.loads((ROOT / "resources/boundaries/nottinghamshire_lad11.geojson").read_text(encoding="utf-8"))
    for i, feature in enumerate(source["features"]):
        props = feature["properties"]
        feature["properties"] = {"area_code": props["LAD11CD"], "area_name": props["LAD11NM"], "base": 1000 * (i + 3)}
    path.write_text(json.dumps(source), encoding="utf-8")
    return source["features"]


def inside(path: Path) -> dict[str, tuple[float, float]]:
    """A point inside each area of the file (QGIS's point on surface), by area code."""
    layer = QgsVectorLayer(str(path), "areas", "ogr")
    points = {f["area_code"]: f.geometry().pointOnSurface().asPoint() for f in layer.getFeatures()}
    return {code: (p.x(), p.y()) for code, p in points.items()}


def points_file(path: Path, coords: list[tuple[float, float]]) -> None:
    features = [{"type": "Feature", "properties": {"n": i}, "geometry": {"type": "Point", "coordinates": list(c)}}
                for i, c in enumerate(coords)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features,
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}}))


def test_qgis_process_runs_count_points_and_join_table(profile, tmp_path):
    areas = districts(tmp_path / "districts.geojson")
    first, second = (f["properties"]["area_code"] for f in areas[:2])
    at = inside(tmp_path / "districts.geojson")
    points_file(tmp_path / "incidents.geojson", [at[first]] * 3 + [at[second], LONDON])
    out = json.loads(qgis_process(profile, "--json", "run", "jin:count_points", "--",
                                  f"AREAS={tmp_path / 'districts.geojson'}", f"POINTS={tmp_path / 'incidents.geojson'}",
                                  f"OUTPUT={tmp_path / 'counts.gpkg'}"))
    assert out["results"]["OUTSIDE"] == 1
    counted = QgsVectorLayer(out["results"]["OUTPUT"], "counts", "ogr")
    assert counted.isValid() and counted.featureCount() == len(areas)
    got = {f["area_code"]: (f["local_count"], f["local_rate"]) for f in counted.getFeatures()}
    assert got[first] == (3, 1.0) and got[second] == (1, 0.25)          # per 1,000 of 3,000 and 4,000
    assert sum(n for n, _ in got.values()) == 4
    del counted

    (tmp_path / "clubs.csv").write_text(f"code,clubs\n{first},7\n{second},2\nE07999999,1\n", encoding="utf-8")
    out = json.loads(qgis_process(profile, "--json", "run", "jin:join_table", "--",
                                  f"AREAS={tmp_path / 'districts.geojson'}", f"TABLE={tmp_path / 'clubs.csv'}",
                                  "TABLE_CODE=code", f"OUTPUT={tmp_path / 'joined.gpkg'}"))
    assert out["results"]["UNMATCHED"] == "E07999999"
    joined = QgsVectorLayer(out["results"]["OUTPUT"], "joined", "ogr")
    clubs = {f["area_code"]: f["local_clubs"] for f in joined.getFeatures()}
    assert str(clubs[first]) == "7" and str(clubs[second]) == "2" and len(clubs) == len(areas)
    del joined


def test_init_processing_alone_registers_the_provider():
    """What qgis_process calls (classFactory without an interface, then initProcessing) registers
    every algorithm; unload removes them."""
    registry = QgsApplication.processingRegistry()
    plugin = jin_plugin.classFactory(None)
    plugin.initProcessing()
    try:
        provider = registry.providerById("jin")
        assert provider is not None and provider is plugin.provider
        assert {a.id() for a in provider.algorithms()} == ALGORITHMS
        assert registry.algorithmById("jin:count_points") is not None
    finally:
        plugin.unload()
    assert registry.providerById("jin") is None and registry.algorithmById("jin:count_points") is None


def test_qgis_process_shows_readable_choices_and_takes_ids(profile, tmp_path):
    """Option lists read as words in ``help``; a script may still pass the id (any case) or the index."""
    shown = qgis_process(profile, "help", "jin:compare")
    assert "False discovery rate (Benjamini–Hochberg)" in shown and "Queen: a shared edge or corner" in shown
    districts(tmp_path / "districts.geojson")
    for method, qml in (("EQUAL", tmp_path / "equal.qml"), ("2", tmp_path / "by_index.qml")):
        qgis_process(profile, "run", "jin:theme", "--", f"INPUT={tmp_path / 'districts.geojson'}", "FIELD=base",
                     "THEME=asb", f"METHOD={method}", "CLASSES=3", "SAVE_DEFAULT=false", f"EXPORT={qml}")
    rules = [[(r.get("lower"), r.get("upper")) for r in ElementTree.parse(qml).iter("range") if " – " in r.get("label")]
             for qml in (tmp_path / "equal.qml", tmp_path / "by_index.qml")]
    assert rules[0] == rules[1] and len(rules[0]) == 3                 # the same three equal-interval classes
    wrong = subprocess.run([qgis_process_command(), "run", "jin:theme", "--", f"INPUT={tmp_path / 'districts.geojson'}",
                            "FIELD=base", "METHOD=natural"], env=profile, capture_output=True, text=True, timeout=300)
    assert wrong.returncode != 0 and "'natural' is not a classification" in wrong.stdout + wrong.stderr
