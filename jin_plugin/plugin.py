"""The plugin class QGIS loads: one action (menu + toolbar) toggling the JiN dock panel, the
Processing provider, and the Browser's JiN entries (with their drag-and-drop handler).

Everything ``initGui`` adds, ``unload`` removes, so reloading the plugin leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication, QgsSettings, QgsStyle
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon

from .core.compat import QAction
from .core.themes import register_ramps, unregister_ramps
from .i18n import install_translator, tr
from .processing.provider import JinProvider
from .ui.browser import JinDataItemProvider, JinDropHandler, LayerOpener
from .ui.dock import JinDock

MENU = "&JiN"
ICON = Path(__file__).parent / "icons" / "jin.svg"

#: Whether the analyst left the panel open, so that it opens again when QGIS starts.
PANEL_OPEN = "jin/panel_open"


def remember_panel(visible: bool) -> None:
    """Keep the panel's state as the analyst left it (QGIS closing or unloading the plugin hides
    it too: that is not the analyst's choice, so only their clicks are remembered)."""
    QgsSettings().setValue(PANEL_OPEN, bool(visible))


class JinPlugin:
    """Owns the action and the dock; created by ``classFactory``."""

    def __init__(self, iface):
        self.iface = iface
        self.action: Optional[QAction] = None
        self.dock: Optional[JinDock] = None
        self.provider: Optional[JinProvider] = None
        self.browser_provider: Optional[JinDataItemProvider] = None
        self.drop_handler: Optional[JinDropHandler] = None
        self.ramps: list[str] = []                  # the JiN ramps added to the Style Manager
        self.translator = install_translator()      # before any widget or algorithm reads a label

    def initProcessing(self) -> None:
        """Register the Processing algorithms (QGIS calls this also when only Processing loads)."""
        if self.provider is None:
            self.provider = JinProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:
        self.initProcessing()
        self.action = QAction(QIcon(str(ICON)), tr("JiN panel"), self.iface.mainWindow())
        self.action.setObjectName("JinTogglePanel")
        self.action.setCheckable(True)
        self.action.setToolTip(tr("Show or hide the JiN panel (community-safety data hub)"))
        self.action.toggled.connect(self.toggle_dock)
        self.action.triggered.connect(remember_panel)          # the analyst's own click, not a restore
        self.iface.addPluginToWebMenu(MENU, self.action)
        self.iface.addWebToolBarIcon(self.action)
        self.drop_handler = JinDropHandler(LayerOpener(self.iface.messageBar()))
        self.iface.registerCustomDropHandler(self.drop_handler)
        self.browser_provider = JinDataItemProvider(self.drop_handler.opener)
        QgsApplication.dataItemProviderRegistry().addProvider(self.browser_provider)
        self.ramps = register_ramps(QgsStyle.defaultStyle())
        if QgsSettings().value(PANEL_OPEN, False, type=bool):   # open at the last exit: open again
            self.action.setChecked(True)

    def toggle_dock(self, visible: bool) -> None:
        if self.dock is None:
            self.dock = JinDock(self.iface.messageBar(), self.iface.mainWindow(), self.iface.openLayoutDesigner,
                                self.iface.mapCanvas(), self.iface.layerTreeView())
            self.dock.visibilityChanged.connect(self._sync_action)
            self.dock.closed.connect(lambda: remember_panel(False))          # its own close button
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.setVisible(visible)

    def _sync_action(self, visible: bool) -> None:
        if self.action is not None and self.action.isChecked() != visible:
            self.action.setChecked(visible)

    def unload(self) -> None:
        unregister_ramps(QgsStyle.defaultStyle(), self.ramps)
        self.ramps = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.browser_provider is not None:
            QgsApplication.dataItemProviderRegistry().removeProvider(self.browser_provider)   # deletes it
            self.browser_provider = None
        if self.drop_handler is not None:
            self.drop_handler.opener.cancel_all()
            self.iface.unregisterCustomDropHandler(self.drop_handler)
            self.drop_handler = None
        if self.dock is not None:
            for task in list(self.dock.tasks):
                task.cancel()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.action is not None:
            self.iface.removePluginWebMenu(MENU, self.action)
            self.iface.removeWebToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
