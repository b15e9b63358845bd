"""The plugin's workflow without widgets: fetch a themed layer and render it to an image.

Used by the headless demo and by tests; it runs the very same ``FetchLayerTask`` the panel runs,
through QGIS's task manager, and waits for it with a local event loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsRectangle,
    QgsTask,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QEventLoop, QRectF, QSize, Qt, QTimer
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

from .fetch import FetchLayerTask
from .hub_client import HubClient, HubError
from .model import LayerRequest
from .symbology import apply_choropleth


def run_fetch(task: FetchLayerTask, timeout_s: float = 300) -> Optional[QgsVectorLayer]:
    """Queue ``task`` in QGIS's task manager, wait for its outcome; return the layer or None.

    Nothing here keeps a reference to the layer: a layer still alive when the interpreter shuts
    down (after ``exitQgis()``) crashes QGIS, so the caller must be its only owner.
    """
    if task.status() == QgsTask.TaskStatus.Terminated:     # cancelled before it was queued
        task.error = task.error or "Fetch cancelled: nothing was added."
        return None
    loop = QEventLoop()
    outcome: list = []
    task.layerReady.connect(lambda layer: (outcome.append(layer), loop.quit()))
    task.failed.connect(lambda _msg: (outcome.append(None), loop.quit()))
    task.cancelled.connect(lambda _msg: (outcome.append(None), loop.quit()))
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    QgsApplication.taskManager().addTask(task)
    loop.exec()
    if not outcome:
        task.cancel()
        task.error = f"The fetch did not finish within {timeout_s:.0f} s and was cancelled."
        return None
    return outcome.pop()


def fetch_layer_blocking(hub_url: str, dataset: str, geography: str = "lsoa", period: Optional[str] = None,
                         category: str = "all", authcfg: str = "", style: bool = True, measure: str = "count"
                         ) -> QgsVectorLayer:
    """Fetch and (optionally) style one layer of ``measure`` (count or rate); raise ``HubError``
    with the analyst's message on failure."""
    task = FetchLayerTask(HubClient(hub_url, authcfg), LayerRequest(dataset, geography, period, category, measure))
    layer = run_fetch(task)
    if layer is None:
        raise HubError(task.error)
    if style:
        apply_choropleth(layer, measure)
    return layer


def _legend_items(layer: QgsVectorLayer) -> list[tuple[QImage, str]]:
    items = []
    for item in layer.renderer().legendSymbolItems():
        if item.symbol() is not None:
            items.append((item.symbol().asImage(QSize(28, 18)), item.label()))
    return items


def render_png(layers: list[QgsVectorLayer], path: Path, width: int = 1600, height: int = 1200,
               title: str = "", credits: str = "") -> Path:
    """Render ``layers`` (first on top) with a title, the first layer's legend and credits."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputSize(QSize(width, height))
    extent = QgsRectangle(layers[0].extent())
    extent.scale(1.05)
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#222222"))
    painter.setFont(QFont("Sans", 20, QFont.Weight.Bold))
    wrap = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    painter.drawText(QRectF(30, 20, width - 60, 80), wrap, title or layers[0].name())      # two lines at most
    painter.setFont(QFont("Sans", 12))
    label_width = max(300.0, width * 0.4)
    items = [(icon, label, max(24.0, painter.boundingRect(QRectF(0, 0, label_width, 200), wrap, label).height()))
             for icon, label in _legend_items(layers[0])]
    y = height - 40 - sum(h + 2 for _, _, h in items)
    for icon, label, h in items:                  # long labels (the noise note) wrap, never run off
        painter.drawImage(30, int(y + (h - icon.height()) / 2), icon)
        painter.drawText(QRectF(68, y, label_width, h), wrap | int(Qt.AlignmentFlag.AlignVCenter), label)
        y += h + 2
    if credits:
        painter.setFont(QFont("Sans", 9))
        painter.drawText(QRectF(30, height - 30, width - 60, 24), int(Qt.AlignmentFlag.AlignRight), credits)
    painter.end()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"cannot write {path}: check the folder exists and is writable")
    return path
