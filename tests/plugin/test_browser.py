"""The JiN entries in QGIS's Browser panel, against the real hub: connections → themes → datasets →
geographies, drag onto the map and double-click to add a themed layer, errors shown in the tree."""

from __future__ import annotations

import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsBrowserModel,
    QgsErrorItem,
    QgsMimeDataUtils,
)
from qgis.PyQt.QtCore import QModelIndex

from jin_plugin.core import connections
from jin_plugin.core.connections import Connection
from jin_plugin.core.hub_client import HubClient
from jin_plugin.core.model import LayerRequest, geography_label, layer_name
from jin_plugin.core.project_layers import jin_layers
from jin_plugin.processing.fetch_algorithm import GEOGRAPHIES
from jin_plugin.ui.browser import (
    DatasetItem,
    JinDataItemProvider,
    JinDropHandler,
    LayerOpener,
    Target,
    published_geographies,
)
from tests.plugin.helpers import wait_until

HUB_NAME = "Test hub"


@pytest.fixture()
def saved_hub(hub_url, analyst_authcfg):
    """A saved connection to the test hub (in the test profile's settings), removed afterwards."""
    connection = connections.save(Connection(HUB_NAME, hub_url, analyst_authcfg))
    yield connection
    connections.delete(HUB_NAME)


@pytest.fixture()
def opener(qgis_iface):
    qgis_iface.messageBar().clear_messages()
    opener = LayerOpener(qgis_iface.messageBar())
    yield opener
    opener.cancel_all()
    wait_until(lambda: not opener.tasks, 30)


@pytest.fixture()
def clean_project(qgis_new_project):
    """The project, emptied again at the end: layers must not outlive the test (QGIS 3.22 crashes)."""
    yield qgis_new_project
    qgis_new_project.clear()


def children(item) -> dict:
    """``item``'s children by name, made as the Browser makes them (``createChildren``)."""
    return {child.name(): child for child in item.createChildren()}


def connection_item(opener: LayerOpener, name: str = HUB_NAME):
    root = JinDataItemProvider(opener).createDataItem("", None)
    return children(root)[name]


def test_root_lists_connections_then_themes_datasets_and_geographies(saved_hub, hub_url, analyst_authcfg, opener):
    provider = JinDataItemProvider(opener)
    assert provider.name() == "JiN" and provider.createDataItem("/some/folder", None) is None
    root = provider.createDataItem("", None)
    assert root.name() == "JiN" and not root.icon().isNull()
    hub = children(root)[HUB_NAME]
    assert hub.toolTip() == hub_url and hub.path() == f"jin:/{HUB_NAME}"

    catalogue = {entry["id"]: entry for entry in HubClient(hub_url, analyst_authcfg).catalogue()}
    assert sorted(catalogue) == ["asb_incidents", "fire_incidents", "police_crime", "school_attendance"]
    themes = children(hub)
    assert set(themes) == {"Crime", "Anti-social behaviour", "Fire", "Education"}
    assert sorted(themes, key=lambda t: themes[t].sortKey()) == ["Crime", "Anti-social behaviour", "Fire",
                                                                   "Education"]
    assert not themes["Crime"].icon().isNull()
    datasets = {item.target.dataset: item for theme in themes.values() for item in theme.createChildren()}
    assert sorted(datasets) == sorted(catalogue)
    for dataset, item in datasets.items():
        assert item.name() == catalogue[dataset]["title"]
        assert item.toolTip() == catalogue[dataset]["description"]
        assert item.hasDragEnabled() and item.target.geography == "lsoa" and not item.icon().isNull()
    assert [d.target.dataset for d in themes["Crime"].createChildren()] == ["police_crime"]

    crime = datasets["police_crime"]
    geographies = crime.createChildren()
    # one click maps the latest 12 months, whose all-categories totals are published from OA up
    latest = catalogue["police_crime"]["rolling"][-1]
    assert crime.target.period == latest
    assert [g.name() for g in geographies] == ["OA", "LSOA", "MSOA", "District"]
    assert [g.target for g in geographies] == [Target(HUB_NAME, "police_crime", geo, latest)
                                               for geo in ("oa", "lsoa", "msoa", "district")]
    assert all(g.hasDragEnabled() and not g.hasChildren() for g in geographies)
    school = datasets["school_attendance"]                    # by term only: the latest term, from LSOA up
    assert school.target.period == "" and [g.name() for g in school.createChildren()] == ["LSOA", "MSOA", "District"]


