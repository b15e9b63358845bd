"""The plugin's help pages, shipped inside it (plain HTML and CSS, nothing fetched) so they open
offline and on locked-down PCs: the panel's Help button and every algorithm's help link here."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QUrl

HELP_DIR = Path(__file__).resolve().parent


def help_url(page: str = "index.html", anchor: str = "") -> QUrl:
    """The local file URL of ``page`` (at ``anchor``, an element id on it)."""
    url = QUrl.fromLocalFile(str(HELP_DIR / page))
    if anchor:
        url.setFragment(anchor)
    return url
