"""Every difference between the QGIS versions JiN runs on (3.22 to 3.44, and QGIS 4 on Qt6), in one
place, so the rest of the plugin is written once against the current API.

Enums moved from their classes to ``Qgis`` between 3.30 and 3.36 (the old homes are gone in QGIS 4);
``_member`` takes the new home when this QGIS has it. Names are looked up from strings so that the
fallback for old QGIS is not itself a use of a deprecated home.
"""

from __future__ import annotations

from typing import Any

from qgis import core
from qgis.core import Qgis, QgsLayoutItemLabel, QgsProcessingAlgorithm, QgsTextFormat
from qgis.PyQt import QtCore, QtGui
from qgis.PyQt.QtGui import QFont

try:                                            # Qt6 (QGIS 4): QAction lives in QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:                             # pragma: no cover - Qt5 builds
    from qgis.PyQt.QtWidgets import QAction  # noqa: F401 - re-exported for the plugin

_HOMES = {"QtCore": QtCore, "QtGui": QtGui}


def _resolve(path: str) -> Any:
    """``"Qgis.WkbType.MultiPolygon"`` -> the object, looked up in ``qgis.core`` (or Qt)."""
    head, *rest = path.split(".")
    obj = _HOMES[head] if head in _HOMES else getattr(core, head)
    for name in rest:
        obj = getattr(obj, name)
    return obj


def _member(new: str, old: str) -> Any:
    """The enum member at its current home ``new``, else at its home on older QGIS ``old``."""
    try:
        return _resolve(new)
    except AttributeError:
        return _resolve(old)


QGIS_VERSION = Qgis.QGIS_VERSION_INT

# Field types: QgsField takes QMetaType.Type from 3.38 (the only kind in Qt6); QVariant.Type before.
if QGIS_VERSION >= 33800:
    STRING, INT, DOUBLE = (_resolve(f"QtCore.QMetaType.Type.{n}") for n in ("QString", "Int", "Double"))
else:                                           # pragma: no cover - depends on the QGIS installed
    STRING, INT, DOUBLE = (_resolve(f"QtCore.QVariant.{n}") for n in ("String", "Int", "Double"))
FieldType = type(STRING)

# Geometry and layout units (Qgis from 3.30).
WKB_MULTIPOLYGON = _member("Qgis.WkbType.MultiPolygon", "QgsWkbTypes.MultiPolygon")
GEOMETRY_POINT = _member("Qgis.GeometryType.Point", "QgsWkbTypes.PointGeometry")
LAYOUT_MM = _member("Qgis.LayoutUnit.Millimeters", "QgsUnitTypes.LayoutMillimeters")
DISTANCE_KM = _member("Qgis.DistanceUnit.Kilometers", "QgsUnitTypes.DistanceKilometers")
SCALEBAR_FIT_WIDTH = _member("Qgis.ScaleBarSegmentSizeMode.FitWidth", "QgsScaleBarSettings.SegmentSizeFitWidth")

# Layer filters of map-layer combo boxes (Qgis from 3.34).
POLYGON_LAYERS = _member("Qgis.LayerFilter.PolygonLayer", "QgsMapLayerProxyModel.PolygonLayer")
POINT_LAYERS = _member("Qgis.LayerFilter.PointLayer", "QgsMapLayerProxyModel.PointLayer")

# Processing (Qgis from 3.36).
SOURCE_VECTOR = _member("Qgis.ProcessingSourceType.Vector", "QgsProcessing.TypeVector")
SOURCE_POLYGON = _member("Qgis.ProcessingSourceType.VectorPolygon", "QgsProcessing.TypeVectorPolygon")
SOURCE_POINT = _member("Qgis.ProcessingSourceType.VectorPoint", "QgsProcessing.TypeVectorPoint")
NUMBER_INTEGER = _member("Qgis.ProcessingNumberParameterType.Integer", "QgsProcessingParameterNumber.Integer")
NUMBER_DOUBLE = _member("Qgis.ProcessingNumberParameterType.Double", "QgsProcessingParameterNumber.Double")
FIELD_NUMERIC = _member("Qgis.ProcessingFieldParameterDataType.Numeric", "QgsProcessingParameterField.Numeric")
FLAG_NO_THREADING = _member("Qgis.ProcessingAlgorithmFlag.NoThreading", "QgsProcessingAlgorithm.FlagNoThreading")

# Data-defined "enabled" of a symbol layer (scoped from 3.30).
SYMBOL_LAYER_ENABLED = _member("QgsSymbolLayer.Property.LayerEnabled", "QgsSymbolLayer.PropertyLayerEnabled")

# Layout export: text as text, so PDFs can be searched and read (3.40 exports outlines by default).
TEXT_ALWAYS_TEXT = _member("Qgis.TextRenderFormat.AlwaysText", "QgsRenderContext.TextFormatAlwaysText")

# Tasks whose outcome JiN reports itself: without QgsTask.Flag.Silent (3.26+) QGIS adds a desktop
# notification, "Task failed" for a task the analyst cancelled. QGIS < 3.26 has no such flag.
try:
    TASK_SILENT = _resolve("QgsTask.Flag.Silent")
except AttributeError:                          # pragma: no cover - depends on the QGIS installed
    TASK_SILENT = core.QgsTask.Flags()


def data_item_provider_capabilities() -> Any:
    """What a Browser data item provider declares: network sources. 3.36+ require the flags type
    (an ``int`` aborts QGIS there); older QGIS require the ``int``."""
    try:
        flag = _resolve("Qgis.DataItemProviderCapability.NetworkSources")
    except AttributeError:                      # pragma: no cover - QGIS < 3.36
        return int(_resolve("QgsDataProvider.Net"))
    return _resolve("Qgis.DataItemProviderCapabilities")(flag)


def field_names(alg: QgsProcessingAlgorithm, parameters: dict, name: str, context: Any) -> list[str]:
    """The field names chosen for a field parameter (``parameterAsStrings`` from 3.32)."""
    method = getattr(alg, "parameterAsStrings", None) or getattr(alg, "parameterAsFields")  # noqa: B009
    return list(method(parameters, name, context))


def set_label_font(label: QgsLayoutItemLabel, font: QFont) -> None:
    """A layout label's font, through its text format (3.24+; ``setFont`` is deprecated there)."""
    if hasattr(label, "setTextFormat"):
        text_format = QgsTextFormat.fromQFont(font)
        text_format.setSize(font.pointSizeF())
        label.setTextFormat(text_format)
    else:                                       # pragma: no cover - QGIS < 3.24
        getattr(label, "setFont")(font)  # noqa: B009



def label_font(label: QgsLayoutItemLabel) -> QFont:
    """A layout label's font with its size in points (from its text format on 3.24+)."""
    if hasattr(label, "textFormat"):
        text_format = label.textFormat()
        font = text_format.toQFont()
        font.setPointSizeF(text_format.size())
        return font
    return QFont(getattr(label, "font")())  # noqa: B009 - pragma: no cover on QGIS 3.24+
