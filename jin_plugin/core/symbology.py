"""Choropleth symbology that never lets a suppressed count pass for zero.

A graduated renderer (QGIS's own classification methods) on one class expression: the published
value where the status says "value", else a place of the status's own below every class, where
zero (white), suppressed (hatched) and no data (grey) each have a range and a legend entry; a note
when the dataset's counts are perturbed is a range no area reaches. Why this and not rules or a
data-defined override: Layer Properties ▸ Symbology then opens on "Graduated" with the classes,
colours, labels and bounds editable there (rules would open on "Rule-based"); an override on a
graduated renderer would draw the special areas but give them no legend entries, and a graduated
renderer cannot embed rules. The special symbols' colours are locked, so a new colour ramp chosen
there leaves them alone. QGIS's own "Classify" button recomputes every range and drops the
special ones: re-class from the JiN panel, which keeps them. Breaks can be shared by several
layers so their maps compare.
"""

from __future__ import annotations

import math
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
    QgsGraduatedSymbolRenderer,
    QgsLinePatternFillSymbolLayer,
    QgsPalLayerSettings,
    QgsProperty,
    QgsRendererRange,
    QgsSimpleFillSymbolLayer,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor

from ..i18n import QT_TR_NOOP, tr
from .compat import SYMBOL_LAYER_ENABLED
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
SUPPRESSED_LABEL = QT_TR_NOOP("Withheld (protects privacy)")          # legend entries: shown through tr()
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


def _label(lower: float, upper: float, unit: str, whole: bool, first: bool = True) -> str:
    """``3 – 7``; counts read as the whole numbers a class holds: a class above the first starts one
    past the class below (``8 – 12``, not ``7 – 12``), and a class of one number is that number
    (``5``, not ``5 – 5``)."""
    fmt = "{:,.0f}" if whole else "{:,.1f}"
    if whole and not first:
        lower = math.floor(lower) + 1
    shown = fmt.format(upper) if whole and lower >= upper else f"{fmt.format(lower)} – {fmt.format(upper)}"
    return f"{shown}{' ' + unit if unit else ''}"


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
    return [ClassBreak(r.lowerBound(), r.upperBound(), _label(r.lowerBound(), r.upperBound(), unit, whole, i == 0))
            for i, r in enumerate(ranges)]


def classify(layer: QgsVectorLayer, field: str, n_classes: int = 5, method: str = "jenks") -> list[ClassBreak]:
    """Class breaks over the positive published values using QGIS's own method."""
    return classify_values(_values(layer, field), n_classes, method, unit_of(layer, field))


def shared_breaks(layers: list[QgsVectorLayer], field: str, n_classes: int = 5,
                  method: str = "jenks") -> list[ClassBreak]:
    """One set of breaks over all ``layers`` (several months or districts), so their maps compare."""
    values = [v for layer in layers for v in _values(layer, field)]
    return classify_values(values, n_classes, method, unit_of(layers[0], field) if layers else "")


def _special_values(breaks: list[ClassBreak]) -> dict[str, float]:
    """Where zero, suppressed, no data and the legend-only entries sit on the class expression's
    scale: whole numbers below every class (and below 0), so no published value can reach them."""
    base = math.floor(min([0.0] + [b.lower for b in breaks])) - 1
    keys = (STATUS_ZERO, STATUS_SUPPRESSED, STATUS_NO_DATA, "perturbed", "highlight")
    return {key: float(base - i) for i, key in enumerate(keys)}


def _class_expression(field: str, status: str, specials: dict[str, float]) -> str:
    """The published value where ``status`` says 'value', else the status's own place below the classes."""
    whens = " ".join(f"WHEN \"{status}\" = '{meaning}' THEN {specials[meaning]!r}"
                     for meaning in (STATUS_ZERO, STATUS_SUPPRESSED, STATUS_NO_DATA))
    return f'CASE WHEN "{status}" = \'{STATUS_VALUE}\' THEN "{field}" {whens} END'


def _locked(symbol: QgsFillSymbol) -> QgsFillSymbol:
    """Colours locked: a new colour ramp in QGIS's Symbology page recolours every range but these."""
    for symbol_layer in symbol.symbolLayers():
        symbol_layer.setLocked(True)
    return symbol


