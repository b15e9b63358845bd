"""Which JiN layer a print layout is made for: the one selected in the Layers panel, else the
analyst's choice (asked when none or several are selected and there is more than one)."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsVectorLayer
from qgis.PyQt.QtWidgets import QInputDialog, QWidget

from ..core.naming import unique
from ..i18n import tr


def layer_for_layout(candidates: list[QgsVectorLayer], view=None,
                     parent: Optional[QWidget] = None) -> Optional[QgsVectorLayer]:
    """The only one of ``candidates`` selected in ``view`` (a QgsLayerTreeView); else the only
    candidate; else the one the analyst picks (among the selected ones when several are), the view's
    current layer offered first (None if they cancel). The current layer alone is not enough: it is
    almost always set, even when nothing is selected."""
    selected = [c for c in candidates if any(s is c for s in view.selectedLayers())] if view is not None else []
    if len(selected) == 1:
        return selected[0]
    candidates = selected or candidates            # several selected: the choice is among them
    if len(candidates) == 1:
        return candidates[0]
    names: list[str] = []
    for layer in candidates:                       # identical names told apart by a number
        names.append(unique(layer.name(), names))
    current = view.currentLayer() if view is not None else None
    first = next((i for i, c in enumerate(candidates) if c is current), 0)
    name, ok = QInputDialog.getItem(parent, tr("Print layout"), tr("Make the layout for which layer?"), names, first,
                                    False)
    return candidates[names.index(name)] if ok and name in names else None
