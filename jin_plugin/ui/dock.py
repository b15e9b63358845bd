"""The JiN dock panel: connect to a hub, browse its catalogue, add layers to the map.

Widgets only: every action calls ``jin_plugin.core``; network work runs in ``QgsTask``s so the
panel never freezes QGIS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPrintLayout,
    QgsProject,
    QgsRectangle,
    QgsTask,
    QgsVectorLayer,
)
from qgis.gui import QgsDockWidget, QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtCore import Qt, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import connections
from ..core.catalogue_memory import remember as remember_catalogue
from ..core.connection import ConnectionReport, test_connection
from ..core.connections import Connection
from ..core.district_context import DistrictBoundariesTask, add_districts, cached_boundaries, districts_in
from ..core.fetch import FetchLayerTask
from ..core.hub_client import HubClient, HubError
from ..core.layouts import LayoutError, add_layout
from ..core.model import LayerRequest
from ..core.option_lists import CLASSIFICATIONS, page_options
from ..core.project_layers import GROUP_NAME, add_to_jin_group, added_message, jin_layers, style_fetched
from ..core.releases import request_of_layer, stale_layers
from ..core.safe_task import SafeTask
from ..core.when import release_words
from ..help import help_url
from ..i18n import tr
from .catalogue_view import CatalogueView
from .compare_panel import ComparePanel
from .connection_dialog import ConnectionDialog
from .indicators import CacheIndicators
from .layer_options import LayerOptions
from .layout_layer import layer_for_layout
from .local_panel import LocalPanel
from .message_line import MessageLine
from .narrow import fit_narrow, scrolled
from .reclass import ScaleDialog, StyleHistory, reclass, reclassable, same_measure, share_scale

__all__ = ["GROUP_NAME", "JinDock"]
BNG = "EPSG:27700"
#: the help section of each tab (Data, Compare, Local data), in help/index.html
HELP_ANCHORS = ("data", "compare", "local-data")


class CatalogueTask(SafeTask):
    """Load the hub's version, catalogue (with facets) and zones in the background; or, for a
    search, only the hub's matching entries."""

    def __init__(self, client: HubClient, search: Optional[dict[str, str]] = None):
        super().__init__(tr("JiN: reading the hub catalogue"), QgsTask.Flag.CanCancel)
        self.client = client
        self.search = search or {}
        self.doc: dict = {}
        self.datasets: list[dict] = []
        self.zones: list[dict] = []
        self.version: dict = {}
        self.error = ""

    def work(self) -> bool:
        try:
            if self.search:                    # a search: only the matching entries
                self.datasets = self.client.catalogue_doc(self.search)["datasets"]
                return True
            self.version = self.client.version()
            self.doc = self.client.catalogue_doc()
            self.datasets = self.doc["datasets"]
        except HubError as exc:
            self.error = str(exc)
            return False
        try:
            self.zones = self.client.zones()
        except HubError:                   # zones need sign-in; public callers still browse
            self.zones = []
        return True

    def deliver(self, ok: bool) -> None:
        if not ok:
            self.failed.emit(self.error)


