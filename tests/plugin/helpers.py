"""Test helpers: waiting on QGIS tasks and reading rendered pixels."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable

from qgis.core import QgsApplication


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> bool:
    """Process Qt events until ``condition()`` holds (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QgsApplication.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@contextmanager
def jin_algorithms():
    """JiN's Processing provider registered for the block: yields (create algorithm by id, a context
    on the current project), and unregisters it afterwards."""
    from qgis.core import QgsProcessingContext, QgsProject

    from jin_plugin.processing.provider import JinProvider

    registry = QgsApplication.processingRegistry()
    provider = JinProvider()
    registry.addProvider(provider)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    try:
        yield registry.createAlgorithmById, context
    finally:
        registry.removeProvider(provider)


@contextmanager
def answer_dialog(kind: type, answer: Callable[[object], None], ok: bool = True):
    """Answer the modal ``kind`` dialog that the block opens, as the analyst would: ``answer(dialog)``
    (ticks, edits), then OK (or Cancel). Fails if no such dialog opened."""
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox

    seen = []

    def poll(tries: int = 500) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            seen.append(dialog)
            answer(dialog)
            box = dialog.findChild(QDialogButtonBox)
            box.button(QDialogButtonBox.StandardButton.Ok if ok else QDialogButtonBox.StandardButton.Cancel).click()
        elif tries:
            QTimer.singleShot(20, lambda: poll(tries - 1))

    QTimer.singleShot(0, poll)
    yield seen
    assert seen, f"no {kind.__name__} opened"


def class_colours(layer) -> list[str]:
    """The fill colours of a JiN choropleth's value classes, lowest first."""
    from qgis.core import QgsGraduatedSymbolRenderer

    from jin_plugin.core.symbology import class_breaks

    ranges = layer.renderer().ranges() if isinstance(layer.renderer(), QgsGraduatedSymbolRenderer) else []
    return [r.symbol().color().name() for r in ranges[:len(class_breaks(layer))]]     # the ranges held: no freed copies