def test_2021_geographies_are_named_with_their_vintage_and_ordered_by_level(opener):
    entry = {"id": "police_uk", "title": "Street crime", "geographies": ["district", "msoa21", "ward21", "lsoa21"],
             "publication": {"all": ["district", "msoa21", "lsoa21"]}}
    assert published_geographies(entry) == ["lsoa21", "msoa21", "district"]
    item = DatasetItem(opener, HUB_NAME, entry, "/jin")
    assert item.target.geography == "lsoa21" and item.layer_name == "Street crime — LSOA 2021"
    assert [g.name() for g in item.createChildren()] == ["LSOA 2021", "MSOA 2021", "District"]
    assert geography_label("ward21") == "Ward 2021"
    both = ["lsoa", "lsoa21", "msoa", "district"]           # a hub holding both vintages names the 2011 ones too
    assert [geography_label(g, both) for g in both] == ["LSOA 2011", "LSOA 2021", "MSOA", "District"]
    assert layer_name({**entry, "geographies": both}, LayerRequest("police_uk", "lsoa"), "2024-03") == \
        "Street crime count, Mar 2024, LSOA 2011"
    assert GEOGRAPHIES[:5] == ["oa", "lsoa", "msoa", "ward", "district"] and "lsoa21" in GEOGRAPHIES


def test_mime_uri_round_trips():
    target = Target("Hub: live / test & more", "police_crime", "msoa")
    uri = target.mime_uri("Police recorded crime — MSOA")
    assert (uri.layerType, uri.providerKey) == ("custom", "jin")
    assert uri.uri == "connection=Hub%3A%20live%20%2F%20test%20%26%20more&dataset=police_crime&geography=msoa"
    rolling = Target("Hub", "police_crime", "lsoa", "L12-2024-12")
    decoded = QgsMimeDataUtils.decodeUriList(QgsMimeDataUtils.encodeUriList([uri, rolling.mime_uri("x")]))
    assert [Target.from_uri(u) for u in decoded] == [target, rolling]
    assert decoded[0].name == "Police recorded crime — MSOA"
    vector = QgsMimeDataUtils.Uri()
    vector.layerType, vector.providerKey, vector.uri = "vector", "ogr", "/tmp/x.gpkg"
    assert Target.from_uri(vector) is None


def test_drag_from_browser_model_onto_map_adds_themed_layer(saved_hub, opener, clean_project, jin_cache, qgis_iface):
    """The real Browser model: populate in the background (worker threads), drag a dataset, drop it."""
    registry = QgsApplication.dataItemProviderRegistry()
    registry.addProvider(JinDataItemProvider(opener))
    model = QgsBrowserModel()
    try:
        model.initialize()
        root = next(model.index(r, 0) for r in range(model.rowCount()) if model.data(model.index(r, 0)) == "JiN")
        hub = populated(model, root, HUB_NAME)
        crime = populated(model, hub, "Crime")
        dataset = populated(model, crime, "Police recorded crime")
        assert model.data(dataset) == "Police recorded crime"
        mime = model.mimeData([dataset])
        uris = QgsMimeDataUtils.decodeUriList(mime)
        assert [Target.from_uri(u) for u in uris] == [Target(HUB_NAME, "police_crime", "lsoa", "L12-2024-12")]

        handler = JinDropHandler(opener)
        assert handler.customUriProviderKey() == uris[0].providerKey == "jin"
        handler.handleCustomUriDrop(uris[0])
        assert wait_until(lambda: bool(jin_layers()) and not opener.tasks, 120)
    finally:
        registry.removeProvider(registry.provider("JiN"))
        del model
    layer = jin_layers()[0]
    assert layer.featureCount() == 679 and layer.crs().authid() == "EPSG:27700"
    assert layer.name() == "Police recorded crime count, 12 months to Dec 2024, LSOA"
    assert layer.renderer().type() == "graduatedSymbol"
    successes = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Success)
    assert any("Police recorded crime" in m and "679 areas" in m for m in successes)
    del layer


