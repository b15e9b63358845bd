"""Processing's lists of a hub's datasets, categories and published geographies, from a catalogue
the session has read (``core.catalogue_memory``)."""

from __future__ import annotations

from ..core.model import GEOGRAPHY_LABELS
from ..i18n import tr
from .choices import Choices

ALL = "all"


def dataset_options(doc: dict) -> Choices:
    return [(d["id"], d.get("title") or d["id"]) for d in doc["datasets"]]


def category_options(entries: list[dict]) -> Choices:
    """'all' first (shown as "All categories"), then each category of ``entries`` once, in catalogue order."""
    seen = dict.fromkeys([ALL, *(c for d in entries for c in d.get("categories") or [] if isinstance(c, str))])
    return [(c, tr("All categories") if c == ALL else c) for c in seen]


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
