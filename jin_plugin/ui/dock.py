"""The JiN dock panel: connect to a hub, browse its catalogue, add layers to the map.

Widgets only: every action calls ``jin_plugin.core``; network work runs in ``QgsTask``s so the
panel never freezes QGIS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from qgis.core import (
    NULL,
    Qgis,
    QgsApplication,
    QgsMasterLayoutInterface,
    QgsPrintLayout,
    QgsProject,
    QgsSettings,
    QgsTask,
    QgsVectorLayer,
)
from qgis.gui import QgsAuthConfigSelect, QgsDockWidget, QgsMessageBar
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.connection import ConnectionReport, test_connection
from ..core.fetch import FetchLayerTask
from ..core.hub_client import HubClient, HubError
from ..core.layouts import PAGES, LayoutError, fill, load_template
from ..core.model import GEOGRAPHY_LABELS, LayerRequest, month_label
from ..core.symbology import apply_choropleth, apply_labels, save_style, shared_breaks
from .compare_panel import ComparePanel
from .local_panel import LocalPanel

SETTINGS_URL = "jin/hub_url"
SETTINGS_AUTHCFG = "jin/authcfg"          # the id only: credentials stay in QGIS's auth database
DEFAULT_URL = "http://127.0.0.1:8765"
GROUP_NAME = "JiN"
CLASSIFICATIONS = {"jenks": "Natural breaks (Jenks)", "quantile": "Quantile", "equal": "Equal interval",
                   "pretty": "Pretty breaks", "stddev": "Standard deviation"}
ROLE_ENTRY = Qt.ItemDataRole.UserRole


class CatalogueTask(QgsTask):
    """Load the hub's version and catalogue in the background."""

    def __init__(self, client: HubClient):
        super().__init__("JiN: reading the hub catalogue", QgsTask.Flag.CanCancel)
        self.client = client
        self.datasets: list[dict] = []
        self.version: dict = {}
        self.you: dict = {}
        self.error = ""

    def run(self) -> bool:
        try:
            self.version = self.client.version()
            doc = self.client.catalogue_doc()
            self.datasets, self.you = doc["datasets"], doc.get("you") or {}
            return True
        except HubError as exc:
            self.error = str(exc)
            return False


