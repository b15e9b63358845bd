"""Driving the JiN panel as an analyst does, against the real hub: connections, the catalogue by
theme, search, layer options, zones, cached-layer marks and refreshing to a newer release."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsLayerTreeModel,
    QgsProject,
    QgsRectangle,
)
from qgis.gui import QgsLayerTreeView, QgsMessageBar
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest

from jin_hub.local_server import start_hub
from jin_plugin.core import connections
from jin_plugin.core.connections import Connection, InvalidConnection
from jin_plugin.core.releases import request_of_layer
from jin_plugin.core.when import readable_date
from jin_plugin.ui.dock import GROUP_NAME, JinDock
from tests.conftest import ROOT, TEST_SECRET, snapshot_db
from tests.plugin.helpers import class_colours, wait_until


def connected_dock(qgis_iface, **kwargs) -> JinDock:
    dock = JinDock(qgis_iface.messageBar(), canvas=qgis_iface.mapCanvas(), **kwargs)
    dock.resize(460, 1000)
    dock.show()
    QTest.mouseClick(dock.connect_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: bool(dock.catalogue.dataset_items()))
    return dock


def add_and_wait(dock: JinDock, expected: int = 1) -> list:
    added = []
    dock.layerAdded.connect(added.append)
    QTest.mouseClick(dock.add_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: len(added) >= expected), dock.status.text()
    return added


def test_named_connections_are_kept_in_settings_without_passwords(hub_url, analyst_authcfg):
    from qgis.core import QgsSettings

    saved = connections.save(Connection(" Live hub ", hub_url + "/", analyst_authcfg))
    try:
        assert saved == Connection("Live hub", hub_url, analyst_authcfg)
        assert connections.selected() == saved and connections.find("Live hub") == saved
        renamed = connections.save(Connection("Live hub (county)", hub_url, analyst_authcfg), replacing="Live hub")
        assert connections.find("Live hub") is None and connections.find("Live hub (county)") == renamed
        settings = QgsSettings()
        stored = {k: settings.value(k) for k in settings.allKeys() if k.startswith("jin/")}
        assert "police-analyst-pass" not in repr(stored)         # only the authcfg id is stored
        for bad in (Connection("", hub_url), Connection("a/b", hub_url), Connection("x", "jin-hub.example.org")):
            try:
                connections.save(bad)
            except InvalidConnection as exc:
                assert str(exc)
            else:
                raise AssertionError(f"{bad} was accepted")
    finally:
        connections.delete("Live hub (county)")
        connections.delete("Live hub")
    assert connections.find("Live hub (county)") is None


def test_connection_dialog_creates_a_basic_sign_in(hub_url, analyst_authcfg, qgis_app):
    from qgis.core import QgsApplication, QgsAuthMethodConfig

    from jin_plugin.ui.connection_dialog import ConnectionDialog
    from tests.conftest import ANALYST

    dialog = ConnectionDialog()
    dialog.name.setText("Dialog hub")
    dialog.url.setText(hub_url)
    dialog.username.setText(ANALYST[0])
    dialog.password.setText(ANALYST[1])
    dialog.test()
    assert wait_until(lambda: "Connected to JiN hub" in dialog.result.text(), 60), dialog.result.text()
    dialog.accept()
    try:
        saved = connections.find("Dialog hub")
        assert saved is not None and saved.authcfg and dialog.saved == saved
        cfg = QgsAuthMethodConfig()
        QgsApplication.authManager().loadAuthenticationConfig(saved.authcfg, cfg, True)
        assert cfg.method() == "Basic" and cfg.config("username") == ANALYST[0]
        bad = ConnectionDialog()
        bad.name.setText("No address")
        bad.accept()                                         # refused with the reason, nothing saved
        assert "not a web address" in bad.result.text() and connections.find("No address") is None
    finally:
        connections.delete("Dialog hub")


def test_panel_from_search_to_layers_on_the_map(qgis_iface, qgis_new_project, hub_connection, jin_cache):
    """Connect, filter, search the hub, pick, choose options, add: one layer per ticked category."""
    dock = connected_dock(qgis_iface)
    assert dock.connection.currentText() == hub_connection.name
    other = dock.use_connection(Connection("Another hub", "http://127.0.0.1:9"))
    assert not dock.catalogue.dataset_items() and "Press Connect" in dock.status.text()   # not the old hub's
    connections.delete(other.name)
    dock.reload_connections(hub_connection.name)
    QTest.mouseClick(dock.connect_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: bool(dock.catalogue.dataset_items()))
    assert "4 dataset(s)" in dock.status.text() and "as police.analyst (notts-police, analyst)" in dock.status.text()
    tree = dock.catalogue.tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == \
        ["Crime", "Anti-social behaviour", "Fire", "Education"]
    assert all(not tree.topLevelItem(i).icon(0).isNull() for i in range(tree.topLevelItemCount()))

    QTest.keyClicks(dock.catalogue.search, "minor arson")
    assert dock.catalogue.visible_titles() == ["Fire and rescue incidents"]
    dock.catalogue.search.clear()
    QTest.mouseClick(dock.catalogue.advanced_button, Qt.MouseButton.LeftButton)
    assert dock.catalogue.advanced.isVisible()
    dock.catalogue.theme.setCurrentIndex(dock.catalogue.theme.findData("education"))
    QTest.mouseClick(dock.catalogue.search_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: dock.catalogue.visible_titles() == ["School attendance: persistent absence"])
    assert "hub search found 1 of 4" in dock.status.text()
    QTest.mouseClick(dock.catalogue.reset_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: len(dock.catalogue.visible_titles()) == 4)

    dock.catalogue.select("school_attendance")                 # by school term, so named
    assert [dock.options.kind.itemText(i) for i in range(dock.options.kind.count())] == ["Term"]
    assert dock.options.period.currentText().endswith("term 2024")
    assert "Periods: Spring term 2024 – Autumn term 2024" in dock.catalogue.details.toPlainText()   # not "months"
    dock.catalogue.select("police_crime")
    details = dock.catalogue.details.toPlainText()
    for words in ("Disclosure control", "Measures: count, rate per 1,000", "Last release", "Licence", "Partner"):
        assert words in details
    options = dock.options
    options.categories.deselectAllOptions()
    options.categories.setCheckedItems(["Criminal damage and arson", "Burglary"])
    options.kind.setCurrentIndex(options.kind.findData("year"))
    assert options.period.currentText() == "2024 (year)"
    options.measure.setCurrentIndex(options.measure.findData("rate"))
    layers = add_and_wait(dock, 2)
    names = sorted(layer.name() for layer in layers)
    assert names == [f"{c} rate, 2024, LSOA"
                     for c in ("Burglary", "Criminal damage and arson")]
    group = QgsProject.instance().layerTreeRoot().findGroup(GROUP_NAME)
    assert all(group.findLayer(layer.id()) is not None for layer in layers)
    assert all(layer.featureCount() == 679 and layer.crs().authid() == "EPSG:27700" for layer in layers)
    assert all('"rate"' in layer.renderer().classAttribute() for layer in layers)
    dock.close()



def tick(combo, text: str) -> None:
    """Click ``text`` in the categories' drop-down, as the analyst does."""
    combo.showPopup()
    view = combo.view()
    row = view.visualRect(combo.model().index(combo.findText(text), 0))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, row.center())
    combo.hidePopup()


