"""Join and Count in the background: the result is built and written in a ``QgsTask`` worker (a
county of areas or a year of incidents would freeze QGIS on the GUI thread), then opened and
themed on the GUI thread."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from .local_data import LocalDataError, Plan, Report, build, open_result
from .safe_task import SafeTask


class LocalTask(SafeTask):
    """Build ``plan`` (read from the layers with ``plan_join`` or ``plan_count`` on the GUI thread)."""

    done = pyqtSignal(object, object)          # the result layer, its Report

    def __init__(self, description: str, plan: Plan):
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.plan = plan
        self.report: Optional[Report] = None

    def work(self) -> bool:
        try:
            self.report = build(self.plan, self.isCanceled)
            return True
        except InterruptedError:
            pass                                    # cancelled: SafeTask reports it, deliver is not called
        except LocalDataError as exc:
            self.error = str(exc)
        return False

    def deliver(self, ok: bool) -> None:
        if not ok:
            self.failed.emit(self.error)
            return
        try:
            layer = open_result(self.plan)
        except LocalDataError as exc:
            self.failed.emit(str(exc))
            return
        self.done.emit(layer, self.report)
