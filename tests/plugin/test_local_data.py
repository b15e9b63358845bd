"""Local data beside JiN's: joins by area code with the unmatched reported, points counted in
areas with those outside reported, exports that keep style and metadata, and not one request to
the hub while any of it happens."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)

from jin_plugin.core.layers import open_layer
from jin_plugin.core.local_data import LocalDataError, count_points, export_layer, join_table, open_table
from jin_plugin.core.symbology import SUPPRESSED_LABEL, apply_choropleth, class_breaks
from jin_plugin.core.themes import theme_for
from jin_plugin.core.workflow import fetch_layer_blocking
from jin_plugin.i18n import tr
from tests.plugin.helpers import jin_algorithms, wait_until


@pytest.fixture(scope="module")
def lsoa_file(hub_url, analyst_authcfg, tmp_path_factory) -> Path:
    os.environ["JIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("local_cache"))
    layer = fetch_layer_blocking(hub_url, "police_crime", "lsoa", "2024", "all", authcfg=analyst_authcfg, style=False)
    path = Path(layer.source().split("|")[0])
    del layer
    return path


def audit_count(db: Path) -> int:
    return sqlite3.connect(db).execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_local_work_never_reaches_the_hub(lsoa_file, hub_db_path, tmp_path):
    before = audit_count(hub_db_path)
    areas = open_layer(lsoa_file)
    codes = [f["area_code"] for f in areas.getFeatures()][:10]
    csv = tmp_path / "patrols.csv"
    csv.write_text("lsoa,patrol_hours\n" + "".join(f"{c},{i * 1.5}\n" for i, c in enumerate(codes))
                   + "E01099999,3\nW01000001,4\n", encoding="utf-8")
    joined, report = join_table(areas, open_table(csv), "lsoa", tmp_path / "joined.gpkg")
    assert report.matched == 10 and report.unmatched_codes == ["E01099999", "W01000001"]
    assert report.areas_without_data == 669 and joined.featureCount() == 679
    hours = {f["area_code"]: f["local_patrol_hours"] for f in joined.getFeatures()}
    assert hours[codes[3]] == 4.5 and hours[codes[0]] == 0
    with pytest.raises(LocalDataError, match="no column 'code'"):
        join_table(areas, open_table(csv), "code", tmp_path / "bad.gpkg")

    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    to_wgs = QgsCoordinateTransform(areas.crs(), wgs84, QgsProject.instance())
    points = QgsVectorLayer("Point?crs=EPSG:4326", "incidents", "memory")
    feats, inside = [], {}
    for f in list(areas.getFeatures())[:40]:
        p = f.geometry().pointOnSurface()
        p.transform(to_wgs)
        for _ in range(2):
            g = QgsFeature()
            g.setGeometry(p)
            feats.append(g)
        inside[f["area_code"]] = 2
    for lon, lat in ((-0.12, 51.5), (-2.6, 51.45), (1.3, 52.6)):        # London, Bristol, Norwich
        g = QgsFeature()
        g.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        feats.append(g)
    feats.append(QgsFeature())                                         # a record without coordinates
    points.dataProvider().addFeatures(feats)
    counted, report = count_points(areas, points, tmp_path / "counts.gpkg")
    assert report.matched == 80 and report.outside == 3 and report.no_geometry == 1
    got = {f["area_code"]: (f["local_count"], f["local_rate"]) for f in counted.getFeatures()}
    assert all(got[c][0] == n for c, n in inside.items()) and sum(v[0] for v in got.values()) == 80
    bases = {f["area_code"]: f["base"] for f in areas.getFeatures()}
    code = next(iter(inside))
    assert got[code][1] == round(2 / bases[code] * 1000, 2)

    apply_choropleth(areas, "count")
    copy = export_layer(areas, tmp_path / "export.gpkg")
    again = QgsVectorLayer(f"{tmp_path / 'export.gpkg'}|layername=jin", "again", "ogr")
    assert again.featureCount() == 679
    assert SUPPRESSED_LABEL in [i.label() for i in again.renderer().legendSymbolItems()]
    assert "Disclosure control" in again.metadata().abstract()
    del copy, again
    assert audit_count(hub_db_path) == before              # nothing local went near the hub


def test_processing_join_and_count(lsoa_file, tmp_path):
    from qgis.core import QgsProcessingFeedback

    areas = open_layer(lsoa_file)
    csv = tmp_path / "youth.csv"
    first = next(areas.getFeatures())["area_code"]
    csv.write_text(f"code;clubs\n{first};2\nNOPE;1\n", encoding="utf-8")
    table = open_table(csv)
    points = QgsVectorLayer("Point?crs=EPSG:27700", "pts", "memory")
    g = QgsFeature()
    g.setGeometry(next(areas.getFeatures()).geometry().pointOnSurface())
    points.dataProvider().addFeatures([g])
    QgsProject.instance().addMapLayers([areas, table, points])
    with jin_algorithms() as (create, context):
        join = create("jin:join_table")
        results, ok = join.run({"AREAS": areas.id(), "TABLE": table.id(), "TABLE_CODE": "code",
                                "OUTPUT": str(tmp_path / "j.gpkg")}, context, QgsProcessingFeedback())
        assert ok and results["UNMATCHED"] == "NOPE"
        count = create("jin:count_points")
        results, ok = count.run({"AREAS": areas.id(), "POINTS": points.id(), "OUTPUT": str(tmp_path / "c.gpkg")},
                                context, QgsProcessingFeedback())
        assert ok and results["OUTSIDE"] == 0
        apply_choropleth(areas, "count")
        export = create("jin:export_layer")
        results, ok = export.run({"INPUT": areas.id(), "OUTPUT": str(tmp_path / "e.gpkg")}, context,
                                 QgsProcessingFeedback())
        copy = QgsVectorLayer(f"{results['OUTPUT']}|layername=jin", "copy", "ogr")
        assert ok and "Disclosure control" in copy.metadata().abstract()
        assert copy.renderer().type() == "graduatedSymbol"
        del copy
    QgsProject.instance().removeAllMapLayers()


def test_office_csvs_open_whatever_their_delimiter_and_encoding(tmp_path):
    for delimiter, encoding in (("\t", "cp1252"), ("|", "utf-8"), (";", "utf-8-sig")):
        path = tmp_path / f"t{ord(delimiter)}.csv"
        path.write_bytes(f"code{delimiter}name\nE01000001{delimiter}Café youth club\n".encode(encoding))
        table = open_table(path)
        assert table.fields().names() == ["code", "name"]
        assert [f["name"] for f in table.getFeatures()] == ["Café youth club"]
    with pytest.raises(LocalDataError, match="cannot read"):
        open_table(tmp_path / "missing.xlsx")


def test_local_tab_joins_and_counts(lsoa_file, tmp_path, qgis_iface, qgis_new_project, results_here):
    from jin_plugin.ui.dock import JinDock

    areas = open_layer(lsoa_file)
    points = QgsVectorLayer("Point?crs=EPSG:27700", "my incidents", "memory")
    g = QgsFeature()
    g.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(0, 0)))                   # off the map: reported
    points.dataProvider().addFeatures([g])
    QgsProject.instance().addMapLayers([areas, points])
    csv = tmp_path / "t.csv"
    csv.write_text(f"code,score\n{next(areas.getFeatures())['area_code']},7\nX1,1\n", encoding="utf-8")
    dock = JinDock(qgis_iface.messageBar())
    panel = dock.local_panel
    panel.areas.setLayer(areas)
    panel.table_file.setFilePath(str(csv))
    panel.table_code.setField("code")
    joined = run_in_tab(dock, panel.join)
    assert joined.featureCount() == 679 and "X1" in dock.status.text()
    panel.points.setLayer(points)
    counted = run_in_tab(dock, panel.count)
    assert "1 fall outside" in dock.status.text()
    assert counted.name() == "my incidents per area (" + areas.name()[:40] + ")"
    files = [Path(layer.source().split("|")[0]) for layer in (joined, counted)]
    assert [f.parent for f in files] == [results_here] * 2
    assert files[0].name.startswith("join ") and files[1].name.startswith("count my incidents in ")
    QgsProject.instance().removeAllMapLayers()
    dock.close()


def local_tab(areas: QgsVectorLayer, qgis_iface):
    """The dock's real Local data tab with ``areas`` chosen."""
    from jin_plugin.ui.dock import JinDock

    QgsProject.instance().addMapLayer(areas)
    dock = JinDock(qgis_iface.messageBar())
    dock.local_panel.areas.setLayer(areas)
    return dock


