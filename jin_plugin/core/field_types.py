"""Field types for ``QgsField`` on every QGIS JiN supports: ``QVariant.Type`` up to QGIS 3.36,
``QMetaType.Type`` from 3.38 and in QGIS 4 (Qt6, where ``QVariant.Type`` is gone)."""

from __future__ import annotations

from qgis.core import Qgis
from qgis.PyQt.QtCore import QMetaType, QVariant

if Qgis.QGIS_VERSION_INT >= 33800:
    STRING, INT, DOUBLE = QMetaType.Type.QString, QMetaType.Type.Int, QMetaType.Type.Double
else:                                           # pragma: no cover - depends on the QGIS installed
    STRING, INT, DOUBLE = QVariant.Type.String, QVariant.Type.Int, QVariant.Type.Double

FieldType = type(STRING)