def test_ticking_categories_fetches_just_those(qgis_iface, qgis_new_project, hub_connection, jin_cache):
    """A specific tick clears "All categories" and "All" clears the specific ones: what is shown
    ticked is what is fetched, one layer each."""
    dock = connected_dock(qgis_iface)
    dock.catalogue.select("police_crime")
    categories = dock.options.categories
    assert categories.checkedItemsData() == ["all"]
    tick(categories, "Burglary")
    tick(categories, "Drugs")
    assert categories.checkedItemsData() == ["Burglary", "Drugs"]
    tick(categories, "All categories")
    assert categories.checkedItemsData() == ["all"]
    tick(categories, "All categories")                  # nothing ticked would fetch everything: say so
    assert categories.checkedItemsData() == ["all"]
    tick(categories, "Drugs")
    tick(categories, "Burglary")
    assert sorted(categories.checkedItemsData()) == ["Burglary", "Drugs"]
    layers = add_and_wait(dock, 2)
    assert wait_until(lambda: dock.tasks == []), dock.status.text()
    fetched = [layer for layer in QgsProject.instance().mapLayers().values() if request_of_layer(layer)]
    assert len(layers) == len(fetched) == 2
    assert sorted(request_of_layer(layer).category for layer in fetched) == ["Burglary", "Drugs"]
    dock.close()

