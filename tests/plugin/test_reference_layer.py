"""Reference layers in the plugin, against the real hub with the real IMD 2019 loaded: the Browser
lists them under their theme, fetching one gives a layer with the indicator as a numeric field and
a graduated style (most deprived darkest), and the Compare tab takes it beside a JiN count layer."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from jin_plugin.core import connections
from jin_plugin.core.compare import Measure, Options, analyse, read_inputs
from jin_plugin.core.connections import Connection
from jin_plugin.core.layers import open_layer
from jin_plugin.core.project_layers import jin_layers, style_fetched
from jin_plugin.core.workflow import fetch_layer_blocking
from jin_plugin.ui.browser import JinDataItemProvider, LayerOpener
from tests.conftest import IMD2019
from tests.plugin.helpers import wait_until

if not IMD2019.parent.parent.is_dir():
    pytest.skip(f"no real data at {IMD2019.parent.parent}: set JIN_REALDATA", allow_module_level=True)

HUB_NAME = "Reference test hub"
SOURCE = pd.read_csv(IMD2019, dtype={"lsoa11_code": str}).set_index("lsoa11_code")


@pytest.fixture(scope="module")
def files(reference_url, analyst_authcfg, tmp_path_factory) -> dict[str, Path]:
    """A reference layer of IMD ranks and a JiN layer of criminal damage (files: tests open their own layers)."""
    import os

    os.environ["JIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("reference_cache"))
    wanted = {"rank": ("imd2019", None, "IMD_rank"), "damage": ("police_crime", "2024", "Criminal damage and arson")}
    out = {}
    for name, (dataset, period, category) in wanted.items():
        layer = fetch_layer_blocking(reference_url, dataset, "lsoa", period, category, authcfg=analyst_authcfg,
                                     style=False)
        out[name] = Path(layer.source().split("|")[0])
        del layer
    return out


def test_reference_layer_has_the_indicator_as_a_number(files):
    layer = open_layer(files["rank"])
    fields = layer.fields()
    assert fields.names() == ["fid", "area_code", "area_name", "district_code", "district_name", "dataset",
                              "indicator", "IMD_rank"]
    assert fields.field("IMD_rank").isNumeric()
    values = {f["area_code"]: f["IMD_rank"] for f in layer.getFeatures()}
    assert len(values) == 679 and values == SOURCE["IMD_rank"].to_dict()
    assert layer.name() == "Index of Multiple Deprivation rank, LSOA (English Indices of Deprivation 2019)"
    assert layer.customProperty("jin/theme") == "reference"
    assert json.loads(layer.customProperty("jin/indicator"))["worse"] == "low"
    assert "no disclosure control" in layer.metadata().abstract()
    assert any("Open Government Licence" in right for right in layer.metadata().rights())
    style_fetched(layer)
    renderer = layer.renderer()
    assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == "IMD_rank"
    ranges = renderer.ranges()
    assert len(ranges) == 5 and ranges[0].label().endswith("(most deprived)")
    assert ranges[0].symbol().color().lightness() < ranges[-1].symbol().color().lightness()    # rank 1 darkest


def test_compare_takes_a_reference_layer_beside_a_jin_layer(files):
    damage, rank = open_layer(files["damage"]), open_layer(files["rank"])
    inputs = read_inputs([Measure(damage, "rate", "damage"), Measure(rank, "IMD_rank", "IMD rank")])
    assert inputs.excluded["not in every layer"] == 0
    column = dict(zip(inputs.codes, inputs.values[:, 1]))
    assert column == SOURCE["IMD_rank"].to_dict()
    result = analyse(inputs, Options(permutations=99, seed=1))
    assert int(result.keep.sum()) + inputs.excluded["withheld or missing"] == 679
    assert result.bivariate is not None and len(result.correlations) == 2


def test_compare_tab_picks_the_indicator_field(qgis_iface, qgis_new_project, files):
    from qgis.core import QgsProject

    from jin_plugin.ui.dock import JinDock

    project = QgsProject.instance()
    damage, rank = open_layer(files["damage"]), open_layer(files["rank"])
    project.addMapLayers([damage, rank])
    dock = JinDock(qgis_iface.messageBar())
    panel = dock.compare_panel
    panel.layers[0].setLayer(damage)
    panel.layers[1].setLayer(rank)
    panel.layers[2].setLayer(None)
    assert panel.fields[0].currentField() == "rate" and panel.fields[1].currentField() == "IMD_rank"
    assert [m.field for m in panel.measures()] == ["rate", "IMD_rank"]
    project.removeAllMapLayers()
    dock.close()


@pytest.fixture()
def saved_reference_hub(reference_url, analyst_authcfg):
    connection = connections.save(Connection(HUB_NAME, reference_url, analyst_authcfg))
    yield connection
    connections.delete(HUB_NAME)


def test_browser_lists_reference_datasets_and_opens_a_decile_map(saved_reference_hub, qgis_iface, qgis_new_project,
                                                                  jin_cache):
    opener = LayerOpener(qgis_iface.messageBar())
    root = JinDataItemProvider(opener).createDataItem("", None)
    hub = {c.name(): c for c in root.createChildren()}[HUB_NAME]
    themes = {t.name(): t for t in hub.createChildren()}
    assert "Reference" in themes and "Crime" in themes
    datasets = {d.target.dataset: d for d in themes["Reference"].createChildren()}
    assert list(datasets) == ["imd2019"] and datasets["imd2019"].target.geography == "lsoa"
    assert datasets["imd2019"].handleDoubleClick() is True
    assert wait_until(lambda: bool(jin_layers()) and not opener.tasks, 120)
    layer = jin_layers()[0]
    assert layer.name().startswith("Index of Multiple Deprivation decile, LSOA")      # the first indicator
    renderer = layer.renderer()
    assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == "IMD_decile"
    ranges = renderer.ranges()
    assert [r.label() for r in ranges][:2] == ["1 — most deprived 10%", "2"] and len(ranges) == 10
    lightness = [r.symbol().color().lightness() for r in ranges]
    assert lightness == sorted(lightness) and lightness[0] < lightness[-1]           # decile 1 darkest
    qgis_new_project.clear()
