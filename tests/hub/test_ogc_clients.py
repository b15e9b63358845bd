"""OGC API – Features conformance seen by real clients that are not ours: OWSLib, and QGIS's own
browser and OAPIF provider, each signing in and reading every feature of a layer."""

from __future__ import annotations

from typing import Callable

from qgis.core import Qgis, QgsApplication, QgsSettings, QgsVectorLayer

from tests.conftest import ANALYST

COLLECTION = "police_crime_lsoa"


def test_owslib_lists_collections_and_reads_every_feature(hub_url):
    from owslib.ogcapi.features import Features
    from owslib.util import Authentication

    api = Features(hub_url, auth=Authentication(*ANALYST))
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    ids = [c["id"] for c in api.collections()["collections"]]
    assert COLLECTION in ids and len(ids) == 15
    assert api.collection(COLLECTION)["storageCrs"].endswith("EPSG/0/27700")
    features, offset = [], 0
    while True:
        page = api.collection_items(COLLECTION, limit=200, offset=offset)
        features += page["features"]
        offset += page["numberReturned"]
        if offset >= page["numberMatched"]:
            break
    assert len({f["id"] for f in features}) == len(features) == 679
    assert all(f["properties"]["suppressed"] == (f["properties"]["count"] is None) for f in features)


def save_wfs_connection(name: str, url: str, version: str, authcfg: str) -> Callable[[], None]:
    """A 'WFS / OGC API - Features' connection where this QGIS reads it (the settings tree from
    3.30; the keys before), as the Data Source Manager saves it. Returns its remover."""
    values = {"url": url, "version": version, "authcfg": authcfg}
    try:
        from qgis.core import QgsSettingsTree
    except ImportError:                          # QGIS < 3.30
        settings = QgsSettings()
        settings.setValue(f"qgis/connections-wfs/{name}/url", url)
        settings.setValue(f"qgis/connections-wfs/{name}/version", version)
        settings.setValue(f"qgis/WFS/{name}/authcfg", authcfg)
        return lambda: [settings.remove(f"qgis/connections-wfs/{name}"), settings.remove(f"qgis/WFS/{name}")]
    node = QgsSettingsTree.node("connections").childNode("ows").childNode("connections")
    for key, value in values.items():
        node.childSetting(key).setVariantValue(value, ["wfs", name])
    return lambda: node.deleteItem(name, ["wfs"])


def test_qgis_browser_lists_the_hubs_collections(qgis_app, hub_url, analyst_authcfg):
    """A 'WFS / OGC API - Features' connection in QGIS's Browser, signed in through an authcfg."""
    remove = save_wfs_connection("JiN test", hub_url, "OGC_API_FEATURES", analyst_authcfg)
    try:
        provider = next(p for p in QgsApplication.dataItemProviderRegistry().providers() if p.name() == "WFS")
        root = provider.createDataItem("", None)
        connections = [c for c in root.createChildren() if c.name() == "JiN test"]
        layers = connections[0].createChildren()
        typenames = {item.uri().split("typename='")[1].split("'")[0] for item in layers}
        del layers, connections, root
    finally:
        remove()
    assert COLLECTION in typenames and len(typenames) == 15


def test_qgis_oapif_provider_reads_every_feature(qgis_app, hub_url, analyst_authcfg):
    """QGIS from 3.30 (Part 2 support, qgis/QGIS#52366) reads in the storageCrs, EPSG:27700; 3.22 LTR
    reads CRS84. Either way every area arrives, where it belongs."""
    layer = QgsVectorLayer(f"url='{hub_url}' typename='{COLLECTION}' authcfg='{analyst_authcfg}'", "crime", "OAPIF")
    assert layer.isValid()
    features = list(layer.getFeatures())
    assert len({f["area_code"] for f in features}) == len(features) == 679
    extent = layer.extent()
    if layer.crs().authid() == "EPSG:27700":
        assert 440_000 < extent.xMinimum() < extent.xMaximum() < 490_000
    else:
        assert Qgis.QGIS_VERSION_INT < 33000 and layer.crs().authid() in ("EPSG:4326", "OGC:CRS84")
        assert -1.4 < extent.xMinimum() < extent.xMaximum() < -0.6 and 52.7 < extent.yMinimum() < 53.6
    unsigned = QgsVectorLayer(f"url='{hub_url}' typename='{COLLECTION}'", "crime", "OAPIF")
    assert not unsigned.isValid() or unsigned.featureCount() <= 0