def test_measure_and_period_kind_are_kept_when_switching_dataset(qgis_iface, hub_connection, jin_cache):
    """An analyst mapping rates by financial year keeps both when moving to another dataset."""
    dock = connected_dock(qgis_iface)
    dock.catalogue.select("police_crime")
    options = dock.options
    options.measure.setCurrentIndex(options.measure.findData("rate"))
    options.kind.setCurrentIndex(options.kind.findData("year"))
    dock.catalogue.select("fire_incidents")
    assert options.measure.currentData() == "rate" and options.kind.currentData() == "year"
    dock.close()


def test_zone_zoom_and_filter(qgis_iface, qgis_new_project, hub_connection, jin_cache):
    dock = connected_dock(qgis_iface)
    options = dock.options
    south = options.zone.findText("South Nottinghamshire", Qt.MatchFlag.MatchStartsWith)
    assert south > 0, [options.zone.itemText(i) for i in range(options.zone.count())]
    options.zone.setCurrentIndex(south)
    canvas = qgis_iface.mapCanvas()
    canvas.resize(600, 600)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    canvas.setExtent(QgsRectangle(0, 0, 700_000, 1_000_000))           # all of Great Britain
    QTest.mouseClick(options.zoom_button, Qt.MouseButton.LeftButton)
    x0, y0, x1, y1 = options.zone.currentData()["bbox"]
    shown = canvas.extent()
    assert shown.contains(QgsRectangle(x0, y0, x1, y1))
    assert min(shown.width(), shown.height()) < 2 * max(x1 - x0, y1 - y0)
    dock.catalogue.select("police_crime")
    kinds = [options.kind.itemData(i) for i in range(options.kind.count())]
    assert kinds[0] == "rolling" and "month" in kinds and "year" in kinds       # the latest 12 months first
    options.only_zone.setChecked(True)
    (layer,) = add_and_wait(dock)
    assert 0 < layer.featureCount() < 679
    assert layer.name().startswith("Police recorded crime count, 12 months to ") and \
        layer.name().endswith(", LSOA in South Nottinghamshire CSP")
    box = layer.extent()
    assert x0 - 1 <= box.xMinimum() and box.xMaximum() <= x1 + 1 and y0 - 1 <= box.yMinimum() <= y1
    dock.close()