class JinDock(QgsDockWidget):
    """Dock panel listing the hub's datasets, with 'Add to map'."""

    layerAdded = pyqtSignal(object)

    def __init__(self, message_bar: Optional[QgsMessageBar] = None, parent: Optional[QWidget] = None,
                 open_designer: Optional[Callable[[QgsPrintLayout], object]] = None):
        super().__init__("JiN", parent)
        self.setObjectName("JinDock")
        self.message_bar = message_bar
        self.open_designer = open_designer
        self.tasks: list[QgsTask] = []          # keep Python references while tasks run
        body = QWidget()
        layout = QVBoxLayout(body)

        row = QHBoxLayout()
        self.url_edit = QLineEdit(QgsSettings().value(SETTINGS_URL, DEFAULT_URL))
        self.url_edit.setPlaceholderText("https://jin-hub.example.org")
        self.url_edit.setToolTip("Address of the JiN hub")
        self.connect_button = QPushButton("Connect")
        self.test_button = QPushButton("Test")
        self.test_button.setToolTip("Check the address, that it is a JiN hub, and the sign-in, step by step")
        row.addWidget(QLabel("Hub"))
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.connect_button)
        row.addWidget(self.test_button)
        layout.addLayout(row)
        self.auth_select = QgsAuthConfigSelect(body)
        saved = QgsSettings().value(SETTINGS_AUTHCFG, "")
        if saved in QgsApplication.authManager().configIds():      # a deleted configuration is not offered
            self.auth_select.setConfigId(saved)
        self.auth_select.setToolTip("Sign-in: a Basic authentication configuration with your JiN user name and "
                                    "password (stored encrypted by QGIS)")
        layout.addWidget(self.auth_select)

        self.status = QLabel("Not connected")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter datasets…")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.datasets = QListWidget()
        layout.addWidget(self.datasets, 1)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        layout.addWidget(self.details, 2)

        form = QFormLayout()
        self.geography = QComboBox()
        self.period = QComboBox()
        self.category = QComboBox()
        form.addRow("Geography", self.geography)
        form.addRow("Period", self.period)
        form.addRow("Category", self.category)
        self.measure = QComboBox()
        self.measure.addItem("Count", "count")
        self.measure.addItem("Rate", "rate")
        self.classes = QComboBox()
        for key, label in CLASSIFICATIONS.items():
            self.classes.addItem(label, key)
        self.class_count = QSpinBox()
        self.class_count.setRange(2, 9)
        self.class_count.setValue(5)
        style_row = QHBoxLayout()
        style_row.addWidget(self.classes, 1)
        style_row.addWidget(self.class_count)
        self.labels = QCheckBox("Label areas by name when zoomed in")
        form.addRow("Map", self.measure)
        form.addRow("Classes", style_row)
        form.addRow("", self.labels)
        layout.addLayout(form)
        self.add_button = QPushButton("Add to map")
        self.add_button.setEnabled(False)
        layout.addWidget(self.add_button)
        self.same_scale_button = QPushButton("Same scale for all JiN layers of this measure")
        self.same_scale_button.setToolTip("One set of class breaks for every layer in the JiN group, so maps of "
                                          "several months or districts compare")
        self.same_scale_button.clicked.connect(self.same_scale)
        layout.addWidget(self.same_scale_button)
        print_row = QHBoxLayout()
        self.page = QComboBox()
        for key in PAGES:
            self.page.addItem(key.replace("-", " ").upper().replace("PORTRAIT", "portrait")
                              .replace("LANDSCAPE", "landscape"), key)
        self.layout_button = QPushButton("Print layout")
        self.layout_button.setToolTip("A print layout of the newest JiN layer, opened in the layout designer "
                                      "(export PDF, PNG or SVG from there)")
        self.layout_button.clicked.connect(self.make_layout)
        print_row.addWidget(self.page, 1)
        print_row.addWidget(self.layout_button)
        layout.addLayout(print_row)
        self.compare_panel = ComparePanel(self._start, self.notify)
        self.compare_panel.resultReady.connect(self.comparison_ready)
        self.tabs = QTabWidget()
        self.tabs.addTab(body, "Data")
        self.tabs.addTab(self.compare_panel, "Compare")
        self.local_panel = LocalPanel(self.notify)
        self.local_panel.layerReady.connect(self._add_to_group)
        self.tabs.addTab(self.local_panel, "Local data")
        self.setWidget(self.tabs)

        self.connect_button.clicked.connect(self.connect_hub)
        self.test_button.clicked.connect(self.test_hub)
        self.url_edit.returnPressed.connect(self.connect_hub)
        self.search.textChanged.connect(self.filter_datasets)
        self.datasets.currentItemChanged.connect(self.show_dataset)
        self.add_button.clicked.connect(self.add_selected)
        self.category.currentIndexChanged.connect(self.update_geographies)
        self.period.currentIndexChanged.connect(self.update_geographies)

    # ---- helpers ---------------------------------------------------------------------------
    def client(self) -> HubClient:
        return HubClient(self.url_edit.text(), self.auth_select.configId())

    def notify(self, text: str, level=Qgis.MessageLevel.Info) -> None:
        self.status.setText(text)
        if self.message_bar is not None:
            self.message_bar.pushMessage("JiN", text, level, 8 if level != Qgis.MessageLevel.Critical else 0)

    def _start(self, task: QgsTask) -> None:
        self.tasks.append(task)
        task.taskCompleted.connect(lambda: self.tasks.remove(task) if task in self.tasks else None)
        task.taskTerminated.connect(lambda: self.tasks.remove(task) if task in self.tasks else None)
        QgsApplication.taskManager().addTask(task)

    def test_hub(self) -> QgsTask:
        """Run 'Test connection' in the background and report its plain-words answer."""
        url, authcfg = self.url_edit.text().strip(), self.auth_select.configId()
        outcome: list[ConnectionReport] = []
        task = QgsTask.fromFunction("JiN: testing the connection", lambda _task: outcome.append(
            test_connection(url, authcfg)), on_finished=lambda *_: self.notify(
            outcome[0].message if outcome else "The test was cancelled.",
            Qgis.MessageLevel.Success if outcome and outcome[0].ok else Qgis.MessageLevel.Critical))
        self._start(task)
        return task

    # ---- catalogue -------------------------------------------------------------------------
    def connect_hub(self) -> None:
        QgsSettings().setValue(SETTINGS_URL, self.url_edit.text().strip())
        QgsSettings().setValue(SETTINGS_AUTHCFG, self.auth_select.configId())
        self.status.setText(f"Connecting to {self.url_edit.text().strip()}…")
        self.connect_button.setEnabled(False)
        task = CatalogueTask(self.client())
        task.taskCompleted.connect(lambda: self.catalogue_loaded(task))
        task.taskTerminated.connect(lambda: self.catalogue_failed(task))
        self._start(task)

    def catalogue_loaded(self, task: CatalogueTask) -> None:
        self.connect_button.setEnabled(True)
        self.datasets.clear()
        for entry in task.datasets:
            item = QListWidgetItem(f"{entry['title']}  ·  {entry['partner']}")
            item.setData(ROLE_ENTRY, entry)
            item.setToolTip(entry["description"])
            self.datasets.addItem(item)
        you = task.you
        who = (f" as {you['user']} ({you['agency']}, {you['role']})" if you.get("user")
               else " without signing in (public aggregates)")
        self.status.setText(f"Connected to {task.version.get('name')} {task.version.get('version')}{who}: "
                            f"{len(task.datasets)} dataset(s)")
        if self.datasets.count():
            self.datasets.setCurrentRow(0)

    def catalogue_failed(self, task: CatalogueTask) -> None:
        self.connect_button.setEnabled(True)
        self.notify(task.error or "Connection cancelled.", Qgis.MessageLevel.Critical)

    def filter_datasets(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.datasets.count()):
            item = self.datasets.item(i)
            entry = item.data(ROLE_ENTRY)
            haystack = " ".join([entry["title"], entry["description"], *entry["keywords"]]).lower()
            item.setHidden(not all(w in haystack for w in words))

    def show_dataset(self, item: Optional[QListWidgetItem], _previous=None) -> None:
        self.add_button.setEnabled(item is not None)
        if item is None:
            self.details.clear()
            return
        entry = item.data(ROLE_ENTRY)
        self.period.blockSignals(True)
        self.period.clear()
        for p in [*reversed(entry["periods"]), *reversed(entry.get("years", []))]:
            self.period.addItem(month_label(p, entry), p)
        self.period.blockSignals(False)
        self.category.blockSignals(True)
        self.category.clear()
        for c in entry["categories"]:
            self.category.addItem("All categories" if c == "all" else c, c)
        self.category.blockSignals(False)
        self.update_geographies()
        release = entry["release"]
        years = f"; whole years {', '.join(entry['years'])}" if entry.get("years") else ""
        self.details.setHtml(
            f"<h3>{entry['title']}</h3><p>{entry['description']}</p>"
            f"<p><b>Partner:</b> {entry['partner']}<br><b>Theme:</b> {entry['theme']}<br>"
            f"<b>Periods:</b> {month_label(entry['periods'][0], entry)} – "
            f"{month_label(entry['periods'][-1], entry)}{years}<br>"
            f"<b>Geographies:</b> {', '.join(entry['geographies'])}<br>"
            f"<b>Release:</b> {release['id']} ({release['created']})<br>"
            f"<b>Licence:</b> {entry['licence']}</p>"
            f"<p><b>Disclosure control:</b> {entry['disclosure']['rule']}</p>")

    def update_geographies(self) -> None:
        """Offer only the geographies the release policy publishes the chosen category at."""
        item = self.datasets.currentItem()
        if item is None:
            return
        entry = item.data(ROLE_ENTRY)
        category = self.category.currentData() or "all"
        year = len(self.period.currentData() or "") == 4
        allowed = entry.get("publication_years" if year else "publication", {}).get(category, entry["geographies"])
        previous = self.geography.currentData()
        self.geography.clear()
        for g in allowed:
            self.geography.addItem(GEOGRAPHY_LABELS.get(g, g.upper()), g)
        for wanted in (previous, "lsoa"):                  # keep the analyst's level, else the usual one
            if self.geography.findData(wanted) >= 0:
                self.geography.setCurrentIndex(self.geography.findData(wanted))
                break

    # ---- fetching --------------------------------------------------------------------------
    def current_request(self) -> Optional[LayerRequest]:
        item = self.datasets.currentItem()
        if item is None:
            return None
        return LayerRequest(item.data(ROLE_ENTRY)["id"], self.geography.currentData() or "lsoa",
                            self.period.currentData(), self.category.currentData() or "all")

    def add_selected(self) -> Optional[FetchLayerTask]:
        request = self.current_request()
        if request is None:
            return None
        task = FetchLayerTask(self.client(), request)
        task.layerReady.connect(self.layer_ready)
        task.failed.connect(lambda msg: self.notify(msg, Qgis.MessageLevel.Critical))
        self.status.setText(f"Fetching {request.dataset}… (progress in the task manager)")
        self._start(task)
        return task

    def _add_to_group(self, layer: QgsVectorLayer) -> None:
        project = QgsProject.instance()
        root = project.layerTreeRoot()
        group = root.findGroup(GROUP_NAME) or root.insertGroup(0, GROUP_NAME)
        project.addMapLayer(layer, False)
        group.insertLayer(0, layer)
        self.layerAdded.emit(layer)

    def _style(self, layer: QgsVectorLayer, breaks=None) -> None:
        field = self.measure.currentData()
        if field == "rate" and not any(f["rate"] not in (None, NULL) for f in layer.getFeatures()):
            field = "count"                       # no denominator for this dataset: counts it is
        apply_choropleth(layer, field, self.class_count.value(), self.classes.currentData(), breaks=breaks)
        if self.labels.isChecked():
            apply_labels(layer, "area_name")

    def make_layout(self) -> Optional[QgsPrintLayout]:
        """Fill the chosen template from the newest JiN layer, add it to the project, open the designer."""
        layers = [lyr for lyr in self.jin_layers() if lyr.fields().indexOf("status") >= 0]
        if not layers:
            self.notify("Add a JiN layer first: the layout is made for it.", Qgis.MessageLevel.Warning)
            return None
        project = QgsProject.instance()
        try:
            layout = fill(load_template(project, self.page.currentData()), layers[0])
        except LayoutError as exc:
            self.notify(str(exc), Qgis.MessageLevel.Critical)
            return None
        manager = project.layoutManager()
        layout.setName(manager.generateUniqueTitle(QgsMasterLayoutInterface.Type.PrintLayout)
                       .replace("Layout", f"JiN {layers[0].name()[:60]}"))
        manager.addLayout(layout)
        if self.open_designer is not None:
            self.open_designer(layout)
        self.notify(f"Layout “{layout.name()}” made: export it as PDF, PNG or SVG from the designer, or with "
                    "Processing ▸ JiN ▸ Export JiN map layout.", Qgis.MessageLevel.Success)
        return layout

    def jin_layers(self) -> list[QgsVectorLayer]:
        group = QgsProject.instance().layerTreeRoot().findGroup(GROUP_NAME)
        return [node.layer() for node in group.findLayers()] if group else []

    def same_scale(self) -> None:
        field = self.measure.currentData()
        layers = [lyr for lyr in self.jin_layers() if lyr.fields().indexOf("status") >= 0
                  and lyr.fields().indexOf(field) >= 0]
        if len(layers) < 2:
            self.notify("Add two or more JiN layers first: they then share one set of classes.",
                        Qgis.MessageLevel.Warning)
            return
        breaks = shared_breaks(layers, field, self.class_count.value(), self.classes.currentData())
        for lyr in layers:
            apply_choropleth(lyr, field, breaks=breaks)
        self.notify(f"{len(layers)} layers now share the classes " + "; ".join(b.label for b in breaks) + ".",
                    Qgis.MessageLevel.Success)

    def layer_ready(self, layer: QgsVectorLayer) -> None:
        self._style(layer)
        try:
            save_style(layer)                   # the style travels with the cached GeoPackage
        except OSError as exc:
            self.notify(f"The layer's style could not be kept with it: {exc}", Qgis.MessageLevel.Warning)
        self.notify(f"Added “{layer.name()}” ({layer.featureCount()} areas).", Qgis.MessageLevel.Success)
        self._add_to_group(layer)

    def comparison_ready(self, layer: QgsVectorLayer, summary: str) -> None:
        where = (f" The summary (with its PDF) is in {Path(summary).parent}: Compare ▸ Open summary."
                 if summary else "")
        self.notify(f"Added “{layer.name()}”.{where}", Qgis.MessageLevel.Success)
        self._add_to_group(layer)
