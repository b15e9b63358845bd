"""The panel's Local tab: join your own table to JiN areas, or count your own points in them. All
on this PC; results go to the JiN group."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from qgis.core import Qgis, QgsTask, QgsVectorLayer
from qgis.gui import QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.compat import POINT_LAYERS, POLYGON_LAYERS
from ..core.local_data import LocalDataError, Plan, Report, open_table, plan_count, plan_join
from ..core.local_task import LocalTask
from ..core.results_folder import ResultsFolderError, result_for
from ..i18n import tr
from .results_folder_box import results_folder_box


class LocalPanel(QWidget):
    layerReady = pyqtSignal(object)

    def __init__(self, start: Callable[[QgsTask], None], notify: Callable[..., None],
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._start, self._notify = start, notify
        self.table: Optional[QgsVectorLayer] = None
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Your own data stays on this PC: nothing here is sent to the hub."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.areas = QgsMapLayerComboBox()
        self.areas.setFilters(POLYGON_LAYERS)
        form = QFormLayout()
        form.addRow(tr("JiN areas"), self.areas)
        self.results_folder = results_folder_box()
        form.addRow(tr("Results folder"), self.results_folder)
        layout.addLayout(form)

        join_box = QGroupBox(tr("Join a table"))
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

        count_box = QGroupBox(tr("Count your points"))
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

    def _run(self, description: str, plan: Plan, name: str, summary: Callable[[Report], tuple[str, bool]]) -> LocalTask:
        """Build ``plan`` in a task (progress and Cancel in the task manager); on success name the
        layer, say what happened (``summary``: message, all well?) and hand the layer over."""
        task = LocalTask(description, plan)
        buttons = (self.join_button, self.count_button)

        def done(layer: QgsVectorLayer, report: Report) -> None:
            layer.setName(name)
            message, well = summary(report)
            self._notify(message, Qgis.MessageLevel.Success if well else Qgis.MessageLevel.Warning)
            self.layerReady.emit(layer)

        def failed(message: str) -> None:
            self._notify(message, Qgis.MessageLevel.Critical)

        task.done.connect(done)
        task.failed.connect(failed)
        task.cancelled.connect(lambda message: self._notify(message, Qgis.MessageLevel.Info))   # not a failure
        for signal in (task.done, task.failed, task.cancelled):
            signal.connect(lambda *_: [b.setEnabled(True) for b in buttons])
        for b in buttons:
            b.setEnabled(False)
        self._start(task)
        return task

    def join(self) -> Optional[LocalTask]:
        areas = self.areas.currentLayer()
        if areas is None or self.table is None or not self.table_code.currentField():
            self._notify(tr("Choose the JiN areas, a table and its area code column."), Qgis.MessageLevel.Warning)
            return None
        try:
            plan = plan_join(areas, self.table, self.table_code.currentField(),
                             result_for("join", areas.name(), self.table.name()))
        except (LocalDataError, ResultsFolderError) as exc:
            self._notify(str(exc), Qgis.MessageLevel.Critical)
            return None
        return self._run(tr("JiN: joining {table}").format(table=self.table.name()), plan,
                         f"{areas.name()} + {self.table.name()}",
                         lambda r: (r.join_summary(), not (r.unmatched_codes or r.duplicate_codes)))

    def count(self) -> Optional[LocalTask]:
        areas, points = self.areas.currentLayer(), self.points.currentLayer()
        if areas is None or points is None:
            self._notify(tr("Choose the JiN areas and your point layer."), Qgis.MessageLevel.Warning)
            return None
        try:
            plan = plan_count(areas, points, result_for("count", points.name(), areas.name()))
        except ResultsFolderError as exc:
            self._notify(str(exc), Qgis.MessageLevel.Critical)
            return None
        return self._run(tr("JiN: counting {points}").format(points=points.name()), plan,
                         tr("{points} per area ({areas})").format(points=points.name(), areas=areas.name()[:40]),
                         lambda r: (tr("Counted {n} points; {outside} fall outside every area; {missing} have no "
                                       "location.").format(n=r.matched, outside=r.outside, missing=r.no_geometry),
                                    not (r.outside or r.no_geometry)))
