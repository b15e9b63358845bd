"""Fetching layers from the real hub through QGIS's network stack, and every way it can fail."""

from __future__ import annotations

import sqlite3

import pytest
from qgis.core import NULL, QgsGraduatedSymbolRenderer, QgsProject, QgsTask
from qgis.PyQt.QtCore import Qt

from jin_hub.local_server import start_hub
from jin_plugin.core.fetch import FetchLayerTask
from jin_plugin.core.hub_client import HubClient, HubError
from jin_plugin.core.layers import open_layer
from jin_plugin.core.model import LayerRequest
from jin_plugin.core.symbology import class_breaks
from jin_plugin.core.workflow import fetch_layer_blocking, run_fetch
from tests.conftest import snapshot_db


def test_fetch_adds_a_valid_themed_layer(hub_url, jin_cache, analyst_authcfg):
    layer = fetch_layer_blocking(hub_url, "police_crime", authcfg=analyst_authcfg)
    assert layer.isValid() and layer.featureCount() == 679
    assert layer.crs().authid() == "EPSG:27700"
    assert [f.name() for f in layer.fields()][1:3] == ["area_code", "area_name"]     # after the GPKG fid
    md = layer.metadata()
    assert "suppressed" in md.abstract() and hub_url in " ".join(md.history())
    assert any("Open Government Licence" in r for r in md.rights())
    renderer = layer.renderer()
    assert isinstance(renderer, QgsGraduatedSymbolRenderer)       # QGIS's Symbology page opens on "Graduated"
    items = renderer.legendSymbolItems()
    labels = [item.label() for item in items]
    assert labels[-4:-1] == ["Zero", "Withheld (protects privacy)", "No data"]     # then the noise note
    # every area falls in exactly one entry: a published positive value in a class, the others in their own
    entry = {"value": {i.ruleKey() for i in items[:len(class_breaks(layer))]}}
    entry.update({status: {items[-4 + k].ruleKey()} for k, status in enumerate(("zero", "suppressed", "no_data"))})
    from qgis.core import QgsExpressionContextUtils, QgsRenderContext
    ctx = QgsRenderContext()
    ctx.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    drawing = renderer.clone()
    drawing.startRender(ctx, layer.fields())
    seen = set()
    for feat in layer.getFeatures():
        ctx.expressionContext().setFeature(feat)
        keys = drawing.legendKeysForFeature(feat, ctx)
        assert len(keys) == 1 and keys <= entry[feat["status"]], (feat["status"], feat["count"], keys)
        seen.add(feat["status"])
    drawing.stopRender(ctx)
    assert {"value", "zero", "suppressed"} <= seen
    for feat in layer.getFeatures():          # a suppressed area never carries a count, zero included
        assert (feat["status"] == "suppressed") == (feat["count"] == NULL) == (feat["rate"] == NULL)
        if feat["status"] == "value":          # residents are in the hundreds to thousands per LSOA
            assert feat["rate"] > 0 and feat["count"] / feat["rate"] * 1000 > 500


def test_school_layer_is_named_by_term(hub_url, jin_cache, analyst_authcfg):
    layer = fetch_layer_blocking(hub_url, "school_attendance", category="Persistently absent", authcfg=analyst_authcfg)
    assert layer.name().endswith("count, Autumn term 2024, LSOA")
    assert layer.featureCount() == 679


