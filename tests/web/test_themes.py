"""The web pages' special colours are the plugin's, so a web map and a QGIS map of the same data
look the same (the hub cannot import the plugin: it needs QGIS; the tests can)."""

from __future__ import annotations

from jin_hub.web import themes


def test_the_special_colours_are_the_plugins():
    from jin_plugin.core import symbology

    assert themes.SPECIAL == {"outline": symbology.OUTLINE, "zero": symbology.ZERO_COLOUR,
                              "suppressed": symbology.SUPPRESSED_FILL, "hatch": symbology.SUPPRESSED_HATCH,
                              "no_data": symbology.NO_DATA_COLOUR}


def test_every_theme_has_a_ramp_from_the_plugins_style_file():
    ramps = themes.ramps()
    assert set(ramps) == set(themes.RAMPS) and all(len(colours) >= 5 for colours in ramps.values())
