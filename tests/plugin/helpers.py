"""Test helpers: waiting on QGIS tasks and reading rendered pixels."""

from __future__ import annotations

import time
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
