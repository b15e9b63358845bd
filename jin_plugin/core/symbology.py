"""Choropleth symbology that never lets a suppressed count pass for zero.

A rule-based renderer: graduated classes (QGIS's own classification methods) for areas with a
published positive value, plus their own legend entries for true zero, suppressed and no data.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsClassificationEqualInterval,
    QgsClassificationJenks,
    QgsClassificationPrettyBreaks,
    QgsClassificationQuantile,
    QgsClassificationStandardDeviation,
    QgsFillSymbol,
    QgsLinePatternFillSymbolLayer,
    QgsRuleBasedRenderer,
    QgsStyle,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from .layers import STATUS_NO_DATA, STATUS_SUPPRESSED, STATUS_VALUE, STATUS_ZERO

METHODS = {
    "jenks": QgsClassificationJenks,
    "quantile": QgsClassificationQuantile,
    "equal": QgsClassificationEqualInterval,
    "pretty": QgsClassificationPrettyBreaks,
    "stddev": QgsClassificationStandardDeviation,
}
OUTLINE = "#6e6e6e"
ZERO_COLOUR = "#ffffff"
SUPPRESSED_FILL, SUPPRESSED_HATCH = "#e3e3e3", "#5a5a5a"
NO_DATA_COLOUR = "#a0a0a0"
SUPPRESSED_LABEL = "Suppressed (protects privacy)"


@dataclass(frozen=True)
class ClassBreak:
    lower: float
    upper: float
    label: str


def _fill(colour: str) -> QgsFillSymbol:
    return QgsFillSymbol.createSimple({"color": colour, "outline_color": OUTLINE, "outline_width": "0.1"})


def suppressed_symbol() -> QgsFillSymbol:
    """Light grey with dark diagonal hatching: reads as 'withheld', never as a low value."""
    symbol = _fill(SUPPRESSED_FILL)
    hatch = QgsLinePatternFillSymbolLayer()
    hatch.setLineAngle(45)
    hatch.setDistance(1.6)
    hatch.setColor(QColor(SUPPRESSED_HATCH))
    hatch.setLineWidth(0.3)
    symbol.appendSymbolLayer(hatch)
    return symbol


def classify(layer: QgsVectorLayer, field: str, n_classes: int = 5, method: str = "jenks") -> list[ClassBreak]:
    """Class breaks over the positive published values using QGIS's own method."""
    values = [float(f[field]) for f in layer.getFeatures()
              if f["status"] == STATUS_VALUE and f[field] is not None]
    if not values:
        return []
    ranges = METHODS[method]().classes(values, min(n_classes, len(set(values))))
    return [ClassBreak(r.lowerBound(), r.upperBound(), f"{r.lowerBound():,.0f} – {r.upperBound():,.0f}")
            for r in ranges]


def apply_choropleth(layer: QgsVectorLayer, field: str = "count", n_classes: int = 5, method: str = "jenks",
                     ramp: str = "YlOrRd") -> list[ClassBreak]:
    """Style ``layer`` as a choropleth of ``field``; return the class breaks used."""
    breaks = classify(layer, field, n_classes, method)
    color_ramp = QgsStyle.defaultStyle().colorRamp(ramp)
    root = QgsRuleBasedRenderer.Rule(None)
    quoted = f'"{field}"'
    for i, b in enumerate(breaks):
        colour = color_ramp.color(0.15 + 0.85 * i / max(1, len(breaks) - 1)).name()
        lower_op = ">=" if i == 0 else ">"
        expr = f"\"status\" = '{STATUS_VALUE}' AND {quoted} {lower_op} {b.lower!r} AND {quoted} <= {b.upper!r}"
        root.appendChild(QgsRuleBasedRenderer.Rule(_fill(colour), 0, 0, expr, b.label))
    specials = [
        (_fill(ZERO_COLOUR), STATUS_ZERO, "Zero"),
        # not "fewer than 5": secondary suppression also withholds larger counts that would give one away
        (suppressed_symbol(), STATUS_SUPPRESSED, SUPPRESSED_LABEL),
        (_fill(NO_DATA_COLOUR), STATUS_NO_DATA, "No data"),
    ]
    for symbol, status, label in specials:
        root.appendChild(QgsRuleBasedRenderer.Rule(symbol, 0, 0, f"\"status\" = '{status}'", label))
    layer.setRenderer(QgsRuleBasedRenderer(root))
    layer.triggerRepaint()
    return breaks
