"""The panel's Compare tab: pick two or three area layers and their measures, compare them in the
background, get a styled result layer and a one-page summary."""

from __future__ import annotations

from typing import Callable, Optional

from qgis.core import Qgis, QgsFieldProxyModel, QgsTask
from qgis.gui import QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.change_layer import open_change, read_change, write_change
from ..core.compare import CompareError, Measure, Options, read_inputs
from ..core.compare_task import CompareTask
from ..core.compat import POLYGON_LAYERS
from ..core.option_lists import ADJUSTMENTS, NEIGHBOURS, SMOOTHING, translated
from ..core.results_folder import ResultsFolderError, result_for
from ..i18n import tr
from .layer_inputs import keep_optional, refuse_repeats, spread
from .results_folder_box import results_folder_box


def _follow(layer_box: QgsMapLayerComboBox, field_box: QgsFieldComboBox, preferred: str) -> None:
    """Keep ``field_box`` on the chosen layer's fields, on ``preferred`` where the layer has it, else on
    its first numeric field that is not the GeoPackage's feature id (a reference layer's indicator)."""
    def update(layer) -> None:
        field_box.setLayer(layer)
        numeric = [f.name() for f in layer.fields() if f.isNumeric() and f.name() != "fid"] if layer else []
        choice = preferred if preferred in numeric else next(iter(numeric), "")
        if choice:
            field_box.setField(choice)

    layer_box.layerChanged.connect(update)
    update(layer_box.currentLayer())


