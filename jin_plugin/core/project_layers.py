"""Where fetched JiN layers go in the project: themed, styled for keeps, and in the "JiN" group.

Shared by the panel, the Browser and Processing so a layer looks the same however it was added.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import NULL, QgsProject, QgsVectorLayer

from ..i18n import tr
from .reference_style import apply_reference_style, indicator_of_layer
from .symbology import apply_choropleth, apply_labels, save_style

GROUP_NAME = "JiN"


def add_to_jin_group(layer: QgsVectorLayer, project: Optional[QgsProject] = None) -> None:
    """Add ``layer`` at the top of the project's JiN group (made on first use, at the top)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    group = root.findGroup(GROUP_NAME) or root.insertGroup(0, GROUP_NAME)
    project.addMapLayer(layer, False)
    group.insertLayer(0, layer)


def jin_layers(project: Optional[QgsProject] = None) -> list[QgsVectorLayer]:
    """The layers in the JiN group, top first."""
    group = (project or QgsProject.instance()).layerTreeRoot().findGroup(GROUP_NAME)
    return [node.layer() for node in group.findLayers()] if group else []


def style_fetched(layer: QgsVectorLayer, measure: str = "count", n_classes: int = 5, method: str = "jenks",
                  labels: bool = False, breaks=None) -> str:
    """Theme ``layer`` by ``measure`` (count where the dataset has no rates) and keep the style in its
    GeoPackage; returns a warning for the analyst, or "" when all went well."""
    if indicator_of_layer(layer):
        apply_reference_style(layer)            # a reference layer: its indicator, the worse end darkest
    else:
        if measure == "rate" and not any(f["rate"] not in (None, NULL) for f in layer.getFeatures()):
            measure = "count"                   # no denominator for this dataset: counts it is
        apply_choropleth(layer, measure, n_classes, method, breaks=breaks)
    if labels:
        apply_labels(layer, "area_name")
    try:
        save_style(layer)                       # the style travels with the cached GeoPackage
    except OSError as exc:
        return tr("The layer's style could not be kept with it: {error}").format(error=exc)
    return ""