def run_in_tab(dock, start) -> QgsVectorLayer:
    """Press Join or Count (``start``) and wait for the task's layer to reach the JiN group."""
    added = []
    dock.layerAdded.connect(added.append)
    task = start()
    assert task is not None, dock.status.text()
    assert not dock.local_panel.join_button.isEnabled()              # no second run while this one works
    assert wait_until(lambda: bool(added), 120), dock.status.text()
    dock.layerAdded.disconnect(added.append)
    assert dock.local_panel.join_button.isEnabled() and task.status() == task.TaskStatus.Complete
    return added[0]


def join_in_tab(dock, csv: Path, code: str) -> QgsVectorLayer:
    panel = dock.local_panel
    panel.table_file.setFilePath(str(csv))
    panel.table_code.setField(code)
    return run_in_tab(dock, panel.join)


def test_codes_join_whatever_their_case_and_spacing(lsoa_file, tmp_path, qgis_iface, qgis_new_project, results_here):
    areas = open_layer(lsoa_file)
    codes = [f["area_code"] for f in areas.getFeatures()][:4]
    typed = [codes[0].lower(), f"  {codes[1]} ", f"{codes[2][:3]} {codes[2][3:]}".lower(), f"\t{codes[3]}"]
    csv = tmp_path / "typed by hand.csv"
    csv.write_text("lsoa,visits\n" + "".join(f"{c},{i + 1}\n" for i, c in enumerate(typed)) + "e01 099999,9\n",
                   encoding="utf-8")
    dock = local_tab(areas, qgis_iface)
    joined = join_in_tab(dock, csv, "lsoa")
    visits = {f["area_code"]: f["local_visits"] for f in joined.getFeatures()}
    assert [visits[c] for c in codes] == [1, 2, 3, 4]
    assert sum(v is not None and v != NULL for v in visits.values()) == 4
    message = dock.status.text()
    assert "4 of 5 table rows joined to 4 areas" in message and "e01 099999" in message
    _, report = join_table(areas, open_table(csv), "lsoa", tmp_path / "again.gpkg")
    assert (report.rows, report.rows_matched, report.unmatched_codes) == (5, 4, ["e01 099999"])
    QgsProject.instance().removeAllMapLayers()
    dock.close()


