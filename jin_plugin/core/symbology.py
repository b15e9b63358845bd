"""Choropleth symbology that never lets a suppressed count pass for zero.

A rule-based renderer: graduated classes (QGIS's own classification methods) for areas with a
published positive value in the layer's theme colours, plus their own legend entries for true
zero, suppressed and no data, and a note when the dataset's counts are perturbed. Breaks can be
shared by several layers so their maps compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from qgis.core import (
    NULL,
    QgsClassificationEqualInterval,
    QgsClassificationJenks,
    QgsClassificationPrettyBreaks,
    QgsClassificationQuantile,
    QgsClassificationStandardDeviation,
    QgsFillSymbol,
    QgsLinePatternFillSymbolLayer,
    QgsPalLayerSettings,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor

from ..i18n import QT_TR_NOOP, tr
from .layers import STATUS_NO_DATA, STATUS_SUPPRESSED, STATUS_VALUE, STATUS_ZERO
from .themes import Theme, theme_for

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
SUPPRESSED_LABEL = QT_TR_NOOP("Suppressed (protects privacy)")          # legend entries: shown through tr()
PERTURBED_LABEL = QT_TR_NOOP("Counts carry small deliberate noise (ONS cell-key method) to protect privacy")
HIGHLIGHT = "Selected zone"
STYLE_NAME = "JiN"


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


def _values(layer: QgsVectorLayer, field: str, status: str = "status") -> list[float]:
    """Published positive values of ``field`` (zero, suppressed and no data have their own symbols)."""
    has_status = layer.fields().indexOf(status) >= 0
    out = []
    for f in layer.getFeatures():
        v = f[field]
        if v is None or v == NULL or (has_status and f[status] != STATUS_VALUE):
            continue
        out.append(float(v))
    return out


def unit_of(layer: QgsVectorLayer, field: str) -> str:
    """How values of ``field`` read in a legend: 'per 1,000 population' for JiN rates, else ''."""
    return str(layer.customProperty("jin/rate_label", "") or "") if field == "rate" else ""


def _label(lower: float, upper: float, unit: str, whole: bool) -> str:
    fmt = "{:,.0f}" if whole else "{:,.1f}"
    return f"{fmt.format(lower)} – {fmt.format(upper)}{' ' + unit if unit else ''}"


def classify_values(values: list[float], n_classes: int = 5, method: str = "jenks", unit: str = "",
                    diverging: bool = False) -> list[ClassBreak]:
    """Class breaks by QGIS's own method (diverging: symmetric about zero, equal steps)."""
    if not values:
        return []
    if method not in METHODS:
        raise ValueError(f"unknown classification '{method}': use one of {', '.join(METHODS)}")
    whole = all(float(v).is_integer() for v in values)
    if diverging:
        top = max(abs(min(values)), abs(max(values))) or 1.0
        step = 2 * top / n_classes
        edges = [-top + i * step for i in range(n_classes + 1)]
        return [ClassBreak(lo, hi, _label(lo, hi, unit, False)) for lo, hi in zip(edges[:-1], edges[1:])]
    ranges = METHODS[method]().classes(values, min(n_classes, len(set(values))))
    return [ClassBreak(r.lowerBound(), r.upperBound(), _label(r.lowerBound(), r.upperBound(), unit, whole))
            for r in ranges]


def classify(layer: QgsVectorLayer, field: str, n_classes: int = 5, method: str = "jenks") -> list[ClassBreak]:
    """Class breaks over the positive published values using QGIS's own method."""
    return classify_values(_values(layer, field), n_classes, method, unit_of(layer, field))


def shared_breaks(layers: list[QgsVectorLayer], field: str, n_classes: int = 5,
                  method: str = "jenks") -> list[ClassBreak]:
    """One set of breaks over all ``layers`` (several months or districts), so their maps compare."""
    values = [v for layer in layers for v in _values(layer, field)]
    return classify_values(values, n_classes, method, unit_of(layers[0], field) if layers else "")


