"""Write the JiN layout templates (``jin_plugin/resources/layouts/jin-<page>.qpt``) from
``jin_plugin.core.layouts.build_template``. Run after changing the template layout."""

from __future__ import annotations

from headless import qgis_app


def main() -> None:
    from qgis.core import QgsProject, QgsReadWriteContext

    from jin_plugin.core.layouts import PAGES, TEMPLATE_DIR, build_template

    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    for page in PAGES:
        layout = build_template(QgsProject.instance(), page)
        path = TEMPLATE_DIR / f"jin-{page}.qpt"
        assert layout.saveAsTemplate(str(path), QgsReadWriteContext()), path
        print(f"wrote {path}")
        del layout


if __name__ == "__main__":
    with qgis_app():
        main()