def ingest_new_release(db: Path, extract: Path, tmp_path: Path) -> None:
    """A hub admin ingests a corrected extract (last 40 incidents withdrawn) while the hub serves."""
    lines = extract.read_bytes().splitlines(keepends=True)
    corrected = tmp_path / "fire_corrected.csv"
    corrected.write_bytes(b"".join(lines[:-40]))
    secret = tmp_path / "hub.secret"
    secret.write_bytes(TEST_SECRET)
    run = subprocess.run([sys.executable, "-m", "jin_hub", "--db", str(db), "--secret-file", str(secret), "ingest",
                          "fire_incidents", str(corrected)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr


def test_cached_layers_are_marked_and_refresh_to_a_newer_release(qgis_iface, qgis_new_project, tmp_path, hub_db_path,
                                                                   demo_extracts, analyst_authcfg, jin_cache):
    project = QgsProject.instance()
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(project.layerTreeRoot()))
    hub = start_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    connections.save(Connection("Refresh hub", hub.url, analyst_authcfg))
    try:
        dock = connected_dock(qgis_iface, layer_tree_view=view)
        dock.catalogue.select("fire_incidents")
        (layer,) = add_and_wait(dock)
        first = layer.customProperty("jin/release")
        node = project.layerTreeRoot().findLayer(layer.id())
        (mark,) = view.indicators(node)
        tip = mark.toolTip().splitlines()                         # short lines in words, no ids or ISO stamps
        assert len(tip) == 3 and all(len(line) <= 70 for line in tip), tip
        assert "opens offline" in tip[0] and first not in mark.toolTip()
        assert tip[1].startswith(f"Released {readable_date(layer.customProperty('jin/release_created'))}, fetched ")
        assert "T" not in tip[1] and tip[2] == f"Hub: {hub.url}"
        assert "newer release" not in mark.toolTip()
        dock.refresh_layers()                   # the hub's catalogue is read afresh, then compared
        assert wait_until(lambda: "current release" in dock.status.text()), dock.status.text()

        ingest_new_release(tmp_path / "hub.sqlite", demo_extracts["fire_incidents"], tmp_path)
        dock.connect_hub()
        assert wait_until(lambda: "1 JiN layer(s) have a newer release" in dock.status.text()), dock.status.text()
        (mark,) = view.indicators(node)
        assert "newer release" in mark.toolTip()
        colour = class_colours(layer)[0]
        old_source = layer.source()
        dock.refresh_layers()
        assert wait_until(lambda: layer.customProperty("jin/release") not in (None, first)), dock.status.text()
        assert layer.isValid() and layer.featureCount() == 679 and layer.source() != old_source
        assert class_colours(layer)[0] == colour      # style kept
        assert "Refreshed" in dock.status.text() and dock.mark_layers() == []
        (mark,) = view.indicators(node)
        assert "newer release" not in mark.toolTip()
        dock.close()
    finally:
        connections.delete("Refresh hub")
        project.clear()
        hub.stop()


def test_panel_reports_unreachable_hub(qgis_iface, jin_cache):
    qgis_iface.messageBar().clear_messages()
    dock = JinDock(qgis_iface.messageBar())
    dock.use_connection(Connection("Dead hub", "http://127.0.0.1:9"))
    try:
        dock.connect_hub()
        assert wait_until(lambda: "Cannot reach" in dock.status.text())
        errors = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
        assert any("Cannot reach the JiN hub" in m for m in errors)
        dock.test_hub()
        assert wait_until(lambda: "Cannot reach" in dock.status.text() and dock.tasks == [], 60)
    finally:
        dock.delete_connection(confirm=False)
    assert connections.find("Dead hub") is None and dock.connection.findText("Dead hub") < 0
    dock.close()


def test_refresh_with_the_hub_down_says_so_and_claims_nothing(qgis_iface, qgis_new_project, tmp_path, hub_db_path,
                                                             analyst_authcfg, jin_cache):
    """The catalogue read at Connect is no evidence that layers are current: with the hub stopped since,
    Refresh says the hub could not be reached (which hub, and what to do) and leaves the layers be."""
    hub = start_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    connections.save(Connection("Hub stopped later", hub.url, analyst_authcfg))
    try:
        dock = connected_dock(qgis_iface)
        dock.catalogue.select("fire_incidents")
        (layer,) = add_and_wait(dock)
        source = layer.source()
        hub.stop()
        qgis_iface.messageBar().clear_messages()
        QTest.mouseClick(dock.refresh_button, Qt.MouseButton.LeftButton)
        assert wait_until(lambda: "Cannot reach" in dock.status.text()), dock.status.text()
        said = dock.status.text()
        assert "“Hub stopped later”" in said and hub.url in said and "hub is running" in said
        assert "Refresh JiN layers again" in said and "current" not in said
        bar = qgis_iface.messageBar()
        assert any("Cannot reach" in m for m in bar.get_messages(Qgis.MessageLevel.Warning))
        assert not bar.get_messages(Qgis.MessageLevel.Success) and dock.tasks == []
        assert layer.source() == source and layer.isValid()
        dock.close()
    finally:
        connections.delete("Hub stopped later")
        hub.stop()


def test_cancelled_fetch_is_a_notice_not_a_failure(qgis_new_project, hub_connection, jin_cache):
    """Cancel in the task manager: a short info message that times out, no error, no traceback."""
    bar = QgsMessageBar()
    dock = JinDock(bar)
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda *message: logged.append(message))
    QTest.mouseClick(dock.connect_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: bool(dock.catalogue.dataset_items()))
    dock.catalogue.select("police_crime")
    (task,) = dock.add_selected()
    # Direct: the cancel lands in the task's own thread, mid-download
    task.progressChanged.connect(lambda p: task.cancel() if p >= 5 else None, type=Qt.ConnectionType.DirectConnection)
    assert wait_until(lambda: dock.tasks == [] and bar.items()), dock.status.text()
    (item,) = bar.items()
    assert item.level() == Qgis.MessageLevel.Info and 0 < item.duration() <= 10, (item.level(), item.text())
    assert item.text().startswith("Cancelled: fetching police_crime") and "failed" not in item.text()
    assert dock.status.text() == item.text()
    assert not [m for m in logged if m[1] == "JiN"], logged                 # no traceback, nothing to report
    assert not QgsProject.instance().mapLayers()
    dock.close()
