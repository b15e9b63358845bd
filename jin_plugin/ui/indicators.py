"""Layer-tree marks on JiN layers: each is a cached copy that works offline, so say which release
it is and when it was fetched, and flag the ones the hub has a newer release of."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
from qgis.gui import QgsLayerTreeView, QgsLayerTreeViewIndicator
from qgis.PyQt.QtGui import QIcon

from ..core.when import readable_moment, release_words
from ..i18n import tr

ICON = Path(__file__).resolve().parents[1] / "icons" / "jin.svg"


def cached_tooltip(layer: QgsVectorLayer, newer: bool) -> str:
    """A few short lines: that the layer opens offline, which release, when fetched, from where."""
    released = release_words(str(layer.customProperty("jin/release_created", "") or ""),
                             str(layer.customProperty("jin/release", "") or ""))
    fetched = readable_moment(str(layer.customProperty("jin/fetched", "") or ""))
    hub = layer.customProperty("jin/hub_url", "")
    lines = [tr("A newer release is on the hub: JiN panel ▸ Refresh JiN layers.")] if newer else []
    lines.append(tr("JiN layer cached on this PC: it opens offline."))
    if released and fetched:
        lines.append(tr("Released {date}, fetched {fetched}.").format(date=released, fetched=fetched))
    elif released or fetched:
        lines.append(tr("Released {date}.").format(date=released) if released
                     else tr("Fetched {fetched}.").format(fetched=fetched))
    lines.append(tr("Hub: {hub}").format(hub=hub))
    return "\n".join(lines)


class CacheIndicators:
    """One indicator per JiN layer in a layer tree view, updated on demand."""

    def __init__(self, view: QgsLayerTreeView):
        self.view = view
        self.placed: dict[str, QgsLayerTreeViewIndicator] = {}      # layer id -> indicator

    def update(self, layers: list[QgsVectorLayer], stale) -> None:
        root = QgsProject.instance().layerTreeRoot()
        for layer_id, indicator in list(self.placed.items()):     # forget layers that went away
            node = root.findLayer(layer_id)
            if node is not None:
                self.view.removeIndicator(node, indicator)
            del self.placed[layer_id]
        for layer in layers:
            node = root.findLayer(layer.id())
            if node is None or not layer.customProperty("jin/release"):
                continue
            indicator = QgsLayerTreeViewIndicator(self.view)
            newer = layer in stale
            indicator.setIcon(QgsApplication.getThemeIcon("/mIconWarning.svg") if newer else QIcon(str(ICON)))
            indicator.setToolTip(cached_tooltip(layer, newer))
            self.view.addIndicator(node, indicator)
            self.placed[layer.id()] = indicator
