"""The panel's Local tab: join your own table to JiN areas, or count your own points in them. All
on this PC; results go to the JiN group."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable, Optional

from qgis.core import Qgis, QgsVectorLayer
from qgis.gui import QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.compat import POINT_LAYERS, POLYGON_LAYERS
from ..core.local_data import LocalDataError, count_points, join_table, open_table
from ..i18n import tr


class LocalPanel(QWidget):
    layerReady = pyqtSignal(object)

    def __init__(self, notify: Callable[..., None], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._notify = notify
        self.table: Optional[QgsVectorLayer] = None
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Your own data stays on this PC: nothing here is sent to the hub."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.areas = QgsMapLayerComboBox()
        self.areas.setFilters(POLYGON_LAYERS)
        form = QFormLayout()
        form.addRow(tr("JiN areas"), self.areas)
        layout.addLayout(form)

        join_box = QGroupBox(tr("Join a table by area code"))
        join_form = QFormLayout(join_box)
        self.table_file = QgsFileWidget()
        self.table_file.setFilter(tr("Tables") + " (*.csv *.xlsx *.xls *.ods *.gpkg)")
        self.table_code = QgsFieldComboBox()
        self.table_file.fileChanged.connect(self._load_table)
        self.join_button = QPushButton(tr("Join"))
        self.join_button.clicked.connect(self.join)
        join_form.addRow(tr("Table"), self.table_file)
        join_form.addRow(tr("Area code column"), self.table_code)
        join_form.addRow(self.join_button)
        layout.addWidget(join_box)

        count_box = QGroupBox(tr("Count your points in the areas"))
        count_form = QFormLayout(count_box)
        self.points = QgsMapLayerComboBox()
        self.points.setFilters(POINT_LAYERS)
        self.count_button = QPushButton(tr("Count"))
        self.count_button.clicked.connect(self.count)
        count_form.addRow(tr("Points"), self.points)
        count_form.addRow(self.count_button)
        layout.addWidget(count_box)
        layout.addStretch(1)

    def _load_table(self, path: str) -> None:
        try:
            self.table = open_table(Path(path)) if path else None
        except LocalDataError as exc:
            self.table = None
            self._notify(str(exc), Qgis.MessageLevel.Warning)
        self.table_code.setLayer(self.table)

    def _out(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix="jin_local_")) / f"{name}.gpkg"

    def join(self) -> Optional[QgsVectorLayer]:
        areas = self.areas.currentLayer()
        if areas is None or self.table is None or not self.table_code.currentField():
            self._notify(tr("Choose the JiN areas, a table and its area code column."), Qgis.MessageLevel.Warning)
            return None
        try:
            layer, report = join_table(areas, self.table, self.table_code.currentField(), self._out("joined"))
        except LocalDataError as exc:
            self._notify(str(exc), Qgis.MessageLevel.Critical)
            return None
        layer.setName(f"{areas.name()} + {self.table.name()}")
        self._notify(report.join_summary(), Qgis.MessageLevel.Warning if report.unmatched_codes or
                     report.duplicate_codes else Qgis.MessageLevel.Success)
        self.layerReady.emit(layer)
        return layer

    def count(self) -> Optional[QgsVectorLayer]:
        areas, points = self.areas.currentLayer(), self.points.currentLayer()
        if areas is None or points is None:
            self._notify(tr("Choose the JiN areas and your point layer."), Qgis.MessageLevel.Warning)
            return None
        layer, report = count_points(areas, points, self._out("counts"))
        layer.setName(tr("{points} per area ({areas})").format(points=points.name(), areas=areas.name()[:40]))
        self._notify(tr("Counted {n} points; {outside} fall outside every area; {missing} have no location.").format(
                     n=report.matched, outside=report.outside, missing=report.no_geometry),
                     Qgis.MessageLevel.Warning if report.outside or report.no_geometry else Qgis.MessageLevel.Success)
        self.layerReady.emit(layer)
        return layer


