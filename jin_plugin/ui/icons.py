"""The plugin's icons: the JiN logo and one per catalogue theme (crime, ASB, fire, education,
population, reference), shared by the panel and the Browser. QIcon is GUI-only: call from the GUI thread."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtGui import QIcon

ICONS = Path(__file__).resolve().parents[1] / "icons"
LOGO = ICONS / "jin.svg"


def theme_icon(theme: str) -> QIcon:
    path = ICONS / f"theme_{theme}.svg"
    return QIcon(str(path if path.exists() else LOGO))
