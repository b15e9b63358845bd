"""Which JiN layer a print layout is made for: the one selected in the Layers panel, else the
analyst's choice (asked only when there is more than one)."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsVectorLayer
from qgis.PyQt.QtWidgets import QInputDialog, QWidget

from ..i18n import tr


def layer_for_layout(candidates: list[QgsVectorLayer], view=None,
                     parent: Optional[QWidget] = None) -> Optional[QgsVectorLayer]:
    """The current or only selected layer of ``view`` (a QgsLayerTreeView) among ``candidates``;
    else the only candidate; else the one the analyst picks (None if they cancel)."""
    if view is not None:
        current = view.currentLayer()
        if any(current is c for c in candidates):
            return current
        selected = [c for c in candidates if any(s is c for s in view.selectedLayers())]
        candidates = selected or candidates
    if len(candidates) == 1:
        return candidates[0]
    names: list[str] = []
    for layer in candidates:                       # identical names told apart by their place in the list
        name = layer.name()
        names.append(name if name not in names else f"{name} ({len(names) + 1})")
    name, ok = QInputDialog.getItem(parent, tr("Print layout"), tr("Make the layout for which layer?"), names, 0,
                                    False)
    return candidates[names.index(name)] if ok and name in names else None
