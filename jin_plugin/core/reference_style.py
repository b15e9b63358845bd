"""Graduated symbology for reference layers: the worse end of the scale darkest.

IMD deciles get their ten fixed classes (1 = the most deprived tenth of England, darkest), so every
decile map reads alike; other indicators get quantile classes, dark where the hub says worse is
(low ranks, high scores and rates). A graduated renderer, so analysts can re-class it in QGIS's own
symbology dialog.
"""

from __future__ import annotations

import json

from qgis.core import NULL, QgsGraduatedSymbolRenderer, QgsRendererRange, QgsVectorLayer

from ..i18n import tr
from .symbology import _fill, classify_values
from .themes import theme_for

THEME = "reference"
DECILES = 10
QUANTILES = 5


def indicator_of_layer(layer: QgsVectorLayer) -> dict:
    """The indicator a reference layer maps ({} for other layers)."""
    try:
        return json.loads(layer.customProperty("jin/indicator", "") or "{}")
    except ValueError:
        return {}


def _classes(decile: bool, values: list[float], deprivation: bool) -> list[tuple[float, float, str]]:
    """(lower, upper, legend label) from low to high values."""
    if decile:
        ends = {1: tr("most deprived 10%"), DECILES: tr("least deprived 10%")} if deprivation else {}
        return [(d - 0.5, d + 0.5, f"{d} — {ends[d]}" if d in ends else str(d)) for d in range(1, DECILES + 1)]
    return [(b.lower, b.upper, b.label) for b in classify_values(values, QUANTILES, "quantile")]


def apply_reference_style(layer: QgsVectorLayer) -> QgsGraduatedSymbolRenderer:
    """Style a reference layer by its indicator, the worse end darkest (the higher where the hub does not
    say which end is worse)."""
    indicator = indicator_of_layer(layer)
    field = indicator["id"]
    values = [float(f[field]) for f in layer.getFeatures() if f[field] not in (None, NULL)]
    deprivation = "deprived" in indicator.get("direction", "")
    decile = field.lower().endswith("_decile")
    classes = _classes(decile, values, deprivation)
    low_worse = indicator.get("worse") == "low"
    theme = theme_for(THEME)
    ranges = []
    for i, (lower, upper, label) in enumerate(classes):
        if deprivation and not decile and i in (0, len(classes) - 1):
            end = tr("most deprived") if (i == 0) == low_worse else tr("least deprived")
            label = f"{label} ({end})"
        shade = len(classes) - 1 - i if low_worse else i
        ranges.append(QgsRendererRange(lower, upper, _fill(theme.colour(shade, len(classes)).name()), label))
    renderer = QgsGraduatedSymbolRenderer(field, ranges)
    layer.setRenderer(renderer)
    layer.setCustomProperty("jin/styled_field", field)
    layer.triggerRepaint()
    return renderer