class ComparePanel(QWidget):
    """Layer and measure pickers, options, and 'Compare'."""

    resultReady = pyqtSignal(object, str)        # result layer, summary HTML path

    def __init__(self, start: Callable[[QgsTask], None], notify: Callable[..., None],
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._start, self._notify = start, notify
        self.summary_path = ""
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Do these measures cluster in the same places? Choose two or three area layers (JiN "
                          "layers, or your own with an area code field) on the same geography."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.layers: list[QgsMapLayerComboBox] = []
        self.fields: list[QgsFieldComboBox] = []
        for i in range(3):
            layer_box = QgsMapLayerComboBox()
            layer_box.setFilters(POLYGON_LAYERS)
            field_box = QgsFieldComboBox()
            field_box.setFilters(QgsFieldProxyModel.Filter.Numeric)
            _follow(layer_box, field_box, "rate")
            form.addRow((tr("Layer {i} (optional)") if i == 2 else tr("Layer {i}")).format(i=i + 1), layer_box)
            form.addRow("   " + tr("measure"), field_box)
            self.layers.append(layer_box)
            self.fields.append(field_box)
        spread(self.layers[:2])
        keep_optional(self.layers[2])
        self.neighbours = QComboBox()
        for key, label in translated(NEIGHBOURS):
            self.neighbours.addItem(label, key)
        self.permutations = QSpinBox()
        self.permutations.setRange(99, 99_999)
        self.permutations.setValue(999)
        self.adjustment = QComboBox()
        for key, label in translated(ADJUSTMENTS):
            self.adjustment.addItem(label, key)
        self.smoothing = QComboBox()
        for key, label in translated(SMOOTHING):
            self.smoothing.addItem(label, key)
        self.smoothing.setToolTip(tr("Pull rates of areas with few residents or pupils towards a wider mean, so one "
                                     "incident in a small population does not look like a hot spot"))
        form.addRow(tr("Rate smoothing"), self.smoothing)
        form.addRow(tr("Neighbours"), self.neighbours)
        form.addRow(tr("Permutations"), self.permutations)
        form.addRow(tr("Adjustment"), self.adjustment)
        self.results_folder = results_folder_box()
        form.addRow(tr("Results folder"), self.results_folder)
        layout.addLayout(form)
        self.compare_button = QPushButton(tr("Compare"))
        self.summary_button = QPushButton(tr("Open summary"))
        self.summary_button.setEnabled(False)
        layout.addWidget(self.compare_button)
        layout.addWidget(self.summary_button)
        layout.addWidget(self._change_box())
        layout.addStretch(1)
        self.compare_button.clicked.connect(self.compare)
        self.summary_button.clicked.connect(self.open_summary)

    def _change_box(self) -> QGroupBox:
        box = QGroupBox(tr("Change over time"))     # a short title: a group is never narrower than it
        form = QFormLayout(box)
        what = QLabel(tr("One count, two periods: the difference, the ratio and whether it is more than "
                         "chance, per area."))
        what.setWordWrap(True)
        form.addRow(what)
        self.change_layers, self.change_fields = [], []
        for label in (tr("Earlier"), tr("Later")):
            layer_box, field_box = QgsMapLayerComboBox(), QgsFieldComboBox()
            layer_box.setFilters(POLYGON_LAYERS)
            field_box.setFilters(QgsFieldProxyModel.Filter.Numeric)
            _follow(layer_box, field_box, "count")
            form.addRow(label, layer_box)
            form.addRow("   " + tr("count"), field_box)
            self.change_layers.append(layer_box)
            self.change_fields.append(field_box)
        spread(self.change_layers)
        self.change_button = QPushButton(tr("Show change"))
        self.change_button.clicked.connect(self.change)
        form.addRow(self.change_button)
        return box

    def change(self) -> Optional[QgsTask]:
        """Difference, ratio and exact test per area, computed in the background."""
        pair = [Measure(lb.currentLayer(), fb.currentField())
                for lb, fb in zip(self.change_layers, self.change_fields) if lb.currentLayer() is not None]
        try:
            if len(pair) != 2 or not all(m.field for m in pair):
                raise CompareError(tr("choose both periods' layers and their count field"))
            refuse_repeats((tr("Earlier"), tr("Later")), self.change_layers, self.change_fields)
            data = read_change(*pair)
            path = result_for("change", *(m.layer.name() for m in pair))
        except (CompareError, ResultsFolderError) as exc:
            self._notify(str(exc), Qgis.MessageLevel.Warning)
            return None

        def finished(exception, _result=None) -> None:
            if exception is None:
                self.resultReady.emit(open_change(path, data), "")
            elif task.isCanceled():
                self._notify(tr("Cancelled: change over time."), Qgis.MessageLevel.Info)
            else:
                self._notify(tr("The change could not be computed: {error}").format(error=exception),
                             Qgis.MessageLevel.Critical)

        task = QgsTask.fromFunction(tr("JiN: change over time"), lambda _task: write_change(data, path),
                                    on_finished=finished)
        self._start(task)
        return task

    def measures(self) -> list[Measure]:
        chosen = []
        for layer_box, field_box in zip(self.layers, self.fields):
            layer = layer_box.currentLayer()
            if layer is not None and field_box.currentField():
                chosen.append(Measure(layer, field_box.currentField(), f"{layer.name()} ({field_box.currentField()})"))
        return chosen

    def compare(self) -> Optional[CompareTask]:
        try:
            refuse_repeats([tr("Layer {i}").format(i=i + 1) for i in range(3)], self.layers, self.fields)
            inputs = read_inputs(self.measures())           # GUI thread: layers are not thread-safe
            path = result_for("compare", *(m.layer.name() for m in self.measures()), suffixes=CompareTask.SUFFIXES)
        except (CompareError, ResultsFolderError) as exc:
            self._notify(str(exc), Qgis.MessageLevel.Warning)
            return None
        options = Options(self.neighbours.currentData(), 1, self.permutations.value(),
                          adjustment=self.adjustment.currentData(), smoothing=self.smoothing.currentData())
        task = CompareTask(inputs, options, path.parent, path.stem)
        task.done.connect(self._done)
        task.failed.connect(lambda msg: self._notify(msg, Qgis.MessageLevel.Critical))
        task.cancelled.connect(lambda msg: self._notify(msg, Qgis.MessageLevel.Info))
        self.compare_button.setEnabled(False)
        task.taskCompleted.connect(lambda: self.compare_button.setEnabled(True))
        task.taskTerminated.connect(lambda: self.compare_button.setEnabled(True))
        self._start(task)
        return task

    def _done(self, layer, summary: str) -> None:
        self.summary_path = summary
        self.summary_button.setEnabled(True)
        self.resultReady.emit(layer, summary)

    def open_summary(self) -> None:
        if self.summary_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.summary_path))
