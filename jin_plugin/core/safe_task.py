"""Background tasks that cannot take QGIS down.

``QgsTask.run`` and ``finished`` are C++ virtuals: an exception escaping the Python override
aborts QGIS (and the analyst's unsaved project with it). ``SafeTask`` catches every exception
there, keeps the traceback in QGIS's log and turns it into a plain ``error`` message.
"""

from __future__ import annotations

import traceback

from qgis.core import Qgis, QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..i18n import tr

LOG_TAG = "JiN"


class SafeTask(QgsTask):
    """Subclasses implement ``work`` (worker thread) and ``deliver`` (GUI thread) instead of
    ``run`` and ``finished``; both may raise. ``failed`` carries the message when ``deliver`` raises."""

    failed = pyqtSignal(str)
    error = ""

    def work(self) -> bool:
        raise NotImplementedError

    def deliver(self, ok: bool) -> None:
        """Hand the result over on the GUI thread (``ok`` is what ``work`` returned)."""

    def run(self) -> bool:
        try:
            return bool(self.work())
        except Exception as exc:
            self.error = self._unexpected(exc)
            return False

    def finished(self, ok: bool) -> None:
        try:
            self.deliver(ok)
        except Exception as exc:
            self.error = self._unexpected(exc)
            self.failed.emit(self.error)

    def _unexpected(self, exc: Exception) -> str:
        QgsMessageLog.logMessage(f"{self.description()}:\n{traceback.format_exc()}", LOG_TAG,
                                 Qgis.MessageLevel.Critical)
        return tr("{task} stopped on an unexpected error ({error}). The details are in the '{tab}' tab of the Log "
                  "Messages panel: please send them to your hub administrator.").format(
            task=self.description(), error=f"{type(exc).__name__}: {exc}", tab=LOG_TAG)