def requests_to(db_path, endpoint: str, after: int) -> int:
    """Requests the hub served to ``endpoint`` since audit row ``after`` (the hub logs every one)."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM audit_log WHERE seq > ? AND endpoint LIKE ?",
                            (after, f"%{endpoint}%")).fetchone()[0]


def test_cache_hit_makes_no_boundary_request(hub_url, hub_db_path, jin_cache, analyst_authcfg):
    with sqlite3.connect(hub_db_path) as conn:
        start = conn.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()[0]
    client = HubClient(hub_url, analyst_authcfg)
    first = FetchLayerTask(client, LayerRequest("police_crime", category="Burglary"))
    second = FetchLayerTask(client, LayerRequest("police_crime", category="Drugs"))
    third = FetchLayerTask(client, LayerRequest("fire_incidents"))
    assert run_fetch(first) is not None
    assert requests_to(hub_db_path, "/boundaries/lsoa", start) == 1
    assert run_fetch(second) is not None and run_fetch(third) is not None
    assert first.boundaries_downloaded and not second.boundaries_downloaded and not third.boundaries_downloaded
    assert requests_to(hub_db_path, "/boundaries/", start) == 1          # geometry once, however many layers
    assert requests_to(hub_db_path, "/values/", start) == 3             # then only tables of numbers
    # a stale cached copy (its version no longer listed) is revalidated and replaced
    (jin_cache.rglob("boundaries_lsoa.etag").__next__()).write_text('"an-old-version"')
    again = FetchLayerTask(client, LayerRequest("police_crime"))
    assert run_fetch(again) is not None and again.boundaries_downloaded
    assert requests_to(hub_db_path, "/boundaries/", start) == 2


def test_cancelled_fetch_adds_nothing(hub_url, jin_cache, analyst_authcfg):
    project = QgsProject.instance()
    before = set(project.mapLayers())
    task = FetchLayerTask(HubClient(hub_url, analyst_authcfg), LayerRequest("police_crime"))
    task.cancel()
    assert run_fetch(task) is None and task.status() == QgsTask.TaskStatus.Terminated
    assert "cancelled" in task.error
    assert set(project.mapLayers()) == before
    assert not list(jin_cache.rglob("*.gpkg")) and not list(jin_cache.rglob("*.part*"))


@pytest.mark.parametrize("at", [60, 80])        # while the template is built, while the layer is written
def test_cancel_during_layer_build_leaves_no_partial_file(hub_url, jin_cache, analyst_authcfg, at):
    task = FetchLayerTask(HubClient(hub_url, analyst_authcfg), LayerRequest("police_crime"))
    # Direct: the cancel lands in the task's own thread at that point of the work, not later from
    # the GUI thread's queue, by when the task may have finished
    task.progressChanged.connect(lambda p: task.cancel() if p >= at else None,
                               type=Qt.ConnectionType.DirectConnection)
    assert run_fetch(task) is None
    templates = list(jin_cache.rglob("template_*.gpkg"))
    assert set(jin_cache.rglob("*.gpkg")) == set(templates) and not list(jin_cache.rglob("*.part*"))
    assert templates or at < 70                   # from 70 on, the template is done
    # a template finished before the cancel is whole, and kept for the next fetch
    for template in templates:
        with sqlite3.connect(template) as gpkg:
            (table,) = gpkg.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()
            assert gpkg.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == 679


@pytest.mark.parametrize("kwargs, words", [
    ({"dataset": "nope"}, "does not publish a dataset 'nope'"),
    ({"dataset": "police_crime", "period": "2031-01"}, "period '2031-01' is not in dataset"),
    ({"dataset": "police_crime", "category": "Jaywalking"}, "choose one of"),
    ({"dataset": "police_crime", "geography": "ward"},
     "no boundaries for geography 'ward'; loaded: district, lsoa, msoa, oa"),
])
def test_bad_choices_give_the_hubs_clear_message(hub_url, jin_cache, analyst_authcfg, kwargs, words):
    with pytest.raises(HubError, match=words):
        fetch_layer_blocking(hub_url, **kwargs, authcfg=analyst_authcfg)


def test_hub_that_is_down(jin_cache):
    with pytest.raises(HubError, match=r"Cannot reach the JiN hub at http://127\.0\.0\.1:9 .*proxy settings"):
        fetch_layer_blocking("http://127.0.0.1:9", "police_crime")
    with pytest.raises(HubError, match="not a web address"):
        fetch_layer_blocking("jin-hub.example.org", "police_crime")


def test_hub_server_error_is_explained(tmp_path, hub_db_path, jin_cache, analyst_authcfg):
    broken = snapshot_db(hub_db_path, tmp_path / "broken.sqlite")
    with sqlite3.connect(broken) as conn:
        conn.execute("UPDATE releases SET report = '{'")     # the hub starts, but fails to read its catalogue
    hub = start_hub(broken)
    try:
        with pytest.raises(HubError, match=r"internal error \(HTTP 500\).*hub administrator"):
            fetch_layer_blocking(hub.url, "police_crime", authcfg=analyst_authcfg)
    finally:
        hub.stop()


def test_hub_stopped_mid_session_keeps_cached_layers(tmp_path, hub_db_path, jin_cache, analyst_authcfg):
    copy = snapshot_db(hub_db_path, tmp_path / "hub.sqlite")
    hub = start_hub(copy)
    layer = fetch_layer_blocking(hub.url, "police_crime", authcfg=analyst_authcfg)
    path = layer.source().split("|")[0]
    hub.stop()
    with pytest.raises(HubError, match="Cannot reach"):
        fetch_layer_blocking(hub.url, "police_crime", category="Burglary", authcfg=analyst_authcfg)
    from pathlib import Path
    offline = open_layer(Path(path))                  # the cached layer still opens, offline
    assert offline.isValid() and offline.featureCount() == 679
    assert offline.customProperty("jin/release")


def test_sign_in_problems_are_explained(hub_url, jin_cache, analyst_authcfg):
    from jin_plugin.core.auth import basic_config

    with pytest.raises(HubError, match=r"needs you to sign in \(HTTP 401\).*authentication configuration"):
        fetch_layer_blocking(hub_url, "police_crime")
    wrong = basic_config("JiN wrong password", "police.analyst", "not-the-password")
    with pytest.raises(HubError, match=r"refused your credentials \(HTTP 401\)"):
        fetch_layer_blocking(hub_url, "police_crime", authcfg=wrong)


def test_processing_fetch_algorithm(hub_url, jin_cache, analyst_authcfg):
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer

    from jin_plugin.processing.provider import JinProvider

    registry = QgsApplication.processingRegistry()
    provider = JinProvider()
    registry.addProvider(provider)
    try:
        alg = registry.createAlgorithmById("jin:fetch")
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        params = {"HUB": hub_url, "AUTHCFG": analyst_authcfg, "DATASET": "fire_incidents", "GEOGRAPHY": 4,
                  "PERIOD": "2024", "CATEGORY": "all"}
        results, ok = alg.run(params, context, QgsProcessingFeedback())
        assert ok
        layer = QgsVectorLayer(results["OUTPUT"], "fire", "ogr")
        assert layer.featureCount() == 8 and layer.crs().authid() == "EPSG:27700"
        assert next(iter(context.layersToLoadOnCompletion().values())).name.startswith("Fire and rescue incidents")
        del layer
        feedback = QgsProcessingFeedback()
        _, ok = alg.run(dict(params, DATASET="burglars"), context, feedback)
        assert not ok
        _, ok = alg.run(dict(params, AUTHCFG=""), QgsProcessingContext(), QgsProcessingFeedback())
        assert not ok                                            # no sign-in: refused, nothing written
    finally:
        registry.removeProvider(provider)


def test_saved_project_reopens_jin_layers_from_the_cache(tmp_path, hub_db_path, jin_cache, analyst_authcfg):
    """Save a project with a JiN layer, stop the hub, reopen: the layer comes back whole, offline."""
    from qgis.core import QgsProject

    hub = start_hub(snapshot_db(hub_db_path, tmp_path / "hub.sqlite"))
    layer = fetch_layer_blocking(hub.url, "police_crime", authcfg=analyst_authcfg)
    name, release = layer.name(), layer.customProperty("jin/release")
    project = QgsProject.instance()
    project.addMapLayer(layer)
    assert project.write(str(tmp_path / "analysis.qgz"))
    hub.stop()
    project.clear()
    assert project.read(str(tmp_path / "analysis.qgz"))
    reopened = project.mapLayersByName(name)
    assert len(reopened) == 1 and reopened[0].isValid() and reopened[0].featureCount() == 679
    assert reopened[0].customProperty("jin/release") == release
    assert reopened[0].renderer().type() == "graduatedSymbol"
    project.clear()


def test_connection_test_names_the_failing_step(hub_url, analyst_authcfg):
    from jin_plugin.core.auth import basic_config
    from jin_plugin.core.connection import test_connection

    good = test_connection(hub_url, analyst_authcfg)
    assert good.ok and good.user == "police.analyst" and "as police.analyst (notts-police" in good.message
    down = test_connection("http://127.0.0.1:9", analyst_authcfg)
    assert not down.ok and "Cannot reach" in down.message
    unsigned = test_connection(hub_url)
    assert not unsigned.ok and "is up, but signing in failed" in unsigned.message
    assert good.version in unsigned.message
    wrong = test_connection(hub_url, basic_config("JiN test wrong", "someone.else", "not-a-real-password"))
    assert not wrong.ok and "refused your credentials" in wrong.message
    not_jin = test_connection(hub_url + "/openapi.json")          # answers, but not as a JiN hub
    assert not not_jin.ok and "not a JiN hub" in not_jin.message and "base URL" in not_jin.message


# ---- the fast path: one GeoPackage template per boundary version, values written in with SQL ------
def gpkg_facts(path) -> dict:
    """What QGIS and GDAL read from a JiN GeoPackage besides its rows: counts, spatial index, triggers."""
    from contextlib import closing

    with closing(sqlite3.connect(path)) as conn:
        return {
            "feature_count": conn.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'jin'")
            .fetchone()[0],
            "indexed": conn.execute("SELECT count(*) FROM rtree_jin_geom").fetchone()[0],
            "extent": conn.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'jin'")
            .fetchone(),
            "geometry_type": conn.execute("SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns").fetchone(),
            "triggers": sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                                          "AND tbl_name = 'jin'")),
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "journal": conn.execute("PRAGMA journal_mode").fetchone()[0],
        }


def assert_layer_has(layer, values: dict) -> None:
    """Every feature carries the hub's values (JSON form) for its area, with the status they mean."""
    from jin_plugin.core.layers import status_of

    col = {name: i for i, name in enumerate(values["fields"])}
    expected = {r[0]: (r[col["count"]], r[col["suppressed"]], r[col["rate"]], r[col["base"]]) for r in values["rows"]}
    seen = 0
    for feat in layer.getFeatures():
        value = expected.get(feat["area_code"])
        assert feat["status"] == status_of(value)
        assert (feat["dataset"], feat["period"], feat["category"]) == (values["dataset"], values["period"],
                                                                       values["category"])
        if value is None:
            assert feat["count"] == NULL and feat["suppressed"] == NULL
            continue
        seen += 1
        count, suppressed, rate, base = value
        assert feat["suppressed"] == int(suppressed)
        published = (NULL, NULL) if suppressed else (count, NULL if rate is None else rate)
        assert (feat["count"], feat["rate"]) == published
        assert feat["base"] == (NULL if base is None else base)
    assert seen == len(expected)


