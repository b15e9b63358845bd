"""Fetch a JiN layer in the background: boundaries (cached) + values → GeoPackage → layer.

Network and file work happen in ``run()`` on a worker thread; the layer object is created in
``finished()`` on the GUI thread. Progress shows in QGIS's task manager; cancelling stops the
download and leaves nothing half-made.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Optional

from qgis.core import QgsFeedback, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..i18n import tr
from .cache import Cache
from .hub_client import HubCancelled, HubClient, HubError, HubNotFound
from .layers import LayerBuildError, open_layer, write_layer, write_sidecar
from .model import LayerRequest, layer_name
from .reference_layer import fetch_values, is_reference, resolved, write_reference_layer
from .safe_task import SafeTask


def fetch_to_file(client: HubClient, request: LayerRequest, cache: Cache, feedback: QgsFeedback,
                  set_progress: Callable[[float], None]) -> tuple[Path, str, bool]:
    """Boundaries (cached, ETag-revalidated) + values → a GeoPackage in the cache.

    The boundaries become a GeoPackage template once per version (``Cache.template``); each layer is
    a copy of it with the values written in (``write_layer``). Returns (path, readable layer name,
    whether boundaries were downloaded); raises ``HubError`` (cancelled included) or
    ``LayerBuildError``. Blocking: call from a worker thread.
    """
    def stage(start: float, span: float):
        def report(received: int, total: int) -> None:
            if total > 0:
                set_progress(start + span * received / total)
        return report

    set_progress(1)
    doc = client.catalogue_doc(feedback=feedback)
    entry = next((d for d in doc["datasets"] if d["id"] == request.dataset), None)
    if entry is None:
        raise HubNotFound(tr("The hub does not publish a dataset '{dataset}'. Refresh the catalogue and "
                             "choose again.").format(dataset=request.dataset))
    reference = is_reference(entry)             # published statistics: one indicator, no counts
    request = resolved(entry, request) if reference else request
    set_progress(5)
    listed = (doc.get("geographies") or {}).get(request.geography) or {}
    _, downloaded = cache.boundaries(client, request.geography, feedback, stage(5, 45), listed.get("etag", ""))
    set_progress(50)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jin-template") as pool:
        # GDAL builds the layer template (first fetch of these boundaries only) while the hub answers
        template = pool.submit(cache.template, request.geography, feedback)
        values = fetch_values(client, request, feedback=feedback, progress=stage(50, 20)) if reference else \
            client.values(request.dataset, request.geography, request.period, request.category, request.zone,
                          feedback=feedback, progress=stage(50, 20))
        set_progress(70)
        template_path, _ = template.result()
    out = cache.layers_dir / f"{request.file_stem(values['period'], values['release'])}.gpkg"
    only = {row[0] for row in values["rows"]} if request.zone else None
    write = write_reference_layer if reference else write_layer
    if write(template_path, values, out, feedback, only, lambda p: set_progress(70 + 0.28 * p)) == 0 \
            or feedback.isCanceled():
        raise HubCancelled(tr("Fetch cancelled: nothing was added."))
    write_sidecar(out, entry, request, values, client.base_url)
    set_progress(100)
    return out, layer_name(entry, request, values["period"]), downloaded


class FetchLayerTask(SafeTask):
    """Background fetch of one layer; emits ``layerReady(layer)`` or ``failed(message)``."""

    layerReady = pyqtSignal(object)

    def __init__(self, client: HubClient, request: LayerRequest, cache: Optional[Cache] = None):
        super().__init__(tr("JiN: fetching {dataset} ({geography})").format(dataset=request.dataset,
                                                                            geography=request.geography),
                         QgsTask.Flag.CanCancel)
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

    def work(self) -> bool:
        try:
            self.path, self.name_hint, self.boundaries_downloaded = fetch_to_file(
                self.client, self.request, self.cache, self.feedback, self.setProgress)
            return True
        except (HubError, LayerBuildError, OSError) as exc:
            self.error = str(exc)
            return False

    def deliver(self, result: bool) -> None:
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
