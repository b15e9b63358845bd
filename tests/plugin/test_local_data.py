"""Local data beside JiN's: joins by area code with the unmatched reported, points counted in
areas with those outside reported, exports that keep style and metadata, and not one request to
the hub while any of it happens."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from qgis.core import (
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
from jin_plugin.core.symbology import SUPPRESSED_LABEL, apply_choropleth
from jin_plugin.core.workflow import fetch_layer_blocking
from tests.plugin.helpers import jin_algorithms


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
        assert copy.renderer().type() == "RuleRenderer"
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


def test_local_tab_joins_and_counts(lsoa_file, tmp_path, qgis_iface, qgis_new_project):
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
    added = []
    dock.layerAdded.connect(added.append)
    joined = panel.join()
    assert joined is not None and joined.featureCount() == 679 and "X1" in dock.status.text()
    panel.points.setLayer(points)
    counted = panel.count()
    assert counted is not None and "1 fall outside" in dock.status.text()
    assert added == [joined, counted]
    QgsProject.instance().removeAllMapLayers()
    dock.close()
