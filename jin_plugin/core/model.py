"""Typed requests and labels shared by the panel, Processing and the headless workflow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

GEOGRAPHY_LABELS = {"oa": "OA", "lsoa": "LSOA", "msoa": "MSOA", "ward": "Ward", "district": "District"}


@dataclass(frozen=True)
class LayerRequest:
    """Which published values to map: dataset × geography × period × category."""

    dataset: str
    geography: str = "lsoa"
    period: Optional[str] = None        # YYYY-MM; None = the latest the hub has
    category: str = "all"

    def file_stem(self, period: str) -> str:
        """A file-system-safe name for the cached layer of this request."""
        raw = f"{self.dataset}__{self.geography}__{period}__{self.category}"
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", raw).strip("-").lower()


def month_label(period: str, entry: Optional[dict] = None) -> str:
    """``2024-03`` → ``Mar 2024``; a year ``2024`` → ``2024 (year)``; or the hub's own label for the
    period (school terms: ``Autumn term 2024``) when the catalogue ``entry`` has one."""
    if entry and period in entry.get("period_labels", {}):
        return entry["period_labels"][period]
    if len(period) == 4:
        return f"{period} (year)"
    year, month = (int(p) for p in period.split("-"))
    return date(year, month, 1).strftime("%b %Y")


def layer_name(entry: dict, request: LayerRequest, period: str) -> str:
    """Readable layer name, e.g. ``Police recorded crime — Burglary — LSOA — Mar 2024 — count``."""
    category = "all categories" if request.category == "all" else request.category
    geo = GEOGRAPHY_LABELS.get(request.geography, request.geography.upper())
    return f"{entry['title']} — {category} — {geo} — {month_label(period, entry)} — count"
