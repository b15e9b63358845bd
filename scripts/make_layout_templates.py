"""Write the JiN layout templates (``jin_plugin/resources/layouts/jin-<page>.qpt``) from
``jin_plugin.core.layouts.build_template``. Run after changing the template layout."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from qgis.core import QgsApplication, QgsProject, QgsReadWriteContext

    from jin_plugin.core.layouts import PAGES, TEMPLATE_DIR, build_template

    app = QgsApplication([], False, tempfile.mkdtemp())
    app.initQgis()
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    for page in PAGES:
        layout = build_template(QgsProject.instance(), page)
        path = TEMPLATE_DIR / f"jin-{page}.qpt"
        assert layout.saveAsTemplate(str(path), QgsReadWriteContext()), path
        print(f"wrote {path}")
        del layout
    app.exitQgis()


if __name__ == "__main__":
    main()