def test_office_headers_become_safe_field_names_keeping_the_header_as_alias(lsoa_file, tmp_path):
    areas = open_layer(lsoa_file)
    first = next(areas.getFeatures())["area_code"]
    csv = tmp_path / "spend.csv"
    csv.write_bytes(f"Area code;Spend (£);Spend £;status;Café visits;£\n{first};12.5;3;open;2;1\n"
                    .encode("cp1252"))
    joined, _ = join_table(areas, open_table(csv), "Area code", tmp_path / "spend.gpkg")
    added = {"local_Area_code": "Area code", "local_Spend": "Spend (£)", "local_Spend_2": "Spend £",
             "local_status_2": "status", "local_Cafe_visits": "Café visits", "local_column6": "£"}
    reopened = QgsVectorLayer(f"{tmp_path / 'spend.gpkg'}|layername=joined", "reopened", "ogr")
    for layer in (joined, reopened):                            # the alias is kept in the file, for Processing
        names = layer.fields().names()
        assert all(re.fullmatch(r"[A-Za-z0-9_]+", n) for n in names)
        assert len({n.lower() for n in names}) == len(names)
        assert {n: layer.attributeDisplayName(layer.fields().indexOf(n)) for n in added} == added
        assert set(areas.fields().names()) <= set(names)        # JiN's own fields untouched
    row = next(f for f in reopened.getFeatures() if f["area_code"] == first)
    jin_status = next(areas.getFeatures())["status"]
    assert (row["local_Spend"], row["local_status_2"], row["status"]) == (12.5, "open", jin_status)
    del reopened


