"""Background tasks that cannot take QGIS down, and whose cancel is not a failure.

``QgsTask.run`` and ``finished`` are C++ virtuals: an exception escaping the Python override
aborts QGIS (and the analyst's unsaved project with it). ``SafeTask`` catches every exception
there, keeps the traceback in QGIS's log and turns it into a plain ``error`` message.

A cancelled task ends as QGIS's "terminated" (``run`` returns False: nothing was made), but it is
reported as ``cancelled`` (a short notice), never as ``failed``; the task is ``Silent`` so that QGIS
adds no "Task failed" notification of its own (JiN reports every outcome in its message bar).
"""

from __future__ import annotations

import traceback

from qgis.core import Qgis, QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..i18n import tr
from .compat import TASK_SILENT

LOG_TAG = "JiN"


class SafeTask(QgsTask):
    """Subclasses implement ``work`` (worker thread) and ``deliver`` (GUI thread) instead of
    ``run`` and ``finished``; both may raise. ``failed`` carries the message when the work fails
    (``deliver`` emits it) or ``deliver`` raises; ``cancelled`` the notice when the analyst cancelled."""

    failed = pyqtSignal(str)
    cancelled = pyqtSignal(str)
    error = ""

    def __init__(self, description: str, flags=QgsTask.Flag.CanCancel):
        super().__init__(description, flags | TASK_SILENT)

    def work(self) -> bool:
        raise NotImplementedError

    def deliver(self, ok: bool) -> None:
        """Hand the result over on the GUI thread (``ok`` is what ``work`` returned; never called
        after a cancel that stopped the work)."""

    def run(self) -> bool:
        try:
            return bool(self.work())
        except Exception as exc:
            if not self.isCanceled():           # after a cancel, an error is its echo, not a fault
                self.error = self._unexpected(exc)
            return False

    def finished(self, ok: bool) -> None:
        if not ok and self.isCanceled():
            task = self.description()
            self.error = tr("Cancelled: {task}.").format(task=task[len("JiN: "):] if task.startswith("JiN: ")
                                                          else task)
            self.cancelled.emit(self.error)
            return
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
