"""The plugin loads, its panel opens and lists the hub's catalogue, and unload leaves nothing behind."""

from __future__ import annotations

import configparser
import subprocess
import sys
import zipfile

from qgis.core import QgsSettings, QgsStyle
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QAction, QDockWidget

import jin_plugin
from jin_plugin.plugin import PANEL_OPEN
from tests.conftest import ROOT


def test_metadata_is_complete():
    meta = configparser.ConfigParser()
    meta.read(ROOT / "jin_plugin/metadata.txt", encoding="utf-8")
    general = meta["general"]
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email", "tracker",
                "repository", "homepage", "category", "icon", "experimental", "tags", "changelog"):
        assert general.get(key), key
    assert general["qgisMinimumVersion"] == "3.22"
    assert (ROOT / "jin_plugin" / general["icon"]).exists()


def test_load_toggle_and_unload(qgis_iface):
    style = QgsStyle.defaultStyle()
    plugin = jin_plugin.classFactory(qgis_iface)
    plugin.initGui()
    window = qgis_iface.mainWindow()
    assert {"JiN Crime", "JiN Anti-social behaviour"} <= set(style.colorRampNames())   # in the Style Manager
    assert "JiN Crime" in style.symbolsWithTag(QgsStyle.StyleEntity.ColorrampEntity, style.tagId("JiN"))
    assert plugin.action is not None and plugin.dock is None      # nothing heavy at start-up
    qgis_iface.addPluginToWebMenu.assert_called_with("&JiN", plugin.action)
    plugin.action.trigger()
    assert plugin.dock is not None and not plugin.dock.isHidden()
    plugin.action.trigger()
    assert plugin.dock.isHidden()
    action = plugin.action
    plugin.unload()
    qgis_iface.removePluginWebMenu.assert_called_with("&JiN", action)
    qgis_iface.removeWebToolBarIcon.assert_called_with(action)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not window.findChildren(QDockWidget, "JinDock")
    assert not window.findChildren(QAction, "JinTogglePanel")
    assert plugin.dock is None and plugin.action is None
    assert not [n for n in style.colorRampNames() if n.startswith("JiN ")]                 # taken back


def test_package_zip_installs_and_imports(tmp_path):
    out = subprocess.run([sys.executable, "scripts/package_plugin.py", "--install", "--plugins-dir",
                          str(tmp_path / "plugins")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    zip_path = next((ROOT / "dist").glob("jin_plugin-*.zip"))
    names = zipfile.ZipFile(zip_path).namelist()
    assert "jin_plugin/metadata.txt" in names and "jin_plugin/icons/jin.svg" in names
    assert all(n.startswith("jin_plugin/") for n in names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "tests" in n]
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import jin_plugin, jin_plugin.plugin, "
             "jin_plugin.ui.dock, jin_plugin.core.workflow; assert jin_plugin.__file__.startswith(sys.argv[1]); "
             "print('ok', callable(jin_plugin.classFactory))")
    run = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "plugins")], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok True"


def test_the_panel_opens_again_as_the_analyst_left_it(qgis_iface):
    """Left open, the panel opens at the next start; closed by the analyst, it stays closed. QGIS
    unloading the plugin (or closing) is not the analyst's choice and changes nothing."""
    settings = QgsSettings()
    settings.setValue(PANEL_OPEN, True)
    plugin = jin_plugin.classFactory(qgis_iface)
    plugin.initGui()
    assert plugin.dock is not None and not plugin.dock.isHidden() and plugin.action.isChecked()
    plugin.unload()
    assert settings.value(PANEL_OPEN, type=bool) is True
    plugin = jin_plugin.classFactory(qgis_iface)
    plugin.initGui()
    plugin.action.trigger()                              # the analyst closes it
    assert plugin.dock.isHidden() and settings.value(PANEL_OPEN, type=bool) is False
    plugin.unload()
    plugin = jin_plugin.classFactory(qgis_iface)
    plugin.initGui()
    assert plugin.dock is None                           # nothing heavy at start-up when it was closed
    plugin.unload()