def legend(layer: QgsVectorLayer) -> list[str]:
    return [i.label() for i in layer.renderer().legendSymbolItems()]


def test_joined_and_counted_layers_arrive_in_the_areas_theme(lsoa_file, tmp_path, qgis_iface, qgis_new_project,
                                                             results_here):
    areas = open_layer(lsoa_file)
    areas.setCustomProperty("jin/theme", "asb")                  # not the default: the theme must follow
    features = list(areas.getFeatures())
    csv = tmp_path / "hours.csv"
    csv.write_text("code,hours\n" + "".join(f"{f['area_code']},{i % 7}\n" for i, f in enumerate(features[:60])),
                   encoding="utf-8")
    points = QgsVectorLayer("Point?crs=EPSG:27700", "my incidents", "memory")
    feats = []
    for i, f in enumerate(features[:30]):
        for _ in range(i % 4 + 1):
            g = QgsFeature()
            g.setGeometry(f.geometry().pointOnSurface())
            feats.append(g)
    points.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(points)
    dock = local_tab(areas, qgis_iface)
    joined = join_in_tab(dock, csv, "code")
    dock.local_panel.points.setLayer(points)
    counted = run_in_tab(dock, dock.local_panel.count)
    asb = theme_for("asb")
    for layer, field, zero, no_data in ((joined, "local_hours", 9, 619), (counted, "local_count", 649, 0)):
        assert layer.renderer().type() == "graduatedSymbol"
        assert {tr("Zero"), tr(SUPPRESSED_LABEL), tr("No data")} <= set(legend(layer))
        expression = layer.renderer().classAttribute()
        assert f'"{field}"' in expression and '"local_status"' in expression
        classes = layer.renderer().ranges()[:len(class_breaks(layer))]
        assert len(classes) >= 3
        assert [r.symbol().color().name() for r in classes] == [asb.colour(i, len(classes)).name()
                                                                for i in range(len(classes))]
        status = [f["local_status"] for f in layer.getFeatures()]
        assert (status.count("zero"), status.count("no_data")) == (zero, no_data)
        reopened = QgsVectorLayer(layer.source(), "reopened", "ogr")         # as Processing would load it
        assert legend(reopened) == legend(layer)
        del reopened
    QgsProject.instance().removeAllMapLayers()
    dock.close()


def test_count_runs_in_a_task_that_cancels_cleanly(lsoa_file, qgis_iface, qgis_new_project):
    areas = open_layer(lsoa_file)
    points = QgsVectorLayer("Point?crs=EPSG:27700", "a year of incidents", "memory")
    centre = next(areas.getFeatures()).geometry().pointOnSurface()
    many = []
    for _ in range(20000):
        g = QgsFeature()
        g.setGeometry(centre)
        many.append(g)
    points.dataProvider().addFeatures(many)
    QgsProject.instance().addMapLayer(points)
    dock = local_tab(areas, qgis_iface)
    added = []
    dock.layerAdded.connect(added.append)
    dock.local_panel.points.setLayer(points)
    task = dock.local_panel.count()
    assert task is not None and not dock.local_panel.count_button.isEnabled()    # the GUI is free meanwhile
    task.cancel()
    assert wait_until(lambda: dock.local_panel.count_button.isEnabled(), 60)
    assert task.status() == task.TaskStatus.Terminated and added == []
    assert dock.status.text().startswith("Cancelled:")                  # a notice, not a failure
    QgsProject.instance().removeAllMapLayers()
    dock.close()