def test_layers_are_copies_of_one_template_with_the_hubs_values(hub_url, jin_cache, analyst_authcfg):
    """Geometry is converted once per boundary version; each layer is that template with the values
    written in, and opens in QGIS exactly as a layer written feature by feature did."""
    from qgis.core import QgsVectorLayer, QgsWkbTypes

    from jin_plugin.core.project_layers import style_fetched

    client = HubClient(hub_url, analyst_authcfg)
    burglary = run_fetch(FetchLayerTask(client, LayerRequest("police_crime", category="Burglary")))
    (template,) = jin_cache.rglob("template_lsoa_*.gpkg")
    built = template.stat().st_mtime_ns
    fire = run_fetch(FetchLayerTask(client, LayerRequest("fire_incidents")))
    assert list(jin_cache.rglob("template_lsoa_*.gpkg")) == [template] and template.stat().st_mtime_ns == built
    blank = QgsVectorLayer(f"{template}|layername=jin", "template", "ogr")
    assert {f["status"] for f in blank.getFeatures()} == {"no_data"} and blank.featureCount() == 679
    for layer, (dataset, category) in ((burglary, ("police_crime", "Burglary")), (fire, ("fire_incidents", "all"))):
        assert_layer_has(layer, client.get_json(f"/api/v1/values/{dataset}/lsoa", {"category": category}))
        assert [f.name() for f in layer.fields()] == [
            "fid", "area_code", "area_name", "district_code", "district_name", "dataset", "period", "category",
            "count", "suppressed", "status", "rate", "base"]
        assert [layer.fields().field(n).typeName() for n in ("area_code", "count", "rate")] == \
            ["String", "Integer", "Real"]
        assert layer.wkbType() == QgsWkbTypes.MultiPolygon and layer.crs().authid() == "EPSG:27700"
        assert layer.extent() == blank.extent() and layer.featureCount() == 679
        facts = gpkg_facts(layer.source().split("|")[0])
        assert facts == dict(gpkg_facts(template), integrity="ok")
        assert facts["feature_count"] == facts["indexed"] == 679 and facts["geometry_type"] == ("MULTIPOLYGON", 27700)
        assert len(facts["triggers"]) >= 6 and facts["journal"] == "delete"       # GDAL's: the index follows edits
        assert "could not be kept" not in style_fetched(layer) and "JiN" in layer.listStylesInDatabase()[2]
    del blank


