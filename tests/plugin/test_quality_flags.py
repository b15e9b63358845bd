"""Data-quality warnings in the plugin, against a real hub whose police release misses most of
June 2024: the details pane lists them, and a fetched layer's metadata carries those of its own
period and category (and of the total), never the others."""

from __future__ import annotations

import pytest

from jin_plugin.core import connections
from jin_plugin.core.connections import Connection
from jin_plugin.core.hub_client import HubClient
from jin_plugin.core.workflow import fetch_layer_blocking
from tests.plugin.test_panel import connected_dock
from tests.thinned_hub import THIN_MONTH

WARNINGS = "Data-quality warnings:"


@pytest.fixture(scope="module")
def flags(thinned_url, analyst_authcfg) -> dict[str, str]:
    """{category: note} of the police release's flags, as the hub's catalogue gives them."""
    entry = next(e for e in HubClient(thinned_url, analyst_authcfg).catalogue() if e["id"] == "police_crime")
    found = entry["release"]["quality_flags"]
    assert {f["period"] for f in found} == {THIN_MONTH} and "all" in {f["category"] for f in found}
    return {f["category"]: f["note"] for f in found}


def test_the_details_pane_lists_the_warnings(qgis_iface, thinned_url, analyst_authcfg, flags):
    saved = connections.save(Connection("JiN thinned hub", thinned_url, analyst_authcfg))
    try:
        dock = connected_dock(qgis_iface)
        dock.catalogue.select("police_crime")
        details = dock.catalogue.details.toPlainText()
        assert WARNINGS in details and all(note in details for note in flags.values())
        assert details.index("Disclosure control:") < details.index(WARNINGS)
        dock.catalogue.select("fire_incidents")                   # ordinary months: no warning
        assert "Fire" in dock.catalogue.details.toPlainText()
        assert WARNINGS not in dock.catalogue.details.toPlainText()
    finally:
        connections.delete(saved.name)


def abstract(url: str, authcfg: str, period: str, category: str = "all") -> str:
    layer = fetch_layer_blocking(url, "police_crime", "district", period, category, authcfg, style=False)
    return layer.metadata().abstract()


def test_layers_of_a_flagged_month_carry_their_warnings(thinned_url, jin_cache, analyst_authcfg, flags):
    total = abstract(thinned_url, analyst_authcfg, THIN_MONTH)
    assert WARNINGS in total and all(note in total for note in flags.values())   # a gap in a category is one in it
    year = abstract(thinned_url, analyst_authcfg, "2024")                          # the year holds the month
    assert all(note in year for note in flags.values())
    assert WARNINGS not in abstract(thinned_url, analyst_authcfg, "2024-05")       # an ordinary month
    flagged = sorted(set(flags) - {"all"})
    assert flagged, flags
    unflagged = sorted({"Bicycle theft", "Drugs", "Robbery", "Theft from the person", "Other crime"} - set(flags))
    for category in flagged[:1] + unflagged[:1]:
        text = abstract(thinned_url, analyst_authcfg, THIN_MONTH, category)
        assert flags["all"] in text                                                # the total's gap is its gap too
        assert {c for c, note in flags.items() if note in text} == {"all", category} & set(flags)