def _legend_only(renderer: QgsGraduatedSymbolRenderer, where: float, symbol: QgsFillSymbol, label: str) -> None:
    """A legend entry that draws nothing: its place on the scale is one no area reaches."""
    renderer.addClassRange(QgsRendererRange(where, where, symbol, label))


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
    specials = _special_values(breaks)
    renderer = QgsGraduatedSymbolRenderer(_class_expression(field, status, specials) if has_status else field)
    for i, b in enumerate(breaks):
        renderer.addClassRange(QgsRendererRange(b.lower, b.upper, _fill(chosen.colour(i, len(breaks)).name()),
                                                b.label))
    if has_status:
        for symbol, meaning, label in (
            (_fill(ZERO_COLOUR), STATUS_ZERO, tr("Zero")),
            # not "fewer than 5": secondary suppression also withholds larger counts that would give one away
            (suppressed_symbol(), STATUS_SUPPRESSED, tr(SUPPRESSED_LABEL)),
            (_fill(NO_DATA_COLOUR), STATUS_NO_DATA, tr("No data")),
        ):
            renderer.addClassRange(QgsRendererRange(specials[meaning], specials[meaning], _locked(symbol), label))
    if layer.customProperty("jin/disclosure_method", "") == "cell_key":
        note = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_style": "no"})
        _legend_only(renderer, specials["perturbed"], _locked(note), tr(PERTURBED_LABEL))
    renderer.setSourceColorRamp(chosen.ramp())
    renderer.setClassificationMethod(METHODS.get(method, QgsClassificationJenks)())
    layer.setRenderer(renderer)
    layer.setCustomProperty("jin/styled_field", field)
    layer.setCustomProperty("jin/status_field", status)
    layer.triggerRepaint()
    return breaks


def class_breaks(layer: QgsVectorLayer) -> list[ClassBreak]:
    """The value classes of a JiN choropleth, without zero, suppressed, no data and legend notes
    (those sit below every class; JiN lists them after the classes, so the leading run rising
    from the first range gives the classes' floor even when the analyst sorted the ranges)."""
    renderer = layer.renderer()
    if not isinstance(renderer, QgsGraduatedSymbolRenderer) or not renderer.ranges():
        return []
    ranges = renderer.ranges()
    leading = [ranges[0]]
    for r in ranges[1:]:
        if r.lowerValue() < leading[-1].lowerValue():
            break
        leading.append(r)
    floor = _special_values([ClassBreak(r.lowerValue(), r.upperValue(), "") for r in leading])[STATUS_ZERO]
    return [ClassBreak(r.lowerValue(), r.upperValue(), r.label()) for r in ranges if r.lowerValue() > floor]


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



def _is_highlight(symbol_layer) -> bool:
    prop = symbol_layer.dataDefinedProperties().property(SYMBOL_LAYER_ENABLED)
    return prop.isActive() and prop.expressionString().startswith('"area_code" IN (')


def highlight_areas(layer: QgsVectorLayer, codes: list[str], colour: str = "#000000") -> None:
    """Outline the given areas (a zone) on top of the current JiN style: every class's symbol gets an
    outline switched on only for those areas, and the legend a "Selected zone" entry."""
    renderer = layer.renderer()
    if not isinstance(renderer, QgsGraduatedSymbolRenderer):
        raise ValueError("apply a JiN theme first: highlighting adds to its graduated style")
    listed = ", ".join("'" + c.replace("'", "''") + "'" for c in codes)
    for i in reversed(range(len(renderer.ranges()))):
        if renderer.ranges()[i].label() == HIGHLIGHT:
            renderer.deleteClass(i)
    for i, class_range in enumerate(renderer.ranges()):
        symbol = class_range.symbol().clone()
        for j in reversed(range(symbol.symbolLayerCount())):
            if _is_highlight(symbol.symbolLayer(j)):
                symbol.deleteSymbolLayer(j)
        outline = QgsSimpleFillSymbolLayer.create({"color": "0,0,0,0", "outline_color": colour,
                                                  "outline_width": "0.8"})
        outline.setDataDefinedProperty(SYMBOL_LAYER_ENABLED, QgsProperty.fromExpression(f'"area_code" IN ({listed})'))
        symbol.appendSymbolLayer(outline)
        renderer.updateRangeSymbol(i, symbol)
    legend = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": colour, "outline_width": "0.8"})
    _legend_only(renderer, _special_values(class_breaks(layer))["highlight"], legend, HIGHLIGHT)
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
