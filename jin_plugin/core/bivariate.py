"""Bivariate choropleth (3 × 3): two measures at once, each cut into thirds (terciles), coloured
with Joshua Stevens' pink-blue scheme, with the square legend analysts otherwise draw by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from qgis.core import NULL, QgsFillSymbol, QgsRuleBasedRenderer, QgsVectorLayer
from qgis.PyQt.QtCore import QRectF, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

from .symbology import OUTLINE, suppressed_symbol

#: PALETTE[row][col]: row = tercile of y (0 low), col = tercile of x (0 low).
PALETTE = (("#e8e8e8", "#e4acac", "#c85a5a"),
           ("#b0d5df", "#ad9ea5", "#985356"),
           ("#64acbe", "#627f8c", "#574249"))
LEVELS = ("low", "middle", "high")
MISSING = "Either value withheld or missing"          # hatched, as suppressed areas on every JiN map


def terciles(values: np.ndarray) -> tuple[float, float]:
    """The two cut points splitting the known values into thirds."""
    known = values[np.isfinite(values)]
    if len(known) < 3:
        raise ValueError("a bivariate map needs at least three areas with both values")
    lo, hi = np.quantile(known, [1 / 3, 2 / 3])
    return float(lo), float(hi)


def _column(layer: QgsVectorLayer, field: str) -> np.ndarray:
    if layer.fields().indexOf(field) < 0:
        raise ValueError(f"layer '{layer.name()}' has no field '{field}'")
    return np.array([np.nan if f[field] is None or f[field] == NULL else float(f[field])
                     for f in layer.getFeatures()], dtype=float)


def apply_bivariate(layer: QgsVectorLayer, x_field: str, y_field: str, x_label: str = "", y_label: str = "") -> dict:
    """Style ``layer`` with 9 classes plus 'missing'; return the cut points and labels used."""
    x_cuts, y_cuts = terciles(_column(layer, x_field)), terciles(_column(layer, y_field))
    root = QgsRuleBasedRenderer.Rule(None)

    def band(field: str, cuts: tuple[float, float], level: int) -> str:
        q = f'"{field}"'
        return (f"{q} <= {cuts[0]!r}", f"{q} > {cuts[0]!r} AND {q} <= {cuts[1]!r}", f"{q} > {cuts[1]!r}")[level]

    for row in range(3):
        for col in range(3):
            label = f"{x_label or x_field} {LEVELS[col]}, {y_label or y_field} {LEVELS[row]}"
            symbol = QgsFillSymbol.createSimple({"color": PALETTE[row][col], "outline_color": OUTLINE,
                                                 "outline_width": "0.1"})
            expr = f"{band(x_field, x_cuts, col)} AND {band(y_field, y_cuts, row)}"
            root.appendChild(QgsRuleBasedRenderer.Rule(symbol, 0, 0, expr, label))
    root.appendChild(QgsRuleBasedRenderer.Rule(suppressed_symbol(), 0, 0, f'"{x_field}" IS NULL OR "{y_field}" IS NULL',
                                               MISSING))
    layer.setRenderer(QgsRuleBasedRenderer(root))
    layer.triggerRepaint()
    return {"x_cuts": x_cuts, "y_cuts": y_cuts, "x_label": x_label or x_field, "y_label": y_label or y_field}


def legend_image(x_label: str, y_label: str, path: Path, cell: int = 60) -> Path:
    """The 3 × 3 legend square with arrows and axis labels, as a PNG (for layouts and reports)."""
    margin = 70
    size = 3 * cell
    image = QImage(size + margin + 20, size + margin + 20, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for row in range(3):
        for col in range(3):
            painter.fillRect(QRectF(margin + col * cell, 10 + (2 - row) * cell, cell, cell), QColor(PALETTE[row][col]))
    painter.setPen(QColor("#333333"))
    font = QFont()
    font.setPointSize(9)
    painter.setFont(font)
    painter.drawText(QRectF(margin, 14 + size, size, 40), Qt.AlignmentFlag.AlignHCenter, f"{x_label} →")
    painter.save()
    painter.translate(margin - 44, 10 + size)
    painter.rotate(-90)
    painter.drawText(QRectF(0, 0, size, 40), Qt.AlignmentFlag.AlignHCenter, f"{y_label} →")
    painter.restore()
    painter.end()
    image.save(str(path))
    return path
