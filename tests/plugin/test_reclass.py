"""Re-classing layers already on the map from the panel: the selected layers take the panel's
method and class count, the analyst chooses which layers share a scale (hidden ones start
unticked), and "Undo" puts back exactly the style that was there, in the map and in the
layer's GeoPackage. Real layers from the real hub, the real panel and dialog."""

from __future__ import annotations

from dataclasses import replace

import pytest
from qgis.core import Qgis, QgsLayerTreeModel, QgsProject, QgsReadWriteContext, QgsVectorLayer
from qgis.gui import QgsLayerTreeView
from qgis.PyQt.QtCore import QItemSelectionModel, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtXml import QDomDocument

from jin_plugin.core.releases import request_of_layer
from jin_plugin.core.symbology import SUPPRESSED_LABEL, class_breaks
from jin_plugin.core.workflow import fetch_layer_blocking
from jin_plugin.ui.dock import JinDock
from jin_plugin.ui.reclass import ScaleDialog
from tests.plugin.helpers import answer_dialog

MONTHS = ("2024-01", "2024-02", "2024-03")


def renderer_xml(layer: QgsVectorLayer) -> str:
    doc = QDomDocument()
    doc.appendChild(layer.renderer().save(doc, QgsReadWriteContext()))
    return doc.toString()


def saved_breaks(layer: QgsVectorLayer) -> list:
    """The classes of the style kept in the layer's GeoPackage, as a plain reopen reads them."""
    again = QgsVectorLayer(layer.source(), "again", "ogr")
    return class_breaks(again)


@pytest.fixture()
def panel(qgis_iface, qgis_new_project, hub_url, analyst_authcfg, jin_cache):
    """The panel, with a Layers panel, and three monthly crime-count layers added as 'Add to map' does
    (5 natural-breaks classes each, on their own values)."""
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(QgsProject.instance().layerTreeRoot(), view))      # kept by the view
    dock = JinDock(qgis_iface.messageBar(), layer_tree_view=view)
    layers = []
    for month in MONTHS:
        layer = fetch_layer_blocking(hub_url, "police_crime", "lsoa", month, "all", authcfg=analyst_authcfg,
                                     style=False)
        dock.layer_ready(layer, replace(request_of_layer(layer), measure="count"))
        layers.append(layer)
    yield dock, view, layers
    QgsProject.instance().removeAllMapLayers()
    dock.close()


def select(view: QgsLayerTreeView, layers: list[QgsVectorLayer]) -> None:
    """Select ``layers`` in the Layers panel, as a Ctrl+click on each would."""
    view.selectionModel().clearSelection()
    for layer in layers:
        index = view.node2index(QgsProject.instance().layerTreeRoot().findLayer(layer.id()))
        view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.Select)


def test_reclass_selected_layer_and_undo_restores_the_exact_style(panel, qgis_iface):
    dock, view, (jan, feb, mar) = panel
    assert len(class_breaks(jan)) == 5
    before = {layer.id(): renderer_xml(layer) for layer in (jan, feb, mar)}
    kept = saved_breaks(jan)
    assert not dock.undo_reclass_button.isEnabled()

    dock.classes.setCurrentIndex(dock.classes.findData("equal"))
    dock.class_count.setValue(3)
    select(view, [jan])
    QTest.mouseClick(dock.reclass_button, Qt.MouseButton.LeftButton)
    breaks = class_breaks(jan)
    values = [f["count"] for f in jan.getFeatures() if f["status"] == "value"]
    assert len(breaks) == 3 and breaks[0].lower == min(values) and breaks[-1].upper == max(values)
    assert breaks[1].upper - breaks[1].lower == pytest.approx(breaks[0].upper - breaks[0].lower)   # equal steps
    labels = [item.label() for item in jan.renderer().legendSymbolItems()]
    assert labels[3:6] == ["Zero", SUPPRESSED_LABEL, "No data"]          # the special entries are kept
    assert saved_breaks(jan) == breaks                                      # the GeoPackage's style follows
    assert renderer_xml(feb) == before[feb.id()] and renderer_xml(mar) == before[mar.id()]   # not selected
    assert dock.undo_reclass_button.isEnabled()

    QTest.mouseClick(dock.undo_reclass_button, Qt.MouseButton.LeftButton)
    assert renderer_xml(jan) == before[jan.id()]
    assert saved_breaks(jan) == kept
    assert not dock.undo_reclass_button.isEnabled()


def test_reclass_several_selected_and_none_selected(panel, qgis_iface):
    dock, view, (jan, feb, mar) = panel
    before = renderer_xml(mar)
    dock.class_count.setValue(4)
    select(view, [jan, feb])
    QTest.mouseClick(dock.reclass_button, Qt.MouseButton.LeftButton)
    assert len(class_breaks(jan)) == len(class_breaks(feb)) == 4 and renderer_xml(mar) == before

    select(view, [])
    dock.class_count.setValue(6)
    QTest.mouseClick(dock.reclass_button, Qt.MouseButton.LeftButton)
    assert len(class_breaks(jan)) == 4                                      # nothing selected: nothing changed
    warnings = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning)
    assert any("Select one or more JiN layers in the Layers panel" in m for m in warnings)


def test_same_scale_on_the_ticked_layers_hidden_ones_start_unticked(panel, qgis_iface):
    dock, _, (jan, feb, mar) = panel
    QgsProject.instance().layerTreeRoot().findLayer(feb.id()).setItemVisibilityChecked(False)
    originals = {layer.id(): renderer_xml(layer) for layer in (jan, feb, mar)}
    offered = {}

    def look(dialog: ScaleDialog) -> None:
        offered.update({dialog.list.item(i).text(): dialog.list.item(i).checkState()
                        for i in range(dialog.list.count())})

    with answer_dialog(ScaleDialog, look):
        dock.same_scale()
    assert offered == {jan.name(): Qt.CheckState.Checked, feb.name(): Qt.CheckState.Unchecked,
                       mar.name(): Qt.CheckState.Checked}
    assert class_breaks(jan) == class_breaks(mar) != class_breaks(feb)
    assert renderer_xml(feb) == originals[feb.id()]                          # hidden, unticked: untouched
    shared_two = {layer.id(): renderer_xml(layer) for layer in (jan, feb, mar)}

    def tick_all(dialog: ScaleDialog) -> None:
        for i in range(dialog.list.count()):
            dialog.list.item(i).setCheckState(Qt.CheckState.Checked)

    with answer_dialog(ScaleDialog, tick_all):
        dock.same_scale()
    assert class_breaks(jan) == class_breaks(feb) == class_breaks(mar)

    with answer_dialog(ScaleDialog, tick_all, ok=False):                    # Cancel: nothing changes
        dock.same_scale()
    assert class_breaks(jan) == class_breaks(feb)

    def tick_one(dialog: ScaleDialog) -> None:
        for i in range(1, dialog.list.count()):
            dialog.list.item(i).setCheckState(Qt.CheckState.Unchecked)

    dock.class_count.setValue(3)
    with answer_dialog(ScaleDialog, tick_one):                              # one layer cannot share
        dock.same_scale()
    assert len(class_breaks(jan)) == 5
    warnings = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning)
    assert any("Tick two or more layers" in m for m in warnings)

    dock.undo_reclass()                                                     # newest first
    assert {layer.id(): renderer_xml(layer) for layer in (jan, feb, mar)} == shared_two
    dock.undo_reclass()
    assert {layer.id(): renderer_xml(layer) for layer in (jan, feb, mar)} == originals
    assert not dock.undo_reclass_button.isEnabled()
