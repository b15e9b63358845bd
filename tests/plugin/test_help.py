"""Help: every Processing algorithm explains itself and links to its section of the help shipped
in the plugin, the panel's Help button opens the section of the tab on show, and the help pages
work offline (every link resolves to a shipped file and anchor, nothing is fetched)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QObject, Qt, QUrl, pyqtSlot
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QLabel, QPushButton

from jin_plugin.help import HELP_DIR
from jin_plugin.i18n import I18N_DIR
from jin_plugin.processing.provider import JinProvider
from jin_plugin.ui.dock import JinDock
from tests.conftest import ROOT


class Page(HTMLParser):
    """The element ids and the link/resource targets of one help page."""

    def __init__(self, path: Path):
        super().__init__()
        self.ids: set[str] = set()
        self.targets: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        self.targets += [attrs[k] for k in ("href", "src") if attrs.get(k)]


def resolves(url: QUrl) -> bool:
    """A local file that exists and, if the URL has a fragment, holds an element with that id."""
    path = Path(url.toLocalFile())
    return url.isLocalFile() and path.is_file() and (not url.fragment() or url.fragment() in Page(path).ids)


def test_every_algorithm_has_help_and_a_link_to_its_section():
    provider = JinProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        algorithms = provider.algorithms()
        assert len(algorithms) == 9
        for alg in algorithms:
            text = alg.shortHelpString()
            assert len(text) > 200 and "Inputs:" in text and "Disclosure control:" in text, alg.id()
            assert "Output" in text, alg.id()
            url = QUrl(alg.helpUrl())
            assert url.fragment() == alg.name() and resolves(url), (alg.id(), alg.helpUrl())
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)


def test_the_help_pages_link_only_to_themselves():
    pages = sorted(HELP_DIR.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "processing.html"}
    for page in pages:
        for target in Page(page).targets:
            assert "://" not in target and not target.startswith("//"), (page.name, target)   # offline
            url = QUrl.fromLocalFile(str(page)).resolved(QUrl(target))
            assert resolves(url), (page.name, target)


class Opened(QObject):
    """Receives what QDesktopServices would open (Qt's own hook for a URL scheme)."""

    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @pyqtSlot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_the_help_button_opens_the_section_of_each_tab(qgis_iface):
    dock = JinDock(qgis_iface.messageBar())
    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        assert dock.tabs.cornerWidget() is dock.help_button                 # beside the tabs, on every tab
        for i in range(dock.tabs.count()):
            dock.tabs.setCurrentIndex(i)
            QTest.mouseClick(dock.help_button, Qt.MouseButton.LeftButton)
            assert len(opened.urls) == i + 1
            url = opened.urls[-1]
            assert Path(url.toLocalFile()).parent == HELP_DIR and url.fragment() and resolves(url), url.toString()
        assert len({u.fragment() for u in opened.urls}) == dock.tabs.count()     # one section per tab
    finally:
        QDesktopServices.unsetUrlHandler("file")
        dock.deleteLater()



def test_the_help_names_every_button_of_the_panel_and_says_what_it_does(qgis_iface):
    """Each of the panel's buttons and its Results folder is in the help, and the print layout is
    described as the code makes it (the selected layer, a locator, the note in plain words)."""
    dock = JinDock(qgis_iface.messageBar())
    try:
        text = " ".join(re.sub(r"<[^>]+>", "", (HELP_DIR / "index.html").read_text(encoding="utf-8")).split())
        shown = {b.text().replace("&", "") for b in dock.findChildren(QPushButton) if b.text()}
        shown |= {label.text() for label in dock.findChildren(QLabel) if label.text() == "Results folder"}
        assert "Results folder" in shown and {"Re-class selected", "Undo", "Print layout"} <= shown
        assert not {name for name in shown if name not in text}
        assert "JiN results" in text and "selected in the Layers panel" in text and "county locator" in text
        for stale in ("newest JiN layer", "county inset", "the disclosure rule, the", "every JiN layer of"):
            assert stale not in text, stale
        assert "newest" not in dock.layout_button.toolTip() and "selected" in dock.layout_button.toolTip()
    finally:
        dock.deleteLater()


def test_the_plugin_zip_ships_the_help_and_translations(tmp_path):
    probe = ("import sys, pathlib; sys.path.insert(0, 'scripts'); import package_plugin; "
             "print(package_plugin.build(pathlib.Path(sys.argv[1])))")
    out = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    names = set(zipfile.ZipFile(out.stdout.strip()).namelist())
    shipped = {f"jin_plugin/help/{p.name}" for p in HELP_DIR.iterdir() if p.suffix in (".html", ".css")}
    shipped |= {f"jin_plugin/i18n/{p.name}" for p in I18N_DIR.iterdir()}
    assert "jin_plugin/help/index.html" in shipped and "jin_plugin/i18n/jin_en.ts" in shipped
    assert shipped <= names, shipped - names
