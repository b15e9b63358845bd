"""Fetch a JiN layer in the background: boundaries (cached) + values → GeoPackage → layer.

Network and file work happen in ``run()`` on a worker thread; the layer object is created in
``finished()`` on the GUI thread. Progress shows in QGIS's task manager; cancelling stops the
download and leaves nothing half-made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsFeedback, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from .cache import Cache
from .hub_client import HubCancelled, HubClient, HubError, HubNotFound
from .layers import LayerBuildError, open_layer, write_layer, write_sidecar
from .model import LayerRequest, layer_name


class FetchLayerTask(QgsTask):
    """Background fetch of one layer; emits ``layerReady(layer)`` or ``failed(message)``."""

    layerReady = pyqtSignal(object)
    failed = pyqtSignal(str)

    def __init__(self, client: HubClient, request: LayerRequest, cache: Optional[Cache] = None):
        super().__init__(f"JiN: fetching {request.dataset} ({request.geography})", QgsTask.Flag.CanCancel)
        self.client = client
        self.request = request
        self.cache = cache or Cache(client.base_url)
        self.feedback = QgsFeedback()
        self.path: Optional[Path] = None
        self.error = ""
        self.boundaries_downloaded = False

    def cancel(self) -> None:
        self.feedback.cancel()
        super().cancel()

    def _stage(self, start: float, span: float):
        """A download-progress callback mapping bytes to a slice of the task's progress bar."""
        def report(received: int, total: int) -> None:
            if total > 0:
                self.setProgress(start + span * received / total)
        return report

    def run(self) -> bool:
        try:
            self.setProgress(1)
            entry = next((d for d in self.client.catalogue(feedback=self.feedback)
                          if d["id"] == self.request.dataset), None)
            if entry is None:
                raise HubNotFound(f"The hub does not publish a dataset '{self.request.dataset}'. Refresh the "
                                  "catalogue and choose again.")
            self.setProgress(5)
            boundaries, self.boundaries_downloaded = self.cache.boundaries(
                self.client, self.request.geography, self.feedback, self._stage(5, 55))
            self.setProgress(60)
            values = self.client.values(self.request.dataset, self.request.geography, self.request.period,
                                        self.request.category, feedback=self.feedback,
                                        progress=self._stage(60, 10))
            self.setProgress(70)
            out = self.cache.layers_dir / f"{self.request.file_stem(values['period'])}.gpkg"
            stage = QgsFeedback()
            stage.progressChanged.connect(lambda p: self.setProgress(70 + 0.28 * p))
            self.feedback.canceled.connect(stage.cancel)
            if write_layer(boundaries, values, self.request, out, stage) == 0 or self.isCanceled():
                raise HubCancelled("Fetch cancelled: nothing was added.")
            write_sidecar(out, entry, self.request, values, self.client.base_url)
            self.name_hint = layer_name(entry, self.request, values["period"])
            self.path = out
            self.setProgress(100)
            return True
        except (HubError, LayerBuildError, OSError) as exc:
            self.error = str(exc)
            return False
        except Exception as exc:
            self.error = f"Unexpected error while fetching ({type(exc).__name__}: {exc}). Please report it."
            return False

    def finished(self, result: bool) -> None:
        # The layer is handed over, never kept: the task manager owns this task and deletes it
        # late, and a layer outliving QGIS's shutdown would crash it.
        if result and self.path is not None:
            try:
                layer = open_layer(self.path)
            except LayerBuildError as exc:
                self.error = str(exc)
            else:
                self.layerReady.emit(layer)
                return
        self.error = self.error or "Fetch cancelled: nothing was added."
        self.failed.emit(self.error)
