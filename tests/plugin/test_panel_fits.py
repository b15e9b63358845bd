"""The panel on a council laptop: usable at 300 px wide and on a 1366×768 screen, whatever tab or
section is open, with every message in sight and the main controls reachable by keyboard."""

from __future__ import annotations

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QAbstractButton, QApplication, QScrollArea, QWidget

from jin_plugin.core.layers import open_layer
from jin_plugin.ui.dock import JinDock
from tests.plugin.helpers import wait_until
from tests.plugin.test_compare import layer_files  # noqa: F401  (a fixture)
from tests.plugin.test_panel import connected_dock

#: The Layers panel's default width; the JiN panel must fit where it does.
NARROW = 300
#: What is left of a 1366×768 screen for a docked panel under QGIS's menus, toolbars and status bar.
LAPTOP_HEIGHT = 560


def widest_children(widget: QWidget, n: int = 5) -> list[tuple[int, str]]:
    """The widgets whose own minimum width is largest: what to fix when the dock is too wide."""
    found = [(child.minimumSizeHint().width(), f"{type(child).__name__} {child.objectName()} "
              f"{getattr(child, 'text', lambda: '')() if isinstance(child, QAbstractButton) else ''}")
             for child in widget.findChildren(QWidget) if child.isVisibleTo(widget)]
    return sorted(found, reverse=True)[:n]


def test_the_panel_fits_a_laptop_on_every_tab(qgis_iface, hub_connection, jin_cache):
    """At the Layers panel's width and a laptop's height no tab needs sideways scrolling, with the
    advanced search open and the longest texts in the combo boxes."""
    dock = connected_dock(qgis_iface)
    dock.catalogue.select("police_crime")
    QTest.mouseClick(dock.catalogue.advanced_button, Qt.MouseButton.LeftButton)     # the widest section
    hint = dock.minimumSizeHint()
    assert hint.width() <= NARROW and hint.height() <= LAPTOP_HEIGHT, hint
    dock.resize(NARROW, LAPTOP_HEIGHT)
    for index in range(dock.tabs.count()):
        dock.tabs.setCurrentIndex(index)
        area = dock.tabs.widget(index)
        QgsApplication.processEvents()
        assert not area.horizontalScrollBar().isVisible(), (dock.tabs.tabText(index), widest_children(area))
        assert area.widget().width() <= NARROW
    dock.close()


def focus_chain(dock, start: QWidget, steps: int = 40) -> list[QWidget]:
    """The widgets the Tab key visits from ``start``, as an analyst without a mouse goes."""
    start.setFocus()
    QgsApplication.processEvents()
    seen = []
    for _ in range(steps):
        widget = QApplication.focusWidget()
        seen.append(widget)
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        QgsApplication.processEvents()
    return seen


def test_the_main_controls_answer_the_keyboard(qgis_iface, qgis_new_project, hub_connection, jin_cache):
    dock = connected_dock(qgis_iface)
    dock.activateWindow()
    assert QTest.qWaitForWindowActive(dock)
    dock.catalogue.select("police_crime")
    chain = focus_chain(dock, dock.connection)
    visited = [w for w in (dock.connect_button, dock.test_button, dock.catalogue.search, dock.catalogue.tree,
                           dock.options.categories, dock.add_button, dock.layout_button, dock.tabs.tabBar())
               if w in chain]
    assert len(visited) == 8 and [chain.index(w) for w in visited] == sorted(chain.index(w) for w in visited)
    assert not any(isinstance(w, QScrollArea) for w in chain)              # no stops on frames

    added = []
    dock.layerAdded.connect(added.append)
    QTest.keyClick(dock.catalogue.tree, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)     # Alt+A: Add to map
    assert wait_until(lambda: len(added) == 1), dock.message_line.text.text()
    dock.tabs.tabBar().setFocus()
    QTest.keyClick(dock.tabs.tabBar(), Qt.Key.Key_Right)
    assert dock.tabs.currentIndex() == 1
    dock.close()


def test_messages_stay_in_sight_on_every_tab(qgis_iface, qgis_new_project, layer_files):  # noqa: F811
    """A refused comparison is shown under the Compare tab, and stays there when QGIS pushes its own
    warnings (coordinate transforms) onto the message bar over it."""
    project = QgsProject.instance()
    (truancy,) = project.addMapLayers([open_layer(layer_files["truancy"])])
    dock = JinDock(qgis_iface.messageBar())
    dock.resize(NARROW, LAPTOP_HEIGHT)
    dock.show()
    dock.tabs.setCurrentIndex(1)
    panel = dock.compare_panel
    for box in panel.layers[:2]:
        box.setLayer(truancy)
    assert panel.compare() is None
    line = dock.message_line
    assert line.isVisible() and "are the same layer and field" in line.text.text()
    assert line.level == Qgis.MessageLevel.Warning
    qgis_iface.messageBar().pushWarning("Transformation", "Multiple operations are possible")
    QgsApplication.processEvents()
    assert line.isVisible() and "are the same layer and field" in line.text.text()
    QTest.mouseClick(line.close_button, Qt.MouseButton.LeftButton)
    assert not line.isVisible()
    project.removeAllMapLayers()
    dock.close()
