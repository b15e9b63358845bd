"""The catalogues this QGIS session has read, by hub URL, so Processing can offer the hub's datasets,
categories and published geographies as lists without asking the network while a dialog opens.

Filled by every ``jin:fetch`` run and by whoever else reads a catalogue (``remember``); until then the
algorithm takes typed ids and checks them against the hub when it runs.
"""

from __future__ import annotations

from typing import Optional

from ..core.model import GEOGRAPHY_LABELS
from .choices import Choices

_KNOWN: dict[str, dict] = {}
ALL = "all"


def remember(hub_url: str, doc: dict) -> None:
    """Keep the catalogue ``doc`` read from ``hub_url`` for the dialogs opened later."""
    _KNOWN[hub_url.rstrip("/")] = doc


def known(hub_url: str) -> Optional[dict]:
    return _KNOWN.get(hub_url.rstrip("/")) if hub_url else None


def dataset_options(doc: dict) -> Choices:
    return [(d["id"], d.get("title") or d["id"]) for d in doc["datasets"]]


def category_options(entries: list[dict]) -> Choices:
    """'all' first, then each category of ``entries`` once, in catalogue order."""
    seen = dict.fromkeys([ALL, *(c for d in entries for c in d.get("categories") or [] if isinstance(c, str))])
    return [(c, c) for c in seen]


def geography_options(entries: list[dict], category: str = "") -> Choices:
    """Geographies the hub publishes ``entries`` at (for ``category`` when given), finest first: from
    the release policy (``publication``), else the catalogue's list."""
    published: set[str] = set()
    for entry in entries:
        rules = entry.get("publication") or {}
        chosen = [rules.get(category)] if category else list(rules.values())
        published.update(g for geos in chosen if geos for g in geos)
        if not rules:
            published.update(entry.get("geographies") or [])
    order = list(GEOGRAPHY_LABELS)
    return [(g, GEOGRAPHY_LABELS.get(g, g.upper()))
            for g in sorted(published, key=lambda g: (order.index(g) if g in order else len(order), g))]
