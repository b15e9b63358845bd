"""Where fetched JiN layers go in the project: themed, styled for keeps, and in the "JiN" group.

Shared by the panel, the Browser and Processing so a layer looks the same however it was added.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import NULL, Qgis, QgsProject, QgsVectorLayer

from ..i18n import tr
from .layers import provenance_of, request_of
from .naming import unique
from .reference_style import apply_reference_style, indicator_of_layer
from .symbology import apply_choropleth, apply_labels, save_style
from .withheld import withheld_warning

GROUP_NAME = "JiN"


def unique_name(layer: QgsVectorLayer, project: QgsProject) -> str:
    """``layer``'s name, told apart from the project's other layers: a clash with another dataset's
    layer adds the dataset's title (two forces' "Burglary"), any other clash a number."""
    taken = {other.name() for other in project.mapLayers().values() if other.id() != layer.id()}
    name = layer.name()
    if name not in taken:
        return name
    title = layer.customProperty("jin/dataset_title", "")
    if title and title not in name and not any(
            other.name() == name and other.customProperty("jin/dataset_title", "") == title
            for other in project.mapLayers().values()):
        name = f"{name} — {title}"
    return unique(name, taken)


def add_to_jin_group(layer: QgsVectorLayer, project: Optional[QgsProject] = None) -> None:
    """Add ``layer`` at the top of the project's JiN group (made on first use, at the top), under a
    name no other layer of the project has, so the Layers panel and pickers never show twins."""
    project = project or QgsProject.instance()
    layer.setName(unique_name(layer, project))
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
    GeoPackage; returns a warning for the analyst (most areas withheld, style not kept), or "" when
    all went well."""
    warning = ""
    if indicator_of_layer(layer):
        apply_reference_style(layer)            # a reference layer: its indicator, the worse end darkest
    else:
        info = provenance_of(layer)
        if info is not None:
            warning = withheld_warning(layer, info["entry"], request_of(info), info["period"])
        if measure == "rate" and not any(f["rate"] not in (None, NULL) for f in layer.getFeatures()):
            measure = "count"                   # no denominator for this dataset: counts it is
        apply_choropleth(layer, measure, n_classes, method, breaks=breaks)
    if labels:
        apply_labels(layer, "area_name")
    try:
        save_style(layer)                       # the style travels with the cached GeoPackage
    except OSError as exc:
        warning = " ".join(filter(None, [warning, tr("The layer's style could not be kept with it: {error}")
                                         .format(error=exc)]))
    return warning


def added_message(layer: QgsVectorLayer, warning: str) -> tuple[str, Qgis.MessageLevel]:
    """What to tell the analyst about a fetched layer: a success, or a warning when ``warning`` (from
    ``style_fetched``) says the map needs a second look."""
    text = tr("Added “{name}” ({n} areas).").format(name=layer.name(), n=layer.featureCount())
    return (f"{text} {warning}", Qgis.MessageLevel.Warning) if warning else (text, Qgis.MessageLevel.Success)