def populated(model: QgsBrowserModel, parent, name: str):
    """Expand ``parent`` as the Browser does (children made on a worker thread); the child ``name``."""
    item = model.dataItem(parent)
    if item.state() == Qgis.BrowserItemState.NotPopulated:
        model.fetchMore(parent)
    assert wait_until(lambda: item.state() == Qgis.BrowserItemState.Populated, 60)
    rows = [model.index(r, 0, parent) for r in range(model.rowCount(parent))]
    return next(index for index in rows if model.data(index) == name)


def test_double_click_adds_geography_layer(saved_hub, opener, clean_project, jin_cache):
    fire = next(d for theme in connection_item(opener).createChildren() for d in theme.createChildren()
                if d.target.dataset == "fire_incidents")
    district = children(fire)["District"]
    assert district.handleDoubleClick() is True
    assert wait_until(lambda: bool(jin_layers()) and not opener.tasks, 120)
    layer = jin_layers()[0]
    assert layer.name().endswith(", District") and layer.featureCount() == 8
    assert layer.renderer().type() == "graduatedSymbol"
    del layer


def test_dead_hub_shows_an_error_item(opener):
    connections.save(Connection("Dead hub", "http://127.0.0.1:9"))
    try:
        items = connection_item(opener, "Dead hub").createChildren()
    finally:
        connections.delete("Dead hub")
    assert len(items) == 1 and isinstance(items[0], QgsErrorItem)
    assert items[0].name().startswith("Cannot reach the JiN hub at http://127.0.0.1:9")


def test_unsigned_connection_shows_sign_in_error(hub_url, opener):
    connections.save(Connection("Unsigned hub", hub_url))
    try:
        items = connection_item(opener, "Unsigned hub").createChildren()
    finally:
        connections.delete("Unsigned hub")
    assert isinstance(items[0], QgsErrorItem) and "needs you to sign in (HTTP 401)" in items[0].name()


def test_failed_or_stale_drops_are_reported(saved_hub, opener, qgis_iface, jin_cache):
    assert opener.open(Target("Deleted hub", "police_crime", "lsoa")) is None
    JinDropHandler(opener).handleCustomUriDrop(Target(HUB_NAME, "burglars", "lsoa").mime_uri("Burglars"))
    assert wait_until(lambda: not opener.tasks, 60)
    errors = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert any("no JiN connection named 'Deleted hub'" in m for m in errors)
    assert any("does not publish a dataset 'burglars'" in m for m in errors)


def names(model: QgsBrowserModel, parent=None) -> list[str]:
    """Names under ``parent`` as the Browser shows them. (Not ``QgsDataItem.children()``: in QGIS 3.22
    its Python wrappers own the C++ items and delete them when garbage-collected.)"""
    parent = parent or QModelIndex()
    return [model.data(model.index(row, 0, parent)) for row in range(model.rowCount(parent))]


def test_plugin_adds_browser_root_and_unload_removes_it(saved_hub, qgis_iface):
    """In an open Browser: the JiN root appears on load, lists connections (Refresh picks up new ones)
    and disappears on unload, with the drop handler unregistered."""
    import jin_plugin

    registry = QgsApplication.dataItemProviderRegistry()
    model = QgsBrowserModel()
    model.initialize()
    plugin = jin_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert registry.provider("JiN") is plugin.browser_provider
        handler = plugin.drop_handler
        qgis_iface.registerCustomDropHandler.assert_called_with(handler)
        root_index = model.index(names(model).index("JiN"), 0)
        root = model.dataItem(root_index)
        root.populate(True)
        assert HUB_NAME in names(model, root_index) and "Second hub" not in names(model, root_index)
        connections.save(Connection("Second hub", "http://127.0.0.1:9"))
        refresh = root.actions(qgis_iface.mainWindow())[0]
        assert refresh.text() == "Refresh"
        refresh.trigger()
        assert wait_until(lambda: {"Second hub", HUB_NAME} <= set(names(model, root_index)), 10)
    finally:
        connections.delete("Second hub")
        plugin.unload()
    assert registry.provider("JiN") is None and "JiN" not in names(model)
    qgis_iface.unregisterCustomDropHandler.assert_called_with(handler)
    assert plugin.browser_provider is None and plugin.drop_handler is None
