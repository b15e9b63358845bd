"""What the maintenance scripts share: the repository on ``sys.path``, Qt offscreen, and a headless
QGIS on a throwaway profile (never the user's)."""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@contextmanager
def qgis_app():
    """A started QGIS application, exited (after the caller has dropped its QGIS objects) on leaving."""
    from jin_plugin.core.qgis_profile import check_own_folder, use_own_folder

    folder = Path(tempfile.mkdtemp(prefix="jin-qgis-"))
    use_own_folder(folder)                      # QGIS 3.40+ ignores the profile argument below
    from qgis.core import QgsApplication

    app = QgsApplication([], False, str(folder))
    app.initQgis()
    check_own_folder(folder)
    try:
        yield app
    finally:
        app.exitQgis()
