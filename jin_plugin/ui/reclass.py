"""Re-class JiN layers already on the map, share one scale between chosen layers, and undo.

The panel's method and class count apply to the layers selected in the Layers panel, or, for a
shared scale, to the layers of one measure the analyst ticks (hidden ones start unticked: a map
not shown should not move another's classes). Each re-class first keeps every touched layer's
whole style (``QgsMapLayerStyle``), so "Undo re-class" puts back exactly what was there, newest
first, and the style kept in the layer's GeoPackage follows.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsFeatureRenderer, QgsMapLayerStyle, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..core.reference_style import indicator_of_layer
from ..core.symbology import ClassBreak, apply_choropleth, save_style, shared_breaks
from ..i18n import tr


def styled_field(layer: QgsVectorLayer) -> str:
    """The field a JiN choropleth maps ("count", "rate", a local value), "" for other layers."""
    return str(layer.customProperty("jin/styled_field", "") or "")


def reclassable(layer: QgsVectorLayer) -> bool:
    """A JiN choropleth (fetched or local): reference layers keep their own fixed scales."""
    return isinstance(layer, QgsVectorLayer) and bool(styled_field(layer)) and not indicator_of_layer(layer)


def _status_field(layer: QgsVectorLayer) -> str:
    return str(layer.customProperty("jin/status_field", "") or "status")


class StyleHistory:
    """The styles re-classing replaced, one step per action, newest last: each layer's whole style,
    and its renderer as an object too, since QGIS's renderer XML does not carry everything back
    (QGIS 3.40 reads the classification's label settings back changed)."""

    def __init__(self) -> None:
        self._steps: list[list[tuple[str, QgsMapLayerStyle, QgsFeatureRenderer]]] = []

    def can_undo(self) -> bool:
        return bool(self._steps)

    def remember(self, layers: list[QgsVectorLayer]) -> None:
        step = []
        for layer in layers:
            style = QgsMapLayerStyle()
            style.readFromLayer(layer)
            step.append((layer.id(), style, layer.renderer().clone()))
        self._steps.append(step)

    def undo(self, project: Optional[QgsProject] = None) -> list[QgsVectorLayer]:
        """Put back the styles of the newest step; returns the layers still in the project."""
        if not self._steps:
            return []
        project = project or QgsProject.instance()
        restored = []
        for layer_id, style, renderer in self._steps.pop():
            layer = project.mapLayer(layer_id)
            if layer is None:                   # removed since: nothing to put back
                continue
            style.writeToLayer(layer)
            layer.setRenderer(renderer)         # the layer owns it from here
            layer.triggerRepaint()
            _keep(layer)
            restored.append(layer)
        return restored


def _keep(layer: QgsVectorLayer) -> str:
    """Keep the layer's new style in its GeoPackage; a problem is returned, not raised."""
    try:
        save_style(layer)
    except OSError as exc:
        return str(exc)
    return ""


def reclass(layers: list[QgsVectorLayer], n_classes: int, method: str, history: StyleHistory,
            breaks: Optional[list[ClassBreak]] = None) -> list[str]:
    """Re-class ``layers`` (each on its own values, or all on ``breaks``), remembering their styles
    first; returns the problems met keeping the styles."""
    history.remember(layers)
    problems = []
    for layer in layers:
        apply_choropleth(layer, styled_field(layer), n_classes, method, breaks=breaks, status=_status_field(layer))
        problems.append(_keep(layer))
    return [p for p in problems if p]


def share_scale(layers: list[QgsVectorLayer], n_classes: int, method: str,
                history: StyleHistory) -> tuple[list[ClassBreak], list[str]]:
    """One set of classes over ``layers`` (one measure), applied to each of them; returns the classes
    and the problems met keeping the styles."""
    breaks = shared_breaks(layers, styled_field(layers[0]), n_classes, method)
    return breaks, reclass(layers, n_classes, method, history, breaks)


def same_measure(layer: QgsVectorLayer, candidates: list[QgsVectorLayer]) -> list[QgsVectorLayer]:
    """The JiN choropleths among ``candidates`` mapping ``layer``'s field, ``layer`` first."""
    field = styled_field(layer)
    if not reclassable(layer):
        return []
    return [layer, *(lyr for lyr in candidates if lyr is not layer and reclassable(lyr) and styled_field(lyr) == field)]


class ScaleDialog(QDialog):
    """Tick the layers that share one scale; the visible ones start ticked."""

    def __init__(self, layers: list[QgsVectorLayer], project: Optional[QgsProject] = None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Same scale"))
        root = (project or QgsProject.instance()).layerTreeRoot()
        layout = QVBoxLayout(self)
        note = QLabel(tr("Tick the layers that should share one set of classes, so their maps compare."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.list = QListWidget()
        self._layers = layers
        for layer in layers:
            item = QListWidgetItem(layer.name())
            item.setToolTip(layer.name())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            node = root.findLayer(layer.id())
            visible = node is not None and node.isVisible()
            item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def chosen(self) -> list[QgsVectorLayer]:
        return [layer for i, layer in enumerate(self._layers)
                if self.list.item(i).checkState() == Qt.CheckState.Checked]