class JinDock(QgsDockWidget):
    """Dock panel: hub connections, the catalogue by theme, layer options, 'Add to map'."""

    layerAdded = pyqtSignal(object)

    def __init__(self, message_bar: Optional[QgsMessageBar] = None, parent: Optional[QWidget] = None,
                 open_designer: Optional[Callable[[QgsPrintLayout], object]] = None,
                 canvas: Optional[QgsMapCanvas] = None, layer_tree_view=None):
        super().__init__("JiN", parent)
        self.setObjectName("JinDock")
        self.message_bar = message_bar
        self.open_designer = open_designer
        self.canvas = canvas
        self.tasks: list[QgsTask] = []          # keep Python references while tasks run
        self.entries: dict[str, dict] = {}      # dataset id -> catalogue entry of the connected hub
        self.indicators = CacheIndicators(layer_tree_view) if layer_tree_view is not None else None
        self.layer_tree_view = layer_tree_view
        self.style_history = StyleHistory()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._connection_row())
        self.status = QLabel(tr("Not connected"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.catalogue = CatalogueView()
        layout.addWidget(self.catalogue, 3)
        self.options = LayerOptions()
        layout.addWidget(self.options)
        layout.addLayout(self._style_form())
        self.add_button = QPushButton(tr("&Add to map"))
        self.add_button.setEnabled(False)
        layout.addWidget(self.add_button)
        self.refresh_button = QPushButton(tr("Refresh JiN layers"))
        self.refresh_button.setToolTip(tr("Check the hub for newer releases of the JiN layers in this project and "
                                          "fetch them"))
        self.same_scale_button = QPushButton(tr("Same scale"))
        self.same_scale_button.setToolTip(tr("One set of class breaks for the JiN layers of one measure you tick, so "
                                             "maps of several months or districts compare"))
        for pair in ((self.reclass_button, self.undo_reclass_button),     # two short rows fit 300 px
                     (self.same_scale_button, self.refresh_button)):
            row = QHBoxLayout()
            for button in pair:
                row.addWidget(button)
            layout.addLayout(row)
        layout.addLayout(self._print_row())
        self.compare_panel = ComparePanel(self._start, self.notify)
        self.compare_panel.resultReady.connect(self.comparison_ready)
        self.tabs = QTabWidget()
        self.local_panel = LocalPanel(self._start, self.notify)
        self.local_panel.layerReady.connect(self._add_to_group)
        for page, title in ((body, tr("Data")), (self.compare_panel, tr("Compare")),
                            (self.local_panel, tr("Local data"))):
            self.tabs.addTab(scrolled(page), title)     # a short dock scrolls rather than squashing
        self.help_button = QToolButton()
        self.help_button.setObjectName("JinHelp")
        self.help_button.setIcon(QgsApplication.getThemeIcon("mActionHelpContents.svg"))
        self.help_button.setText(tr("Help"))
        self.help_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.help_button.setToolTip(tr("Open the JiN help for this tab (shipped with the plugin, works offline)"))
        self.help_button.clicked.connect(self.show_help)
        self.tabs.setCornerWidget(self.help_button)
        self.message_line = MessageLine()       # every tab's outcome, in sight whatever else QGIS says
        outer = QWidget()
        column = QVBoxLayout(outer)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.message_line)
        fit_narrow(outer)
        self.setWidget(outer)

        self.catalogue.datasetChosen.connect(self.show_dataset)
        self.catalogue.searchRequested.connect(self.search_hub)
        self.options.zoom_button.clicked.connect(self.zoom_to_zone)
        self.add_button.clicked.connect(self.add_selected)
        self.refresh_button.clicked.connect(self.refresh_layers)
        self.same_scale_button.clicked.connect(self.same_scale)
        self.reload_connections()

    def _connection_row(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        row = QHBoxLayout()
        self.connection = QComboBox()
        self.connection.setToolTip(tr("Saved JiN hub connections (URL and sign-in)"))
        row.addWidget(QLabel(tr("Hub")))
        row.addWidget(self.connection, 1)
        self.new_button, self.edit_button, self.delete_button = (
            self._tool(icon, tip) for icon, tip in (("mActionAdd.svg", tr("New connection")),
                                                   ("mActionToggleEditing.svg", tr("Edit the connection")),
                                                   ("mActionRemove.svg", tr("Delete the connection"))))
        for button in (self.new_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        rows.addLayout(row)
        buttons = QHBoxLayout()
        self.connect_button = QPushButton(tr("Co&nnect"))
        self.test_button = QPushButton(tr("&Test connection"))
        self.test_button.setToolTip(tr("Check the address, that it is a JiN hub, and the sign-in, step by step"))
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.test_button)
        rows.addLayout(buttons)
        self.new_button.clicked.connect(lambda: self.edit_connection(None))
        self.edit_button.clicked.connect(lambda: self.edit_connection(self.current_connection()))
        self.delete_button.clicked.connect(lambda: self.delete_connection())
        self.connect_button.clicked.connect(self.connect_hub)
        self.test_button.clicked.connect(self.test_hub)
        self.connection.currentIndexChanged.connect(self._connection_chosen)
        return rows

    @staticmethod
    def _tool(icon: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(QgsApplication.getThemeIcon(icon))
        button.setToolTip(tip)
        return button

    def _style_form(self) -> QFormLayout:
        form = QFormLayout()
        self.classes = QComboBox()
        for key, label in CLASSIFICATIONS:
            self.classes.addItem(tr(label), key)
        self.class_count = QSpinBox()
        self.class_count.setRange(2, 9)
        self.class_count.setValue(5)
        style_row = QHBoxLayout()
        style_row.addWidget(self.classes, 1)
        style_row.addWidget(self.class_count)
        self.labels = QCheckBox(tr("Label areas by name"))
        self.labels.setToolTip(tr("Area names on the map, shown when zoomed in far enough to read them"))
        form.addRow(tr("Classes"), style_row)
        self.reclass_button = QPushButton(tr("Re-class selected"))
        self.reclass_button.setToolTip(tr("Apply these classes to the JiN layers selected in the Layers panel"))
        self.undo_reclass_button = QPushButton(tr("Undo"))
        self.undo_reclass_button.setToolTip(tr("Put back the style the last re-class or same scale replaced"))
        self.undo_reclass_button.setEnabled(False)
        self.reclass_button.clicked.connect(self.reclass_selected)
        self.undo_reclass_button.clicked.connect(self.undo_reclass)
        form.addRow("", self.labels)
        return form

    def _print_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.page = QComboBox()
        for key, label in page_options():
            self.page.addItem(label, key)
        self.layout_button = QPushButton(tr("Print la&yout"))
        self.layout_button.setToolTip(tr("A print layout of the JiN layer selected in the Layers panel (asked when "
                                         "none or several are), opened in the layout designer (export PDF, PNG "
                                         "or SVG from there)"))
        self.layout_button.clicked.connect(self.make_layout)
        row.addWidget(self.page, 1)
        row.addWidget(self.layout_button)
        return row

    # ---- helpers ---------------------------------------------------------------------------
    def help_target(self) -> QUrl:
        """The help section of the tab on show."""
        return help_url("index.html", HELP_ANCHORS[max(0, self.tabs.currentIndex())])

    def show_help(self) -> None:
        QDesktopServices.openUrl(self.help_target())

    def current_connection(self) -> Optional[Connection]:
        return self.connection.currentData()

    def client(self) -> HubClient:
        chosen = self.current_connection()
        return HubClient(chosen.url if chosen else "", chosen.authcfg if chosen else "")

    def _say(self, text: str) -> None:
        """Where the panel stands (connecting, connected, fetching), above the catalogue."""
        self.status.setText(text)
        self.status.show()

    def notify(self, text: str, level=Qgis.MessageLevel.Info) -> None:
        """Tell the analyst: in the panel's message line (QGIS's own warnings, such as coordinate
        transforms, can stack over the message bar) and on the message bar. The status line above
        the catalogue holds the same words, hidden so the Data tab does not say them twice."""
        self.status.setText(text)
        self.status.hide()
        self.message_line.show_message(text, level)
        if self.message_bar is not None:
            self.message_bar.pushMessage("JiN", text, level, 8 if level != Qgis.MessageLevel.Critical else 0)

    def _start(self, task: QgsTask) -> None:
        self.tasks.append(task)
        task.taskCompleted.connect(lambda: self.tasks.remove(task) if task in self.tasks else None)
        task.taskTerminated.connect(lambda: self.tasks.remove(task) if task in self.tasks else None)
        QgsApplication.taskManager().addTask(task)

    # ---- connections -----------------------------------------------------------------------
    def reload_connections(self, chosen: str = "") -> None:
        """Fill the list from the settings, choosing ``chosen`` (else the last used)."""
        before = self.current_connection()
        self.connection.blockSignals(True)
        self.connection.clear()
        for conn in connections.connections():
            self.connection.addItem(conn.name, conn)
            self.connection.setItemData(self.connection.count() - 1, conn.url, Qt.ItemDataRole.ToolTipRole)
        last = connections.selected()
        wanted = chosen or (last.name if last else "")
        self.connection.setCurrentIndex(max(0, self.connection.findText(wanted)))
        self.connection.blockSignals(False)
        has = self.connection.count() > 0
        for widget in (self.edit_button, self.delete_button, self.connect_button, self.test_button):
            widget.setEnabled(has)
        if self.current_connection() != before:
            self._connection_chosen()
        if not has:
            self._say(tr("Add a connection to your JiN hub with + (its URL and your JiN sign-in)."))

    def _connection_chosen(self) -> None:
        """Another hub: forget the last one's catalogue until this one is connected."""
        chosen = self.current_connection()
        if chosen is not None:
            connections.select(chosen.name)
        self.entries = {}
        self.catalogue.set_entries([])
        self.options.set_zones([])
        self._say(tr("Press Connect to read the catalogue of {name}.").format(name=chosen.name) if chosen
                            else tr("Not connected"))

    def use_connection(self, connection: Connection) -> Connection:
        """Save ``connection`` and make it the current one (what the dialog's OK does)."""
        saved = connections.save(connection)
        self.reload_connections(saved.name)
        return saved

    def edit_connection(self, existing: Optional[Connection]) -> Optional[Connection]:
        dialog = ConnectionDialog(existing, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        self.reload_connections(dialog.saved.name)
        return dialog.saved

    def delete_connection(self, confirm: bool = True) -> None:
        """Forget the chosen connection (its sign-in stays in QGIS's authentication database)."""
        chosen = self.current_connection()
        if chosen is not None and confirm:
            answer = QMessageBox.question(self, tr("Delete JiN connection"),
                                          tr("Delete the connection “{name}”? Layers already fetched stay "
                                             "in your projects and cache.").format(name=chosen.name))
            if answer != QMessageBox.StandardButton.Yes:
                return
        if chosen is not None:
            connections.delete(chosen.name)
            self.reload_connections()
            self.notify(tr("Connection “{name}” deleted.").format(name=chosen.name))

    def test_hub(self) -> QgsTask:
        """Run 'Test connection' in the background and report its plain-words answer."""
        client = self.client()
        outcome: list[ConnectionReport] = []
        task = QgsTask.fromFunction(tr("JiN: testing the connection"), lambda _task: outcome.append(
            test_connection(client.base_url, client.authcfg)), on_finished=lambda *_: self.notify(
            outcome[0].message if outcome else tr("Cancelled: testing the connection."),
            Qgis.MessageLevel.Info if not outcome else                  # cancelled: a notice, not a failure
            Qgis.MessageLevel.Success if outcome[0].ok else Qgis.MessageLevel.Critical))
        self._start(task)
        return task

    # ---- catalogue -------------------------------------------------------------------------
    def connect_hub(self, search: Optional[dict[str, str]] = None) -> CatalogueTask:
        client = self.client()
        self._say(tr("Connecting to {url}…").format(url=client.base_url) if not search
                            else tr("Searching the hub…"))
        self.connect_button.setEnabled(False)
        task = CatalogueTask(client, search)
        task.taskCompleted.connect(lambda: self.catalogue_loaded(task))
        task.failed.connect(lambda _msg: self.catalogue_failed(task))
        task.cancelled.connect(lambda msg: self.catalogue_failed(task, msg))
        self._start(task)
        return task

    def search_hub(self, parameters: dict[str, str]) -> CatalogueTask:
        """The advanced search: the hub filters its catalogue (``{}`` lists everything again)."""
        return self.connect_hub(parameters)

    def catalogue_loaded(self, task: CatalogueTask) -> None:
        self.connect_button.setEnabled(True)
        self.catalogue.set_entries(task.datasets)
        if task.search:
            self._say(tr("The hub search found {found} of {total} dataset(s).")
                                .format(found=len(task.datasets), total=len(self.entries)))
            return
        self.entries = {e["id"]: e for e in task.datasets}
        remember_catalogue(self.client().base_url, task.doc)     # Processing's lists, from now on
        self.catalogue.set_facets(task.doc)
        self.options.set_zones(task.zones)
        you = task.doc.get("you") or {}
        who = (tr(" as {user} ({agency}, {role})").format(**you) if you.get("user")
               else tr(" without signing in (public aggregates)"))
        stale = self.mark_layers()
        newer = tr("; {n} JiN layer(s) have a newer release: Refresh JiN layers").format(n=len(stale)) if stale else ""
        self._say(tr("Connected to {hub} {version}{who}: {n} dataset(s){newer}").format(
            hub=task.version.get("name"), version=task.version.get("version"), who=who, n=len(task.datasets),
            newer=newer))

    def catalogue_failed(self, task: CatalogueTask, cancelled: str = "") -> None:
        """The hub did not answer (an error), or the analyst cancelled (``cancelled``: a notice)."""
        self.connect_button.setEnabled(True)
        self.notify(cancelled or task.error, Qgis.MessageLevel.Info if cancelled else Qgis.MessageLevel.Critical)
        self.mark_layers()

    def show_dataset(self, entry: Optional[dict]) -> None:
        self.add_button.setEnabled(entry is not None)
        self.options.set_entry(entry)

    def zoom_to_zone(self) -> None:
        """Zoom the map to the chosen zone's extent (the hub lists it in British National Grid)."""
        zone = self.options.current_zone()
        if zone is None or self.canvas is None:
            return
        extent = QgsRectangle(*zone["bbox"])
        extent.scale(1.05)
        transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem(BNG),
                                           self.canvas.mapSettings().destinationCrs(), QgsProject.instance())
        self.canvas.setExtent(transform.transformBoundingBox(extent))
        self.canvas.refresh()

    # ---- fetching --------------------------------------------------------------------------
    def current_requests(self) -> list[LayerRequest]:
        return self.options.requests()

    def add_selected(self) -> list[FetchLayerTask]:
        """Queue one background fetch per chosen category."""
        tasks = []
        for request in self.current_requests():
            task = FetchLayerTask(self.client(), request)
            task.layerReady.connect(lambda layer, r=request: self.layer_ready(layer, r))
            self._start_fetch(task)
            tasks.append(task)
        if tasks:
            self._say(tr("Fetching {n} layer(s)… (progress in the task manager)").format(n=len(tasks)))
        return tasks

    def _start_fetch(self, task: FetchLayerTask) -> None:
        """Queue ``task``: a failure is an error to act on, a cancel only a notice."""
        task.failed.connect(lambda msg: self.notify(msg, Qgis.MessageLevel.Critical))
        task.cancelled.connect(lambda msg: self.notify(msg, Qgis.MessageLevel.Info))
        self._start(task)

    def _add_to_group(self, layer: QgsVectorLayer) -> None:
        add_to_jin_group(layer)
        self.layerAdded.emit(layer)
        self.mark_layers()

    def layer_ready(self, layer: QgsVectorLayer, request: Optional[LayerRequest] = None) -> None:
        request = request or request_of_layer(layer)
        warning = style_fetched(layer, request.measure if request else "count", self.class_count.value(),
                                self.classes.currentData(), self.labels.isChecked())
        self._add_to_group(layer)               # first: the message names the layer as the project does
        self.notify(*added_message(layer, warning))

    # ---- releases --------------------------------------------------------------------------
    def mark_layers(self) -> list[QgsVectorLayer]:
        """Mark JiN layers in the layer tree as cached copies (release, fetch time), flagging those
        with a newer release on the connected hub; returns the latter."""
        stale = stale_layers(jin_layers(), self.client().base_url, self.entries)
        if self.indicators is not None:
            self.indicators.update(jin_layers(), stale)
        return list(stale)

    def refresh_layers(self) -> Optional[CatalogueTask]:
        """Read the hub's catalogue afresh, then fetch the newest release of every stale JiN layer and
        swap it in, keeping its style. The catalogue read at Connect may be hours old, so it is not used:
        a hub that does not answer now is reported as such, with nothing said about the layers."""
        if self.current_connection() is None:
            self.notify(tr("Choose a hub connection first: the refresh compares your layers with its catalogue."),
                        Qgis.MessageLevel.Warning)
            return None
        self._say(tr("Checking {url} for newer releases…").format(url=self.client().base_url))
        task = CatalogueTask(self.client())
        task.taskCompleted.connect(lambda: self.refresh_from(task.datasets))
        task.failed.connect(lambda msg: self.notify(tr(
            "Could not check the hub “{name}” for newer releases, so no JiN layer was checked or changed. {error} "
            "Then press Refresh JiN layers again.").format(name=self.current_connection().name, error=msg),
            Qgis.MessageLevel.Warning))
        task.cancelled.connect(lambda msg: self.notify(msg, Qgis.MessageLevel.Info))
        self._start(task)
        return task

    def refresh_from(self, datasets: list[dict]) -> list[FetchLayerTask]:
        """Fetch the current release (per ``datasets``, the hub's catalogue just read) of every stale layer."""
        self.entries = {e["id"]: e for e in datasets}
        stale = stale_layers(jin_layers(), self.client().base_url, self.entries)
        if self.indicators is not None:
            self.indicators.update(jin_layers(), stale)
        if not stale:
            self.notify(tr("Every JiN layer is of the hub's current release."), Qgis.MessageLevel.Success)
            return []
        tasks = []
        for layer, request in stale.items():
            task = FetchLayerTask(self.client(), request)
            task.layerReady.connect(lambda fresh, old=layer: self.swap_in(old, fresh))
            self._start_fetch(task)
            tasks.append(task)
        self._say(tr("Refreshing {n} JiN layer(s)…").format(n=len(tasks)))
        return tasks

    def swap_in(self, old: QgsVectorLayer, fresh: QgsVectorLayer) -> None:
        """Point ``old`` at the newly fetched file, keeping its place and style."""
        renderer = old.renderer().clone()
        old.setDataSource(fresh.source(), fresh.name(), "ogr")
        old.setMetadata(fresh.metadata())
        for key in fresh.customPropertyKeys():
            old.setCustomProperty(key, fresh.customProperty(key))
        old.setRenderer(renderer)
        old.triggerRepaint()
        released = release_words(str(old.customProperty("jin/release_created", "") or ""),
                                 str(old.customProperty("jin/release", "") or ""))
        self.notify(tr("Refreshed “{name}” to the release of {date}.").format(name=old.name(), date=released)
                    if released else tr("Refreshed “{name}” to the hub's current release.").format(name=old.name()),
                    Qgis.MessageLevel.Success)
        self.mark_layers()

    def make_layout(self) -> Optional[QgsPrintLayout]:
        """Fill the chosen template from the selected JiN layer (else the one the analyst picks), with
        district outlines and names, add it to the project and open the designer. Returns the
        layout, or None when it comes later (the district boundaries are being fetched first)."""
        candidates = [lyr for lyr in jin_layers() if lyr.fields().indexOf("status") >= 0]
        if not candidates:
            self.notify(tr("Add a JiN layer first: the layout is made for it."), Qgis.MessageLevel.Warning)
            return None
        layer = layer_for_layout(candidates, self.indicators.view if self.indicators else None, self)
        if layer is None:
            return None
        project, page, layer_id = QgsProject.instance(), self.page.currentData(), layer.id()

        def made(boundaries: Optional[Path], missing: str = "") -> Optional[QgsPrintLayout]:
            """The layout, once the boundaries are known; ``missing`` says why it has no district outlines."""
            self.layout_button.setEnabled(True)
            chosen = project.mapLayer(layer_id)           # looked up again: it may have gone while we waited
            if not isinstance(chosen, QgsVectorLayer):
                self.notify(tr("The layer the layout was for is no longer in the project: select a JiN layer "
                               "and press Print layout again."), Qgis.MessageLevel.Warning)
                return None
            try:
                districts = add_districts(project, boundaries) if boundaries else districts_in(project)
                layout = add_layout(project, page, chosen, districts)
            except (LayoutError, OSError) as exc:
                self.notify(str(exc), Qgis.MessageLevel.Critical)
                return None
            if self.open_designer is not None:
                self.open_designer(layout)
            text = tr("Layout “{name}” made: export it as PDF, PNG or SVG from the designer, or with "
                      "Processing ▸ JiN ▸ Export JiN map layout.").format(name=layout.name())
            if missing and districts is None:
                self.notify(text + " " + tr("It has no district outlines: {why}").format(why=missing),
                            Qgis.MessageLevel.Warning)
            else:
                self.notify(text, Qgis.MessageLevel.Success)
            return layout

        def stopped(notice: str) -> None:
            self.layout_button.setEnabled(True)
            self.notify(notice, Qgis.MessageLevel.Info)

        hub = layer.customProperty("jin/hub_url", "")
        boundaries = cached_boundaries(hub)
        if districts_in(project) is not None or boundaries is not None:
            return made(boundaries)
        client = self.client()
        if not hub or client.base_url.rstrip("/") != hub.rstrip("/"):      # no credentials for its boundaries
            return made(None, tr("the layer comes from another hub ({hub}); connect to that hub and make the "
                                 "layout again to have them.").format(hub=hub or tr("unknown")))
        task = DistrictBoundariesTask(client)
        task.ready.connect(made)
        task.failed.connect(lambda message: made(None, message))
        task.cancelled.connect(stopped)
        self.layout_button.setEnabled(False)            # one download, one layout
        self._say(tr("Fetching district outlines for the layout…"))
        self._start(task)
        return None

    def selected_layers(self) -> list[QgsVectorLayer]:
        """The JiN choropleths selected in the Layers panel."""
        chosen = self.layer_tree_view.selectedLayers() if self.layer_tree_view is not None else []
        return [lyr for lyr in chosen if reclassable(lyr)]

    def _after_reclass(self, problems: list[str], done: str) -> None:
        self.undo_reclass_button.setEnabled(self.style_history.can_undo())
        for problem in problems:
            self.notify(tr("The layer's style could not be kept with it: {error}").format(error=problem),
                        Qgis.MessageLevel.Warning)
        self.notify(done, Qgis.MessageLevel.Success)

    def reclass_selected(self) -> None:
        """Apply the panel's method and class count to the JiN layers selected in the Layers panel."""
        layers = self.selected_layers()
        if not layers:
            self.notify(tr("Select one or more JiN layers in the Layers panel, then press Re-class selected."),
                        Qgis.MessageLevel.Warning)
            return
        problems = reclass(layers, self.class_count.value(), self.classes.currentData(), self.style_history)
        self._after_reclass(problems, tr("Re-classed {n} layer(s) as {method}, {k} classes.").format(
            n=len(layers), method=self.classes.currentText(), k=self.class_count.value()))

    def undo_reclass(self) -> None:
        restored = self.style_history.undo()
        self.undo_reclass_button.setEnabled(self.style_history.can_undo())
        self.notify(tr("Put back the earlier style of {n} layer(s).").format(n=len(restored)),
                    Qgis.MessageLevel.Info)

    def same_scale(self) -> None:
        """One set of classes for the JiN layers the analyst ticks among those mapping the same measure
        as the selected (else the top) layer."""
        candidates = [lyr for lyr in jin_layers() if reclassable(lyr)]
        first = (self.selected_layers() or candidates)[:1]
        layers = same_measure(first[0], candidates) if first else []
        if len(layers) < 2:
            self.notify(tr("Add two or more JiN layers of the same measure first: they then share one set of "
                           "classes."),
                        Qgis.MessageLevel.Warning)
            return
        dialog = ScaleDialog(layers, parent=self)
        if not dialog.exec():
            return
        layers = dialog.chosen()
        if len(layers) < 2:
            self.notify(tr("Tick two or more layers to share one scale; nothing was changed."),
                        Qgis.MessageLevel.Warning)
            return
        breaks, problems = share_scale(layers, self.class_count.value(), self.classes.currentData(),
                                       self.style_history)
        self._after_reclass(problems, tr("{n} layers now share the classes {classes}.").format(
                    n=len(layers), classes="; ".join(b.label for b in breaks)))

    def comparison_ready(self, layer: QgsVectorLayer, summary: str) -> None:
        where = (tr(" The summary (with its PDF) is in {folder}: Compare ▸ Open summary.")
                 .format(folder=Path(summary).parent) if summary else "")
        self.notify(tr("Added “{name}”.{where}").format(name=layer.name(), where=where), Qgis.MessageLevel.Success)
        self._add_to_group(layer)