def test_new_boundaries_get_a_new_template_and_the_old_one_goes(hub_url, jin_cache, analyst_authcfg):
    client = HubClient(hub_url, analyst_authcfg)
    assert run_fetch(FetchLayerTask(client, LayerRequest("fire_incidents"))) is not None
    (template,) = jin_cache.rglob("template_lsoa_*.gpkg")
    stale = template.with_name("template_lsoa_000000000000.gpkg")      # as left by earlier boundaries
    template.rename(stale)
    next(jin_cache.rglob("boundaries_lsoa.etag")).write_text('"an-old-version"')
    again = FetchLayerTask(client, LayerRequest("fire_incidents"))
    assert run_fetch(again) is not None and again.boundaries_downloaded
    assert list(jin_cache.rglob("template_lsoa_*.gpkg")) == [template]


def test_cancelled_template_or_layer_build_leaves_nothing(tmp_path, hub_url, jin_cache, analyst_authcfg):
    from qgis.core import QgsFeedback

    from jin_plugin.core.layers import build_template, write_layer

    class CancelledMidway(QgsFeedback):
        """Cancelled after ``calls`` checks."""

        def __init__(self, calls: int):
            super().__init__()
            self.left = calls

        def isCanceled(self) -> bool:
            self.left -= 1
            return self.left < 0

    client = HubClient(hub_url, analyst_authcfg)
    assert run_fetch(FetchLayerTask(client, LayerRequest("fire_incidents"))) is not None
    boundaries = next(jin_cache.rglob("boundaries_lsoa.geojson"))
    (template,) = jin_cache.rglob("template_lsoa_*.gpkg")
    values = client.values("fire_incidents", "lsoa", None, "all")
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "layer.gpkg"
    previous.write_bytes(b"an earlier layer")
    for calls in (0, 2):                          # before GDAL starts, and inside its conversion
        assert not build_template(boundaries, out / "template.gpkg", CancelledMidway(calls))
    for calls in (0, 1):                          # before the values go in, and once they are in
        assert write_layer(template, values, previous, CancelledMidway(calls)) == 0
    assert previous.read_bytes() == b"an earlier layer"
    assert [p.name for p in out.iterdir()] == ["layer.gpkg"]


