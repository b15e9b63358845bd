"""How a JiN layer's fields read in the attribute table, identify results and forms: readable
names (aliases), the period in words rather than its code (``L12-2024-12``), and the withheld
flag and status in words rather than 0/1 and ids. The stored values stay as they are, so
expressions, joins and exports keep working on the codes."""

from __future__ import annotations

from qgis.core import QgsEditorWidgetSetup, QgsVectorLayer

from ..i18n import QT_TR_NOOP, tr
from .model import month_label

#: field -> its readable name (the rate's carries its unit, set from the catalogue)
ALIASES = {
    "area_code": QT_TR_NOOP("Area code"), "area_name": QT_TR_NOOP("Area name"),
    "district_code": QT_TR_NOOP("District code"), "district_name": QT_TR_NOOP("District"),
    "dataset": QT_TR_NOOP("Dataset"), "period": QT_TR_NOOP("Period"), "category": QT_TR_NOOP("Category"),
    "count": QT_TR_NOOP("Count"), "suppressed": QT_TR_NOOP("Withheld"), "status": QT_TR_NOOP("Status"),
    "rate": QT_TR_NOOP("Rate"), "base": QT_TR_NOOP("Rate's denominator"),
}
#: status id -> words
STATUS_WORDS = {"value": QT_TR_NOOP("Value"), "zero": QT_TR_NOOP("Zero"),
                "suppressed": QT_TR_NOOP("Withheld (protects privacy)"), "no_data": QT_TR_NOOP("No data")}


def _value_map(layer: QgsVectorLayer, field: str, words: dict[str, object]) -> None:
    """Show ``field``'s stored values as words (words -> stored value, as QGIS's Value Map holds them)."""
    index = layer.fields().indexOf(field)
    if index >= 0:
        layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("ValueMap", {"map": [{w: v} for w, v in words.items()]}))


def make_readable(layer: QgsVectorLayer, entry: dict, period: str, rate_label: str = "") -> None:
    """Aliases and value maps for a JiN layer of ``entry`` (its catalogue entry) for ``period``."""
    for field, alias in ALIASES.items():
        index = layer.fields().indexOf(field)
        if index >= 0:
            layer.setFieldAlias(index, tr("Rate {unit}").format(unit=rate_label) if field == "rate" and rate_label
                                else tr(alias))
    if period:                                  # reference layers have none
        _value_map(layer, "period", {month_label(period, entry): period})
    _value_map(layer, "suppressed", {tr("Yes"): 1, tr("No"): 0})
    _value_map(layer, "status", {tr(words): status for status, words in STATUS_WORDS.items()})