def apply_choropleth(layer: QgsVectorLayer, field: str = "count", n_classes: int = 5, method: str = "jenks",
                     theme: Optional[str] = None, breaks: Optional[list[ClassBreak]] = None,
                     status: str = "status") -> list[ClassBreak]:
    """Style ``layer`` as a choropleth of ``field`` in its theme (or ``theme``); ``breaks`` fixes the
    classes (from ``shared_breaks``); ``status`` names the field saying what each value means (local
    data carries its own beside JiN's). Returns the breaks used."""
    chosen: Theme = theme_for(theme or layer.customProperty("jin/theme", ""))
    if breaks is None:
        breaks = classify_values(_values(layer, field, status), n_classes, method, unit_of(layer, field),
                                 chosen.diverging)
    has_status = layer.fields().indexOf(status) >= 0
    valued = f"\"{status}\" = '{STATUS_VALUE}' AND " if has_status else ""
    root = QgsRuleBasedRenderer.Rule(None)
    quoted = f'"{field}"'
    for i, b in enumerate(breaks):
        colour = chosen.colour(i, len(breaks)).name()
        lower_op = ">=" if i == 0 else ">"
        expr = f"{valued}{quoted} {lower_op} {b.lower!r} AND {quoted} <= {b.upper!r}"
        root.appendChild(QgsRuleBasedRenderer.Rule(_fill(colour), 0, 0, expr, b.label))
    if has_status:
        specials = [
            (_fill(ZERO_COLOUR), STATUS_ZERO, tr("Zero")),
            # not "fewer than 5": secondary suppression also withholds larger counts that would give one away
            (suppressed_symbol(), STATUS_SUPPRESSED, tr(SUPPRESSED_LABEL)),
            (_fill(NO_DATA_COLOUR), STATUS_NO_DATA, tr("No data")),
        ]
        for symbol, meaning, label in specials:
            root.appendChild(QgsRuleBasedRenderer.Rule(symbol, 0, 0, f"\"{status}\" = '{meaning}'", label))
    if layer.customProperty("jin/disclosure_method", "") == "cell_key":
        note = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_style": "no"})
        root.appendChild(QgsRuleBasedRenderer.Rule(note, 0, 0, "FALSE", tr(PERTURBED_LABEL)))   # legend only
    layer.setRenderer(QgsRuleBasedRenderer(root))
    layer.setCustomProperty("jin/styled_field", field)
    layer.triggerRepaint()
    return breaks


def apply_labels(layer: QgsVectorLayer, field: str = "area_name", min_scale: float = 60_000) -> None:
    """Area names (or values) as labels, shown only when zoomed in beyond 1:``min_scale``, with a
    white halo so they stay readable over the darkest class and the hatching."""
    settings = QgsPalLayerSettings()
    settings.fieldName = field
    text = settings.format()
    halo = text.buffer()
    halo.setEnabled(True)
    halo.setSize(1.0)                          # millimetres, QGIS's default unit for a buffer
    halo.setColor(QColor("white"))
    text.setBuffer(halo)
    settings.setFormat(text)
    settings.scaleVisibility = True
    settings.minimumScale = min_scale          # most zoomed-out scale at which labels show
    settings.maximumScale = 0
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
    layer.triggerRepaint()


def highlight_areas(layer: QgsVectorLayer, codes: list[str], colour: str = "#000000") -> None:
    """Outline the given areas (a zone) on top of the current rule-based style."""
    renderer = layer.renderer()
    if not isinstance(renderer, QgsRuleBasedRenderer):
        raise ValueError("apply a JiN theme first: highlighting adds to its rule-based style")
    root = renderer.rootRule()
    for rule in [r for r in root.children() if r.label() == HIGHLIGHT]:
        root.removeChild(rule)
    symbol = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": colour, "outline_width": "0.8"})
    listed = ", ".join("'" + c.replace("'", "''") + "'" for c in codes)
    root.appendChild(QgsRuleBasedRenderer.Rule(symbol, 0, 0, f'"area_code" IN ({listed})', HIGHLIGHT))
    layer.triggerRepaint()


def save_style(layer: QgsVectorLayer, export: Optional[Path] = None) -> None:
    """Keep the style with the data: the default style in the layer's GeoPackage, and optionally a
    QML or SLD file (by ``export``'s suffix) to share."""
    source = layer.source().split("|")[0]
    if source.lower().endswith(".gpkg"):
        # replace our earlier style ourselves: QGIS would otherwise ask "overwrite?" in a modal dialog
        _, ids, names, _, _ = layer.listStylesInDatabase()
        for style_id, name in zip(ids, names):
            if name == STYLE_NAME:
                layer.deleteStyleFromDatabase(style_id)
        error = layer.saveStyleToDatabase(STYLE_NAME, "JiN theme", True, "")
        # QGIS 3.22 writes through its own connection and, closing it, breaks the layer's open
        # readers ("unable to open database file"): the next render would draw nothing
        layer.dataProvider().reloadData()
        if error:
            raise OSError(tr("could not save the style into {path}: {error}").format(path=source, error=error))
    if export is not None:
        suffix = export.suffix.lower()
        if suffix == ".qml":
            message, ok = layer.saveNamedStyle(str(export))
        elif suffix == ".sld":
            message, ok = layer.saveSldStyle(str(export))
        else:
            raise ValueError(tr("export the style as .qml (QGIS) or .sld (other GIS)"))
        if not ok:
            raise OSError(tr("could not write {path}: {error}").format(path=export, error=message))