def test_zone_layer_holds_only_its_areas_with_their_own_index_and_extent(hub_url, jin_cache, analyst_authcfg):
    client = HubClient(hub_url, analyst_authcfg)
    zone = "south-nottinghamshire-csp"
    layer = run_fetch(FetchLayerTask(client, LayerRequest("police_crime", zone=zone, zone_name="South Notts")))
    values = client.get_json("/api/v1/values/police_crime/lsoa", {"zone": zone})        # the JSON form
    assert client.values("police_crime", "lsoa", None, "all", zone=zone)["rows"] == values["rows"]    # = CSV
    assert_layer_has(layer, values)
    assert 0 < layer.featureCount() == len(values["rows"]) < 679
    facts = gpkg_facts(layer.source().split("|")[0])
    assert facts["feature_count"] == facts["indexed"] == layer.featureCount() and facts["integrity"] == "ok"
    box = layer.extent()
    whole = gpkg_facts(next(jin_cache.rglob("template_lsoa_*.gpkg")))["extent"]
    assert facts["extent"] == pytest.approx((box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()))
    assert box.width() < whole[2] - whole[0]


def test_fields_read_in_words_in_the_attribute_table(hub_url, jin_cache, analyst_authcfg):
    """Aliases, the period in words and the withheld flag as Yes/No, while the stored values stay
    codes (expressions and joins still work on them)."""
    layer = fetch_layer_blocking(hub_url, "police_crime", "lsoa", "2024", authcfg=analyst_authcfg, measure="rate")
    names = {f.name(): layer.attributeDisplayName(i) for i, f in enumerate(layer.fields())}
    assert names["count"] == "Count" and names["area_name"] == "Area name" and names["suppressed"] == "Withheld"
    assert names["rate"].startswith("Rate per 1,000")
    period = layer.editorWidgetSetup(layer.fields().indexOf("period"))
    assert period.type() == "ValueMap" and {"2024 (year)": "2024"} in period.config()["map"]
    flags = layer.editorWidgetSetup(layer.fields().indexOf("suppressed")).config()["map"]
    assert {"Yes": 1} in flags and {"No": 0} in flags
    assert {f["period"] for f in layer.getFeatures()} == {"2024"}                        # stored as codes
