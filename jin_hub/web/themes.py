"""The plugin's map themes for the web pages, read from the style file it ships, so a web map
and a QGIS map of the same data have the same colours."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

STYLE_FILE = Path(__file__).resolve().parents[2] / "jin_plugin" / "resources" / "jin_themes.xml"
#: catalogue theme -> the plugin's ramp (jin_plugin.core.themes, whose titles name the ramps)
RAMPS = {"crime": "JiN Crime", "asb": "JiN Anti-social behaviour", "fire": "JiN Fire",
         "education": "JiN Education", "population": "JiN Population", "reference": "JiN Reference"}
#: the plugin's special symbols (jin_plugin.core.symbology; tests/web/test_themes.py keeps them equal)
SPECIAL = {"outline": "#6e6e6e", "zero": "#ffffff", "suppressed": "#e3e3e3", "hatch": "#5a5a5a",
           "no_data": "#a0a0a0"}
BASEMAP_VARIABLE = "JIN_HUB_BASEMAP_URL"


def _hex(rgba: str) -> str:
    r, g, b = (int(c) for c in rgba.split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


@lru_cache(maxsize=1)
def ramps() -> dict[str, list[str]]:
    """Each catalogue theme's colours, light to dark, from the plugin's style file."""
    found = {}
    for ramp in ET.parse(STYLE_FILE).getroot().iter("colorramp"):
        props = {p.get("k"): p.get("v") for p in ramp.iter("prop")}
        stops = [stop.split(";")[1] for stop in props.get("stops", "").split(":") if stop]
        found[ramp.get("name")] = [_hex(c) for c in (props["color1"], *stops, props["color2"])]
    return {theme: found[name] for theme, name in RAMPS.items()}


def config() -> dict:
    """What the pages need besides data: themes, special colours and the basemap (if any)."""
    return {"themes": ramps(), "special": SPECIAL, "basemap": os.environ.get(BASEMAP_VARIABLE) or None}
