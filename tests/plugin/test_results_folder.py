"""Results that outlive the temp folder: Compare, Change, Join and Count write to the folder the
analyst chose for the project, else ``JiN results`` beside the saved project, else in the QGIS
profile, under readable names that never replace an earlier result; one project's choice never
decides another's; a project saved with them reopens whole after
the system's temp folder is emptied; a folder that cannot be written is refused before any task."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsFeature, QgsProject, QgsSettings, QgsVectorLayer

from jin_plugin.core.layers import open_layer
from jin_plugin.core.results_folder import (
    FOLDER_NAME,
    PROJECT_ENTRY,
    SETTING,
    choose_folder,
    chosen_folder,
    default_folder,
    result_for,
    result_path,
    results_folder,
    suggested_folder,
)
from jin_plugin.core.workflow import fetch_layer_blocking
from tests.plugin.helpers import wait_until

WHEN = datetime(2024, 12, 5, 14, 32)


@pytest.fixture()
def no_choice():
    """No folder chosen, before and after the test, and none suggested."""
    choose_folder("")
    QgsSettings().remove(SETTING)
    yield
    choose_folder("")
    QgsSettings().remove(SETTING)


def test_names_are_readable_safe_and_never_replace_a_result(tmp_path):
    first = result_path(tmp_path, ["compare burglary vs asb"], now=WHEN)
    assert first == tmp_path / "compare burglary vs asb 2024-12-05 1432.gpkg"
    first.write_bytes(b"an earlier result")
    second = result_path(tmp_path, ["compare burglary vs asb"], now=WHEN)
    assert second.name == "compare burglary vs asb 2024-12-05 1432 (2).gpkg"
    third = result_path(tmp_path, ["compare burglary vs asb"], now=WHEN)       # handed out, not yet written
    assert third.name.endswith("1432 (3).gpkg") and first.read_bytes() == b"an earlier result"
    (tmp_path / "compare x 2024-12-05 1432.pdf").write_bytes(b"a summary")   # any file of the result counts
    assert result_path(tmp_path, ["compare x"], (".gpkg", ".html", ".pdf"), WHEN).stem.endswith("(2)")
    odd = result_path(tmp_path, ['join "Spend" <£> a/b\\c: d? e* | f.', "x" * 200], now=WHEN)
    assert not set('<>:"/\\|?*') & set(odd.name) and odd.parent == tmp_path
    assert odd.name.startswith("join Spend £ a b c d e f. x") and len(odd.name) < 120


def test_default_is_beside_the_saved_project_else_in_the_profile(qgis_new_project, tmp_path, no_choice):
    project = QgsProject.instance()
    profile = Path(QgsApplication.qgisSettingsDirPath())
    assert results_folder() == default_folder() == profile / FOLDER_NAME
    assert project.write(str(tmp_path / "analysis.qgz"))
    assert results_folder() == tmp_path / FOLDER_NAME
    choose_folder(str(tmp_path / "shared drive"))
    assert results_folder() == tmp_path / "shared drive"
    assert suggested_folder() == str(tmp_path / "shared drive")                # only where the picker opens
    project.clear()
    assert results_folder() == profile / FOLDER_NAME


def test_each_project_keeps_its_own_choice(qgis_new_project, tmp_path, no_choice):
    """A folder chosen in project A is A's alone: B, saved elsewhere, writes beside itself; clearing
    B's choice leaves A's; A's choice is kept relative to A's file, so the project folder can move."""
    project = QgsProject.instance()
    a, b = tmp_path / "a" / "A.qgz", tmp_path / "b" / "B.qgz"
    a.parent.mkdir()
    b.parent.mkdir()
    choose_folder(str(a.parent / "my results"))                                # chosen before A is saved
    assert project.write(str(a))
    assert project.readEntry(*PROJECT_ENTRY)[0] == "./my results"
    project.clear()
    assert project.write(str(b))
    assert results_folder() == b.parent / FOLDER_NAME
    choose_folder(str(tmp_path / "b only"))
    choose_folder("")                                                          # cleared in B
    assert results_folder() == b.parent / FOLDER_NAME
    assert project.read(str(a))
    assert results_folder() == a.parent / "my results"
    moved = tmp_path / "other PC" / "projects"
    shutil.copytree(a.parent, moved)
    assert project.read(str(moved / a.name))
    assert results_folder() == moved / "my results"
    assert project.write(str(tmp_path / "copy of A.qgz"))                      # saved as elsewhere: same folder
    assert results_folder() == moved / "my results" and not project.isDirty()
    assert project.read(str(tmp_path / "copy of A.qgz"))
    assert chosen_folder() == str(moved / "my results")
    project.clear()


def test_result_names_say_what_they_hold(tmp_path, results_here):
    long = "Anti-social behaviour per 1,000 residents LSOA 2021 (police.uk)"
    compare = result_for("compare", long, "Burglary", "Truancy", suffixes=(".gpkg", ".pdf"))
    assert compare.parent == results_here and compare.suffix == ".gpkg"
    assert compare.name.startswith(f"compare {long[:40]} vs Burglary vs Truancy 20"), compare.name
    assert result_for("change", "January", "March").name.startswith("change January to March 20")
    assert result_for("join", "Districts", "patrols").name.startswith("join Districts + patrols 20")
    assert result_for("count", "incidents", "LSOAs").name.startswith("count incidents in LSOAs 20")


def test_the_choice_is_made_in_either_tab_and_kept_with_the_project(qgis_iface, qgis_new_project, tmp_path,
                                                                     no_choice):
    from jin_plugin.ui.dock import JinDock

    dock = JinDock(qgis_iface.messageBar())
    compare_box, local_box = dock.compare_panel.results_folder, dock.local_panel.results_folder
    assert compare_box.filePath() == "" and compare_box.lineEdit().placeholderText() == str(default_folder())
    dock.show()
    compare_box.setFilePath(str(tmp_path / "results"))                        # as if picked in the dialog
    dock.tabs.setCurrentIndex(2)                                               # the other tab, when shown
    assert local_box.isVisible()
    assert local_box.filePath() == str(tmp_path / "results") == str(results_folder())
    path = tmp_path / "kept.qgz"
    assert QgsProject.instance().write(str(path))
    assert local_box.defaultRoot() == str(tmp_path / "results")                # the picker opens there
    QgsProject.instance().clear()
    assert compare_box.filePath() == "" and local_box.defaultRoot() == str(tmp_path / "results")
    assert QgsProject.instance().read(str(path))
    assert compare_box.filePath() == str(tmp_path / "results") == str(results_folder())
    dock.close()


def test_a_folder_that_cannot_be_written_is_refused_before_any_task(qgis_iface, qgis_new_project, tmp_path,
                                                                     no_choice):
    from jin_plugin.ui.dock import JinDock

    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x", encoding="utf-8")
    bad = blocker / "results"                     # cannot be made, even by an administrator
    areas = QgsVectorLayer("Polygon?crs=EPSG:27700&field=area_code:string", "areas", "memory")
    points = QgsVectorLayer("Point?crs=EPSG:27700", "points", "memory")
    QgsProject.instance().addMapLayers([areas, points])
    dock = JinDock(qgis_iface.messageBar())
    dock.local_panel.results_folder.setFilePath(str(bad))
    dock.local_panel.areas.setLayer(areas)
    dock.local_panel.points.setLayer(points)
    tasks = QgsApplication.taskManager().count()
    assert dock.local_panel.count() is None
    message = dock.status.text()
    assert str(bad) in message and "Choose a folder you can write to" in message, message
    assert QgsApplication.taskManager().count() == tasks and dock.local_panel.count_button.isEnabled()
    assert not bad.exists() and blocker.read_text(encoding="utf-8") == "x"
    QgsProject.instance().removeAllMapLayers()
    dock.close()


def test_a_saved_project_reopens_every_result_after_the_temp_folder_is_emptied(
        hub_url, analyst_authcfg, qgis_iface, qgis_new_project, tmp_path, monkeypatch, no_choice):
    """Compare, Change, Join and Count through the panel, the project saved, the system's temp
    folder emptied (Disk Clean-up), the project reopened: every layer opens."""
    from jin_plugin.ui.dock import JinDock

    system_temp = tmp_path / "system temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    monkeypatch.setenv("JIN_CACHE_DIR", str(tmp_path / "cache"))
    fetched = {name: Path(fetch_layer_blocking(hub_url, dataset, geography, period, category, authcfg=analyst_authcfg,
                                               style=False).source().split("|")[0])
               for name, (dataset, geography, period, category) in {
                   "truancy": ("school_attendance", "lsoa", None, "Persistently absent"),
                   "damage": ("police_crime", "lsoa", "2024", "Criminal damage and arson"),
                   "january": ("police_crime", "district", "2024-01", "all"),
                   "march": ("police_crime", "district", "2024-03", "all")}.items()}
    project = QgsProject.instance()
    work = tmp_path / "work"
    work.mkdir()
    assert project.write(str(work / "analysis.qgz"))
    layers = {name: open_layer(path) for name, path in fetched.items()}
    incidents = QgsVectorLayer("Point?crs=EPSG:27700", "incidents", "memory")
    point = QgsFeature()
    point.setGeometry(next(layers["damage"].getFeatures()).geometry().pointOnSurface())
    incidents.dataProvider().addFeatures([point])
    project.addMapLayers([*layers.values(), incidents])
    dock = JinDock(qgis_iface.messageBar())
    added = []
    dock.layerAdded.connect(added.append)

    def run(start) -> None:
        before = len(added)
        assert start() is not None, dock.status.text()
        assert wait_until(lambda: len(added) > before, 180), dock.status.text()

    compare, local = dock.compare_panel, dock.local_panel
    for i, name in enumerate(("truancy", "damage")):
        compare.layers[i].setLayer(layers[name])
        compare.fields[i].setField("rate")
    compare.permutations.setValue(99)
    run(compare.compare)
    for i, name in enumerate(("january", "march")):
        compare.change_layers[i].setLayer(layers[name])
        compare.change_fields[i].setField("count")
    run(compare.change)
    csv = tmp_path / "patrols.csv"
    csv.write_text(f"code,hours\n{next(layers['damage'].getFeatures())['area_code']},7\n", encoding="utf-8")
    local.areas.setLayer(layers["damage"])
    local.table_file.setFilePath(str(csv))
    local.table_code.setField("code")
    run(local.join)
    local.points.setLayer(incidents)
    run(local.count)
    dock.close()

    results = {layer.id(): Path(layer.source().split("|")[0]) for layer in added}
    assert len(results) == 4 and {p.parent for p in results.values()} == {work / FOLDER_NAME}
    summary = Path(compare.summary_path)
    assert summary.parent == work / FOLDER_NAME and summary.with_suffix(".pdf").exists()
    assert project.write()
    layers.clear()
    added.clear()
    project.clear()
    shutil.rmtree(system_temp)                                                 # Disk Clean-up
    assert project.read(str(work / "analysis.qgz"))
    reopened = {i: project.mapLayer(i) for i in results}
    assert all(layer is not None and layer.isValid() for layer in reopened.values()), reopened
    assert all(layer.featureCount() > 0 for layer in reopened.values())
    assert summary.with_suffix(".pdf").exists()
    project.removeAllMapLayers()
