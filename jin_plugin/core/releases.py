"""Which JiN layers in a project are older than the hub's current release, and what to fetch to
bring each up to date (same dataset, geography, category, measure and zone)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Optional

from qgis.core import QgsVectorLayer

from .model import LayerRequest


def request_of_layer(layer: QgsVectorLayer) -> Optional[LayerRequest]:
    """The request a JiN layer was fetched with (None for other layers)."""
    raw = layer.customProperty("jin/request")
    if not raw:
        return None
    try:
        return LayerRequest(**json.loads(raw))
    except (TypeError, ValueError):
        return None


def refreshed(request: LayerRequest, entry: dict) -> LayerRequest:
    """The request for ``entry``'s current release: a rolling 12 months moves to the newest one, and a
    period the release no longer has becomes the latest."""
    period = request.period
    if period and period.startswith("L12-"):
        period = (entry.get("rolling") or [None])[-1]
    listed = [*entry.get("periods", []), *entry.get("years", []), *entry.get("financial_years", []),
              *entry.get("rolling", [])]
    return replace(request, period=period if period in listed else None)


def stale_layers(layers: list[QgsVectorLayer], hub_url: str, entries: dict[str, dict]
                 ) -> dict[QgsVectorLayer, LayerRequest]:
    """Layers from ``hub_url`` whose release is not the current one in ``entries`` (catalogue by id),
    each with the request that fetches the current release."""
    stale = {}
    for layer in layers:
        request = request_of_layer(layer)
        if request is None or layer.customProperty("jin/hub_url") != hub_url.rstrip("/"):
            continue
        entry = entries.get(request.dataset)
        if entry is not None and layer.customProperty("jin/release") != entry["release"]["id"]:
            stale[layer] = refreshed(request, entry)
    return stale
