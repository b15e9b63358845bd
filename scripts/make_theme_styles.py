"""Write the JiN colour ramps as a QGIS style file (``jin_plugin/resources/jin_themes.xml``) that
analysts can import in Settings ▸ Style Manager. Run after changing ``jin_plugin/core/themes.py``."""

from __future__ import annotations

from headless import qgis_app


def main() -> None:
    from qgis.core import QgsStyle

    from jin_plugin.core.themes import STYLE_FILE, THEMES

    style = QgsStyle()
    style.createMemoryDatabase()
    for theme in THEMES.values():
        style.addColorRamp(theme.ramp_name, theme.ramp(), True)
        style.tagSymbol(QgsStyle.StyleEntity.ColorrampEntity, theme.ramp_name, ["JiN"])
    STYLE_FILE.parent.mkdir(parents=True, exist_ok=True)
    assert style.exportXml(str(STYLE_FILE)), "could not write the style file"
    print(f"wrote {len(THEMES)} ramps to {STYLE_FILE}")
    del style


if __name__ == "__main__":
    with qgis_app():
        main()
