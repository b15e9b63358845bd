"""Names an analyst can tell apart, and a mostly hatched map announced as what it is.

The layers come from the real hub; the names are checked as the Layers panel shows them."""

from __future__ import annotations

from qgis.core import Qgis, QgsProject

from jin_plugin.core.layers import STATUS_SUPPRESSED, STATUS_VALUE
from jin_plugin.core.project_layers import add_to_jin_group, added_message, style_fetched
from jin_plugin.core.workflow import fetch_layer_blocking


def fetched(hub_url: str, authcfg: str, **kwargs):
    layer = fetch_layer_blocking(hub_url, authcfg=authcfg, style=False, **kwargs)
    warning = style_fetched(layer, kwargs.get("measure", "count"))
    add_to_jin_group(layer)
    return layer, warning


def test_names_are_short_differ_early_and_stay_unique(qgis_new_project, hub_url, jin_cache, analyst_authcfg):
    args = dict(dataset="police_crime", category="Burglary", period="2024")
    count, _ = fetched(hub_url, analyst_authcfg, **args)
    rate, _ = fetched(hub_url, analyst_authcfg, measure="rate", **args)
    again, _ = fetched(hub_url, analyst_authcfg, **args)
    names = [count.name(), rate.name(), again.name()]
    assert names == ["Burglary count, 2024, LSOA", "Burglary rate, 2024, LSOA", "Burglary count, 2024, LSOA (2)"]
    assert all(len(name) < 40 for name in names)
    assert count.metadata().title() == "Burglary — LSOA — 2024 (year) — count"     # the full description
    assert len({layer.name() for layer in QgsProject.instance().mapLayers().values()}) == 3


def test_a_clash_with_another_dataset_names_the_dataset(qgis_new_project, hub_url, jin_cache, analyst_authcfg):
    first, _ = fetched(hub_url, analyst_authcfg, dataset="police_crime", period="2024")
    other, _ = fetched(hub_url, analyst_authcfg, dataset="fire_incidents", period="2024")
    other.setName(first.name())                           # as if two datasets had the same title
    QgsProject.instance().removeMapLayer(other.id())
    other, _ = fetched(hub_url, analyst_authcfg, dataset="fire_incidents", period="2024")
    assert other.name() == "Fire and rescue incidents count, 2024, LSOA"
    renamed = fetch_layer_blocking(hub_url, "fire_incidents", period="2024", authcfg=analyst_authcfg, style=False)
    renamed.setName(first.name())
    add_to_jin_group(renamed)
    assert renamed.name() == f"{first.name()} — Fire and rescue incidents"


def test_a_mostly_withheld_map_is_a_warning_naming_what_publishes(qgis_new_project, hub_url, jin_cache,
                                                                  analyst_authcfg):
    layer, warning = fetched(hub_url, analyst_authcfg, dataset="police_crime", category="Burglary", period="2024-12")
    statuses = [f["status"] for f in layer.getFeatures()]
    withheld, shown = statuses.count(STATUS_SUPPRESSED), statuses.count(STATUS_VALUE)
    assert withheld > shown and withheld < layer.featureCount() / 2      # most of what is not zero
    assert f"{withheld} areas are hatched (counts under 5, or withheld so that none can be worked out from the " \
           f"totals), not zero, and {shown} show a value" in warning
    assert "also publishes MSOA or 12 months to Dec 2024 at LSOA" in warning
    text, level = added_message(layer, warning)
    assert level == Qgis.MessageLevel.Warning and text.startswith("Added “Burglary count, Dec 2024, LSOA”")

    layer, warning = fetched(hub_url, analyst_authcfg, dataset="police_crime", period="2024")
    assert warning == "" and added_message(layer, warning)[1] == Qgis.MessageLevel.Success


def test_layers_layouts_and_choosers_number_twins_alike():
    from jin_plugin.core.naming import unique

    assert unique("Burglary", []) == "Burglary"
    assert unique("Burglary", {"Burglary", "Burglary (2)"}) == "Burglary (3)"
    assert unique("Burglary (2)", {"Burglary (2)"}) == "Burglary (2) (2)"     # a number is not read back in
