"""Layer pickers that never choose for the analyst.

A QgsMapLayerComboBox shows the project's first layer as soon as one exists, and when the shown layer
is removed it moves on to a neighbour. For an optional input that silently adds a layer to the
analysis, and for a pair of inputs it shows the same layer twice. These helpers keep optional inputs
empty unless a layer is chosen, spread required inputs over different layers, and name a repeated
input before anything runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from qgis.gui import QgsFieldComboBox, QgsMapLayerComboBox

from ..core.compare import CompareError
from ..i18n import tr


def _listed(box: QgsMapLayerComboBox) -> list:
    return [box.layer(i) for i in range(box.count()) if box.layer(i) is not None]


def show_empty(box: QgsMapLayerComboBox) -> None:
    """Select the box's empty entry (the box must allow an empty layer), and say so: QGIS 3.22 signals
    a layer change only for the user's picks and for ``setLayer`` with a layer."""
    box.setCurrentIndex(next((i for i in range(box.count()) if box.layer(i) is None), -1))
    box.layerChanged.emit(None)


def keep_optional(box: QgsMapLayerComboBox) -> None:
    """Empty now, and empty again when the chosen layer leaves the project (the box would otherwise
    show the layer that takes its row, without even signalling a change)."""
    box.setAllowEmptyLayer(True)
    show_empty(box)
    chosen: Optional[str] = None

    def changed(layer) -> None:
        nonlocal chosen
        chosen = layer.id() if layer is not None else None

    def removed(*_args) -> None:
        if chosen is not None and all(layer.id() != chosen for layer in _listed(box)):
            show_empty(box)

    box.layerChanged.connect(changed)
    box.model().rowsRemoved.connect(removed)


def spread(boxes: Sequence[QgsMapLayerComboBox]) -> None:
    """Each box after the first defaults to a layer none of the boxes before it shows: now, and
    whenever layers come or go (the last box's list is the last to be updated)."""
    def apart(*_args) -> None:
        used: set[str] = set()
        for box in boxes:
            layer = box.currentLayer()
            if layer is not None and layer.id() in used:
                other = next((lyr for lyr in _listed(box) if lyr.id() not in used), None)
                if other is not None:
                    box.setLayer(other)
                    layer = other
            if layer is not None:
                used.add(layer.id())

    boxes[-1].model().rowsInserted.connect(apart)
    boxes[-1].model().rowsRemoved.connect(apart)
    apart()


def refuse_repeats(names: Sequence[str], boxes: Sequence[QgsMapLayerComboBox],
                   fields: Sequence[QgsFieldComboBox]) -> None:
    """CompareError naming two inputs that are the same layer and field, and the fix: comparing a
    measure with itself would run for minutes and report a perfect, meaningless match."""
    seen: dict[tuple[str, str], str] = {}
    for name, box, field in zip(names, boxes, fields):
        layer = box.currentLayer()
        if layer is None:
            continue
        key = (layer.id(), field.currentField())
        if key in seen:
            message = tr("{first} and {second} are the same layer and field ('{layer}', {field}): choose a "
                         "different layer for {second}.")
            raise CompareError(message.format(first=seen[key], second=name, layer=layer.name(),
                                              field=field.currentField()))
        seen[key] = name
